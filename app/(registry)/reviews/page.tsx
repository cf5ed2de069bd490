import type { Metadata } from "next";
import { z } from "zod";
import { PromotionsTable } from "@/components/promotion/promotions-table";
import { queueStatuses, ReviewFilters } from "@/components/promotion/review-filters";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { ShieldCheckIcon } from "@/components/ui/icons";
import { PageHeader } from "@/components/ui/page-header";
import { CursorPagination } from "@/components/ui/pagination";
import { requirePageActor } from "@/app/_lib/next-auth";
import { can } from "@/lib/auth/permissions";
import { describeRequest } from "@/lib/promotion/describe-request";
import { listPromotions } from "@/lib/promotion/list-promotions";
import { getServices } from "@/lib/server/services";
import { orFirstPage, type SearchParams } from "../../_lib/page-helpers";

export const metadata: Metadata = { title: "Reviews" };

const PAGE_SIZE = 25;

const single = z.preprocess((v) => (Array.isArray(v) ? v[0] : v), z.string().max(200).optional().catch(undefined));
const statusValues = queueStatuses.map(([value]) => value) as [string, ...string[]];
// Unknown or hand-edited values fall back to the defaults rather than failing the page.
const queueParams = z.object({
  status: z.preprocess((v) => (Array.isArray(v) ? v[0] : v), z.enum(statusValues).catch("open").default("open")),
  to: z.preprocess((v) => (Array.isArray(v) ? v[0] : v), z.enum(["staging", "prod"]).optional().catch(undefined)),
  model: z.preprocess((v) => (Array.isArray(v) ? v[0] || undefined : v || undefined), z.string().regex(/^[a-z0-9][a-z0-9-_.]{0,99}$/).optional().catch(undefined)),
  cursor: single,
});

export default async function ReviewsPage({ searchParams }: { searchParams: SearchParams }) {
  const { status, to, model, cursor } = queueParams.parse(await searchParams);
  const filters = { status: status === "open" ? undefined : status, to, model };
  const query = new URLSearchParams(Object.entries(filters).filter((e): e is [string, string] => Boolean(e[1]))).toString();
  const actor = await requirePageActor(query ? `/reviews?${query}` : "/reviews");
  const services = await getServices();
  const page = await orFirstPage(
    listPromotions(services.prisma, { status: status as Parameters<typeof listPromotions>[1]["status"], to, model, cursor, limit: PAGE_SIZE }),
    query ? `/reviews?${query}` : "/reviews",
  );
  const rows = page.items.map((r) => ({ ...r, ...describeRequest(r) }));
  const filtered = Boolean(to || model || status !== "open");
  const label = status === "open" ? "Open" : (queueStatuses.find(([v]) => v === status)?.[1] ?? "Open");

  return (
    <>
      <PageHeader
        title="Reviews"
        description={
          can(actor, "promotion.approve")
            ? "Promotion requests waiting for the registry's gates and for reviewers like you. Open one to read its gates, the diff against prod and the model card, then approve or reject it."
            : "Promotion requests and where each one stands. Reviewers and admins approve or reject them; you can read every request."
        }
      />
      <Card aria-labelledby="queue-heading">
        <div className="border-b border-slate-200 px-5 pt-4 dark:border-slate-700">
          <h2 id="queue-heading" className="text-base font-semibold text-slate-900 dark:text-slate-100">
            {label} requests{to ? ` to ${to}` : ""}
            {model ? ` for ${model}` : ""}
          </h2>
        </div>
        <div className="border-b border-slate-200 dark:border-slate-700">
          <ReviewFilters status={status} to={to} model={model} />
        </div>
        {rows.length === 0 && !cursor ? (
          <EmptyState icon={<ShieldCheckIcon className="size-5" />} title={filtered ? "No requests match these filters" : "No open requests"}>
            {filtered ? (
              <>
                Try another status or stage, or{" "}
                <a href="/reviews" className="font-medium text-indigo-700 underline-offset-2 hover:underline dark:text-indigo-300">
                  show every open request
                </a>
                .
              </>
            ) : (
              <>
                Nothing is waiting for review. A model&apos;s owners request promotion from its model page (or the version page), or from CI with{" "}
                <code className="font-mono text-xs break-all">POST /api/v1/models/&lt;model&gt;/versions/&lt;version&gt;/promotions</code>. Requests appear here at once and
                move to <em>awaiting approval</em> when their checks pass.
              </>
            )}
          </EmptyState>
        ) : (
          <>
            <PromotionsTable rows={rows} caption={`${label} promotion requests, newest first`} />
            <CursorPagination basePath="/reviews" params={filters} nextCursor={page.nextCursor} isFirstPage={!cursor} shown={rows.length} noun="requests" />
          </>
        )}
      </Card>
    </>
  );
}
