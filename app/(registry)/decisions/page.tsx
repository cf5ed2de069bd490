import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { z } from "zod";
import { DecisionFilters, type DecisionFilterValues } from "@/components/decisions/decision-filters";
import { DecisionsTable } from "@/components/decisions/decisions-table";
import { decisionHref, decisionsHref, replayJobsHref } from "@/components/links";
import { buttonClasses } from "@/components/ui/button";
import { RefreshIcon, SearchIcon } from "@/components/ui/icons";
import { Alert } from "@/components/ui/alert";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { RoleForbidden } from "@/components/ui/forbidden";
import { PageHeader } from "@/components/ui/page-header";
import { CursorPagination } from "@/components/ui/pagination";
import { requirePageActor } from "@/app/_lib/next-auth";
import { can } from "@/lib/auth/permissions";
import { decisionExists } from "@/lib/decisions/get-decision";
import { listDecisions } from "@/lib/decisions/list-decisions";
import { requestIdSchema } from "@/lib/decisions/schemas";
import { AppError } from "@/lib/errors/app-error";
import { getServices } from "@/lib/server/services";
import { orFirstPage, type SearchParams } from "../../_lib/page-helpers";
import { utcInstant } from "@/app/_lib/utc-instant";

export const metadata: Metadata = { title: "Decisions" };

const PAGE_SIZE = 50;
const text = (max: number) => z.preprocess((v) => (Array.isArray(v) ? v[0] : v) || undefined, z.string().trim().max(max).optional().catch(undefined));
const searchParams = z.object({
  id: text(100),
  requestId: text(200),
  model: text(100),
  version: text(128),
  source: z.preprocess((v) => (Array.isArray(v) ? v[0] : v) || undefined, z.enum(["predict", "reported"]).optional().catch(undefined)),
  from: text(40),
  to: text(40),
  cursor: text(1000),
});
const uuid = z.uuid();

/** Service refusals that are about what was typed: said above the table, not an error page. */
const typedProblems: Record<string, (message: string) => string> = {
  model_not_found: (m) => m.charAt(0).toUpperCase() + m.slice(1),
  version_not_found: (m) => m.charAt(0).toUpperCase() + m.slice(1),
  invalid_query: () => "“Before” must be later than “From”",
};

export default async function DecisionsPage({ searchParams: raw }: { searchParams: SearchParams }) {
  const { id, cursor, ...filters } = searchParams.parse(await raw);
  const firstPage = decisionsHref(filters);
  const actor = await requirePageActor(id ? decisionsHref({ id }) : firstPage);
  if (!can(actor, "decisions.read"))
    return (
      <RoleForbidden title="The decisions ledger is for auditors and admins" actor={actor}>
        Ask an admin for the auditor role if you need to trace which version made a decision, and why it was allowed to.
      </RoleForbidden>
    );

  const services = await getServices();
  // A decision id jumps straight to the decision; one that is not there is said here instead of a 404.
  let notFound: string | undefined;
  if (id) {
    if (!uuid.safeParse(id).success) notFound = `“${id}” is not a decision id: decision ids are UUIDs, e.g. 0195f3a2-6c1e-7b3d-9a4e-2f1c3b5d7e90.`;
    else if (await decisionExists(services.prisma, { id: id.toLowerCase() })) redirect(decisionHref(id.toLowerCase()));
    else notFound = `No decision has the id ${id}.`;
  }
  const problems: string[] = [];
  const from = utcInstant(filters.from);
  const to = utcInstant(filters.to);
  if (from.invalid) problems.push(`“${filters.from}” is not a date and time (From)`);
  if (to.invalid) problems.push(`“${filters.to}” is not a date and time (Before)`);
  if (filters.version && !filters.model) problems.push("A version needs its model: fill in Model too.");
  if (filters.requestId && !requestIdSchema.safeParse(filters.requestId).success) problems.push("A request id has no control characters.");

  const values: DecisionFilterValues = { id, ...filters };
  const filtering = Object.values(filters).some(Boolean);
  const listed =
    problems.length > 0
      ? { items: [], nextCursor: null }
      : await orFirstPage(
          listDecisions(services.prisma, {
            limit: PAGE_SIZE,
            cursor,
            model: filters.model,
            version: filters.model ? filters.version : undefined,
            requestId: filters.requestId,
            source: filters.source,
            from: from.iso,
            to: to.iso,
          }),
          firstPage,
        ).catch((error: unknown) => {
          const say = error instanceof AppError ? typedProblems[error.code] : undefined;
          if (!say) throw error;
          problems.push(say((error as AppError).message));
          return { items: [], nextCursor: null };
        });

  return (
    <>
      <PageHeader
        title="Decisions"
        description="Every decision made through the registry (predict) or reported by an external server, with the exact version that made it. Open one to see its lineage as it stood at that moment, and replay it on the same bytes."
        actions={
          <>
            {/* A search by model (and version, time range) is exactly what a bulk replay covers: offer it with the filters filled in. */}
            {filters.model && !problems.length && can(actor, "decisions.replay") ? (
              <Link href={replayJobsHref({ model: filters.model, version: filters.version, from: filters.from, to: filters.to })} className={buttonClasses({ variant: "secondary", size: "sm" })}>
                <RefreshIcon className="size-3.5" />
                Replay these decisions…
              </Link>
            ) : null}
            <Link href={replayJobsHref()} className={buttonClasses({ variant: "ghost", size: "sm" })}>
              Bulk replays
            </Link>
          </>
        }
      />
      <Card aria-labelledby="decisions-heading">
        <div className="space-y-4 border-b border-slate-200 px-5 py-4 dark:border-slate-700">
          <div>
            <h2 id="decisions-heading" className="text-base font-semibold text-slate-900 dark:text-slate-100">
              {filtering ? "Matching decisions" : "Latest decisions"}
            </h2>
            <p className="mt-0.5 text-sm text-slate-500 dark:text-slate-400">Newest first. Times are UTC; “From” is inclusive and “Before” exclusive. Filters match exact values.</p>
          </div>
          <DecisionFilters values={values} />
          {notFound ? (
            <Alert tone="warning" role="alert" title="Decision not found">
              {notFound}
            </Alert>
          ) : null}
          {problems.length ? (
            <Alert tone="warning" role="alert" title="Check the search">
              <ul className="list-disc pl-5">
                {problems.map((p) => (
                  <li key={p}>{p}</li>
                ))}
              </ul>
            </Alert>
          ) : null}
        </div>
        {listed.items.length === 0 ? (
          <EmptyState icon={<SearchIcon className="size-5" />} title={cursor || filtering ? "No matching decisions" : "No decisions yet"}>
            {filtering ? (
              "Request ids match exactly; a version needs its model; the time range is in UTC."
            ) : (
              <>
                Decisions appear here as soon as a model is run through the registry (
                <code className="font-mono text-xs break-all">POST /api/v1/models/&lt;model&gt;/predict</code>) or an external server reports them (
                <code className="font-mono text-xs">POST /api/v1/decisions</code>).
              </>
            )}
          </EmptyState>
        ) : (
          <>
            <DecisionsTable decisions={listed.items} caption={filtering ? "Matching decisions, newest first" : "Latest decisions, newest first"} />
            <CursorPagination basePath="/decisions" params={filters} nextCursor={listed.nextCursor} isFirstPage={!cursor} shown={listed.items.length} noun="decisions" />
          </>
        )}
      </Card>
    </>
  );
}
