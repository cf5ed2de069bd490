import type { Metadata } from "next";
import { z } from "zod";
import { userEmailsById } from "@/lib/auth/user-emails";
import { AuditFilters, type AuditFilterValues } from "@/components/audit/audit-filters";
import { AuditTable } from "@/components/audit/audit-table";
import { ChainBanner } from "@/components/audit/chain-banner";
import { Alert } from "@/components/ui/alert";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { RoleForbidden } from "@/components/ui/forbidden";
import { ShieldCheckIcon } from "@/components/ui/icons";
import { PageHeader } from "@/components/ui/page-header";
import { CursorPagination } from "@/components/ui/pagination";
import { tokenLabelsById } from "@/lib/audit/credential-labels";
import { listAuditEvents } from "@/lib/audit/list-events";
import { verifyAuditChain } from "@/lib/audit/verify-chain";
import { requirePageActor } from "@/app/_lib/next-auth";
import { can } from "@/lib/auth/permissions";
import { AppError } from "@/lib/errors/app-error";
import { getServices } from "@/lib/server/services";
import { orFirstPage, type SearchParams } from "../../_lib/page-helpers";
import { utcInstant } from "@/app/_lib/utc-instant";

export const metadata: Metadata = { title: "Audit log" };

const PAGE_SIZE = 50;
const text = (max: number) => z.preprocess((v) => (Array.isArray(v) ? v[0] : v) || undefined, z.string().trim().max(max).optional().catch(undefined));
const auditParams = z.object({
  cursor: text(1000),
  order: z.preprocess((v) => (Array.isArray(v) ? v[0] : v), z.enum(["asc", "desc"]).catch("desc")),
  actor: text(320),
  credential: text(200),
  action: text(100),
  subjectType: text(100),
  subjectId: text(500),
  from: text(40),
  to: text(40),
});

export default async function AuditPage({ searchParams }: { searchParams: SearchParams }) {
  const actor = await requirePageActor("/audit");
  if (!can(actor, "audit.read"))
    return (
      <RoleForbidden title="The audit log is for auditors and admins" actor={actor}>
        Ask an admin for the auditor role if you need to trace decisions and approvals.
      </RoleForbidden>
    );

  const { cursor, order, ...typed } = auditParams.parse(await searchParams);
  const from = utcInstant(typed.from);
  const to = utcInstant(typed.to);
  const problems = [...(from.invalid ? [`“${typed.from}” is not a date and time (From)`] : []), ...(to.invalid ? [`“${typed.to}” is not a date and time (Before)`] : [])];
  const values: AuditFilterValues = { ...typed, order };
  // What the links keep: the filters as typed, and the order unless it is the page's default.
  const linkParams = { ...typed, order: order === "desc" ? undefined : order };
  const filtering = Object.values(typed).some(Boolean);
  const firstPage = `/audit?${new URLSearchParams(Object.entries(linkParams).filter((e): e is [string, string] => !!e[1])).toString()}`;

  const { prisma } = await getServices();
  const query = { ...typed, from: from.iso, to: to.iso, order };
  const [chain, listed] = await Promise.all([
    verifyAuditChain(prisma),
    orFirstPage(listAuditEvents(prisma, { limit: PAGE_SIZE, cursor, ...query }), firstPage).catch((error: unknown) => {
      // A time range that ends before it starts is the person's input, not a failure of the page.
      if (error instanceof AppError && error.code === "invalid_time_range") {
        problems.push("“Before” must be later than “From”");
        return { items: [], nextCursor: null };
      }
      throw error;
    }),
  ]);
  const [emails, tokens] = await Promise.all([
    userEmailsById(
      prisma,
      listed.items.flatMap((e) => [...(e.actor.type === "user" ? [e.actor.id] : []), ...(e.subject.type === "user" ? [e.subject.id] : [])]),
    ),
    tokenLabelsById(
      prisma,
      listed.items.map((e) => e.credential),
    ),
  ]);

  return (
    <>
      <PageHeader
        title="Audit log"
        description="Every state change, append-only and hash-chained: each event's hash covers its contents and the previous event's hash, so any edit, deletion or reordering breaks the chain from that point on."
      />
      <div className="space-y-6">
        <ChainBanner result={chain} />
        <Card aria-labelledby="events-heading">
          <div className="space-y-4 border-b border-slate-200 dark:border-slate-700 px-5 py-4">
            <div>
              <h2 id="events-heading" className="text-base font-semibold text-slate-900 dark:text-slate-100">
                Events
              </h2>
              <p className="mt-0.5 text-sm text-slate-500 dark:text-slate-400">
                {order === "desc" ? "Newest first." : "In chain order, oldest first."} Times are UTC. Filters match exact values; select an actor or a credential to see
                everything it did.
              </p>
            </div>
            <AuditFilters values={values} />
            {problems.length ? (
              <Alert tone="warning" role="alert" title="Check the filters">
                <ul className="list-disc pl-5">
                  {problems.map((p) => (
                    <li key={p}>{p}</li>
                  ))}
                </ul>
              </Alert>
            ) : null}
          </div>
          {listed.items.length === 0 ? (
            <EmptyState icon={<ShieldCheckIcon className="size-5" />} title={cursor || filtering ? "No matching events" : "No events yet"}>
              {filtering
                ? "Filters match exact values, e.g. action “model.created”, subject type “model”, an actor's email."
                : "Events appear as soon as anything changes: a model is created, a version uploaded, a token issued."}
            </EmptyState>
          ) : (
            <>
              <AuditTable events={listed.items} emails={emails} tokens={tokens} order={order} />
              <CursorPagination basePath="/audit" params={linkParams} nextCursor={listed.nextCursor} isFirstPage={!cursor} shown={listed.items.length} noun="events" />
            </>
          )}
        </Card>
      </div>
    </>
  );
}
