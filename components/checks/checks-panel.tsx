// The version page's sidebar card: where a reviewer sees at a glance whether the version is fit to
// promote, with one line per check and a way into the full results.
import Link from "next/link";
import type { ChecksSummary } from "@/lib/checks/list-check-runs";
import { Card, CardHeader } from "../ui/card";
import { ChevronRightIcon } from "../ui/icons";
import { checkKindLabel, isPending } from "@/lib/checks/format";
import { checkKinds } from "@/lib/checks/types";
import { fmtDuration } from "@/lib/format/numbers";
import { checksHref } from "../links";
import { ChecksAutoRefresh } from "./checks-auto-refresh";
import { CheckProgress, ChecksStateBadge, VerdictBadge } from "./verdict-badge";

export function ChecksPanel({ model, version, checks }: { model: string; version: string; checks: ChecksSummary }) {
  const byKind = new Map(checks.latest.map((r) => [r.kind, r]));
  const active = checks.latest.some(isPending);
  const href = checksHref(model, version);
  return (
    <Card aria-labelledby="checks-heading">
      <CardHeader id="checks-heading" title="Checks" actions={<ChecksStateBadge state={checks.state} />} />
      {checks.latest.length === 0 ? (
        <p className="px-5 py-4 text-sm text-slate-600">
          No checks have run for this version. Versions uploaded before the checks engine get results once someone with the contributor role reruns them.
        </p>
      ) : (
        <ul className="divide-y divide-slate-100" aria-label="Latest run of each check">
          {checkKinds.map((kind) => {
            const run = byKind.get(kind);
            return (
              <li key={kind} className="px-5 py-3" data-check-kind={kind}>
                <div className="flex items-center justify-between gap-2">
                  <span className="text-sm font-medium text-slate-900">{checkKindLabel[kind]}</span>
                  {run ? <VerdictBadge status={run.status} verdict={run.verdict} /> : <span className="text-xs text-slate-400">not requested</span>}
                </div>
                {run && isPending(run) ? (
                  <CheckProgress kindLabel={checkKindLabel[kind]} progress={run.progress} message={run.progressMessage} status={run.status} />
                ) : run ? (
                  <div className="mt-1 flex items-baseline justify-between gap-3 text-xs text-slate-500">
                    <span className="line-clamp-2 min-w-0" title={run.summary ?? undefined}>
                      {run.summary ?? "no summary"}
                    </span>
                    <span className="shrink-0 tabular-nums" title="Duration">
                      {fmtDuration(run.durationMs)}
                    </span>
                  </div>
                ) : null}
              </li>
            );
          })}
        </ul>
      )}
      <div className="flex items-center justify-between gap-3 border-t border-slate-200 px-5 py-3">
        <ChecksAutoRefresh active={active} />
        <Link href={href} className="inline-flex shrink-0 items-center gap-1 rounded text-sm font-medium text-indigo-700 hover:text-indigo-900 hover:underline">
          View details
          <ChevronRightIcon className="size-3.5" />
        </Link>
      </div>
    </Card>
  );
}
