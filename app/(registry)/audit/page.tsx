import type { Metadata } from "next";
import { z } from "zod";
import { userEmailsById } from "@/lib/auth/user-emails";
import { AuditFilters } from "@/components/audit/audit-filters";
import { AuditTable } from "@/components/audit/audit-table";
import { ChainBanner } from "@/components/audit/chain-banner";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { Forbidden } from "@/components/ui/forbidden";
import { ShieldCheckIcon } from "@/components/ui/icons";
import { PageHeader } from "@/components/ui/page-header";
import { CursorPagination } from "@/components/ui/pagination";
import { listAuditEvents } from "@/lib/audit/list-events";
import { verifyAuditChain } from "@/lib/audit/verify-chain";
import { requirePageActor } from "@/lib/auth/next-auth";
import { canReadAudit } from "@/lib/auth/roles";
import { getServices } from "@/lib/server/services";
import { orFirstPage, type SearchParams } from "../../_lib/page-helpers";

export const metadata: Metadata = { title: "Audit log" };

const PAGE_SIZE = 50;
const text = (max: number) => z.preprocess((v) => (Array.isArray(v) ? v[0] : v) || undefined, z.string().trim().max(max).optional().catch(undefined));
const auditParams = z.object({ cursor: text(1000), action: text(100), subjectType: text(100), subjectId: text(500) });

export default async function AuditPage({ searchParams }: { searchParams: SearchParams }) {
  const actor = await requirePageActor("/audit");
  if (!canReadAudit(actor))
    return (
      <Forbidden title="The audit log is for auditors and admins">
        You are signed in as <strong className="font-medium text-slate-800">{actor.email}</strong> with the <strong className="font-medium text-slate-800">{actor.role}</strong>{" "}
        role. Ask an admin for the auditor role if you need to trace decisions and approvals.
      </Forbidden>
    );

  const { cursor, ...filters } = auditParams.parse(await searchParams);
  const { prisma } = await getServices();
  const filterParams = { action: filters.action, subjectType: filters.subjectType, subjectId: filters.subjectId };
  const firstPage = `/audit?${new URLSearchParams(Object.entries(filterParams).filter((e): e is [string, string] => !!e[1])).toString()}`;
  const [chain, page] = await Promise.all([verifyAuditChain(prisma), orFirstPage(listAuditEvents(prisma, { limit: PAGE_SIZE, cursor, ...filters }), firstPage)]);
  const emails = await userEmailsById(
    prisma,
    page.items.flatMap((e) => [...(e.actor.type === "user" ? [e.actor.id] : []), ...(e.subject.type === "user" ? [e.subject.id] : [])]),
  );

  return (
    <>
      <PageHeader
        title="Audit log"
        description="Every state change, append-only and hash-chained: each event's hash covers its contents and the previous event's hash, so any edit, deletion or reordering breaks the chain from that point on."
      />
      <div className="space-y-6">
        <ChainBanner result={chain} />
        <Card aria-labelledby="events-heading">
          <div className="flex flex-wrap items-end justify-between gap-4 border-b border-slate-200 px-5 py-4">
            <div>
              <h2 id="events-heading" className="text-base font-semibold text-slate-900">
                Events
              </h2>
              <p className="mt-0.5 text-sm text-slate-500">In chain order, oldest first. Times are UTC.</p>
            </div>
            <AuditFilters {...filterParams} />
          </div>
          {page.items.length === 0 ? (
            <EmptyState icon={<ShieldCheckIcon className="size-5" />} title={cursor || Object.values(filterParams).some(Boolean) ? "No matching events" : "No events yet"}>
              {Object.values(filterParams).some(Boolean)
                ? "Filters match exact values, e.g. action “model.created”, subject type “model”."
                : "Events appear as soon as anything changes: a model is created, a version uploaded, a token issued."}
            </EmptyState>
          ) : (
            <>
              <AuditTable events={page.items} emails={emails} />
              <CursorPagination basePath="/audit" params={filterParams} nextCursor={page.nextCursor} isFirstPage={!cursor} shown={page.items.length} noun="events" />
            </>
          )}
        </Card>
      </div>
    </>
  );
}
