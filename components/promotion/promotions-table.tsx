// The reviewer queue: one row per request — model and version (linking to the request), the move,
// the gates at a glance, age and who asked. `glance` is describeRequest()'s short form.
import Link from "next/link";
import type { RequestTone } from "@/lib/promotion/describe-request";
import type { PromotionSummary } from "@/lib/promotion/views";
import { cn } from "../ui/cn";
import { CheckCircleIcon, ClockIcon, MinusCircleIcon, ShieldCheckIcon, XCircleIcon } from "../ui/icons";
import { RowHeader, Table, TBody, TD, TH, THead, TR } from "../ui/table";
import { Time } from "../ui/time";
import { RequestStatusBadge, StageMove } from "./stage-badge";

export type QueueRow = PromotionSummary & { glance: string; tone: RequestTone };

const glanceLook: Record<RequestTone, { Icon: typeof ClockIcon; className: string }> = {
  blocked: { Icon: XCircleIcon, className: "text-red-700 dark:text-red-300" },
  waiting: { Icon: ClockIcon, className: "text-amber-800 dark:text-amber-300" },
  ready: { Icon: ShieldCheckIcon, className: "text-indigo-700 dark:text-indigo-300" },
  approved: { Icon: CheckCircleIcon, className: "text-emerald-700 dark:text-emerald-300" },
  promoted: { Icon: CheckCircleIcon, className: "text-emerald-700 dark:text-emerald-300" },
  closed: { Icon: MinusCircleIcon, className: "text-slate-600 dark:text-slate-400" },
};

export const requestHref = (id: string) => `/reviews/${encodeURIComponent(id)}`;

export function PromotionsTable({ rows, caption }: { rows: readonly QueueRow[]; caption: string }) {
  return (
    <Table caption={caption}>
      <THead>
        <TH>Request</TH>
        <TH>Move</TH>
        <TH>Gates</TH>
        <TH>Status</TH>
        <TH>Age</TH>
        <TH>Requested by</TH>
      </THead>
      <TBody>
        {rows.map((r) => {
          const look = glanceLook[r.tone];
          return (
            <TR key={r.id}>
              <RowHeader>
                <Link href={requestHref(r.id)} className="rounded font-mono text-indigo-700 hover:underline dark:text-indigo-300">
                  {r.model}
                  <span className="text-slate-500 dark:text-slate-400">@</span>
                  {r.version}
                </Link>
              </RowHeader>
              <TD>
                <StageMove from={r.from} to={r.to} />
              </TD>
              <TD>
                <span className={cn("inline-flex items-center gap-1.5 font-medium whitespace-nowrap", look.className)}>
                  <look.Icon className="size-4 shrink-0" />
                  {r.glance}
                </span>
              </TD>
              <TD>
                <RequestStatusBadge status={r.status} />
              </TD>
              <TD className="whitespace-nowrap">
                <Time iso={r.createdAt} />
              </TD>
              <TD className="break-all">{r.requestedBy ? r.requestedBy.name || r.requestedBy.email : <span className="text-slate-600 dark:text-slate-400">bootstrap token</span>}</TD>
            </TR>
          );
        })}
      </TBody>
    </Table>
  );
}
