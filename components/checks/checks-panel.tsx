// The version page's checks, right under the header: one full-width row per check with its verdict,
// its whole summary (where the numbers are) and a link to its section of the checks page, so a
// reviewer sees at a glance whether the version is fit to promote and reaches the evidence in a few
// Tab presses. During a rerun the previous verdict stays in view, marked as being re-checked.
import Link from "next/link";
import type { ChecksSummary } from "@/lib/checks/list-check-runs";
import { Card, CardHeader } from "../ui/card";
import { ChevronRightIcon } from "../ui/icons";
import { Time } from "../ui/time";
import { checkKindLabel, isPending } from "@/lib/checks/format";
import { checkKinds } from "@/lib/checks/types";
import { fmtDuration } from "@/lib/format/numbers";
import { checksHref } from "../links";
import { ChecksAutoRefresh } from "./checks-auto-refresh";
import { CheckProgress, ChecksStateBadge, VerdictBadge, verdictLabel } from "./verdict-badge";

export function ChecksPanel({ model, version, checks }: { model: string; version: string; checks: ChecksSummary }) {
  const byKind = new Map(checks.latest.map((r) => [r.kind, r]));
  const previousByKind = new Map((checks.previous ?? []).map((r) => [r.kind, r]));
  const active = checks.latest.some(isPending);
  const href = checksHref(model, version);
  return (
    <Card aria-labelledby="checks-heading">
      <CardHeader
        id="checks-heading"
        title="Checks"
        description="Run by the registry on the stored bytes; each gates promotion."
        actions={
          <>
            <ChecksStateBadge state={checks.state} />
            <Link href={href} className="inline-flex items-center gap-1 rounded text-sm font-medium text-indigo-700 hover:text-indigo-900 hover:underline dark:text-indigo-300 dark:hover:text-indigo-200">
              View details
              <ChevronRightIcon className="size-3.5" />
            </Link>
          </>
        }
      />
      {checks.latest.length === 0 ? (
        <p className="px-5 py-4 text-sm text-slate-600 dark:text-slate-400">
          No checks have run for this version. Versions uploaded before the checks engine get results once someone with the contributor role reruns them.
        </p>
      ) : (
        <ul className="divide-y divide-slate-100 dark:divide-slate-800" aria-label="Latest run of each check">
          {checkKinds.map((kind) => {
            const run = byKind.get(kind);
            const previous = previousByKind.get(kind);
            const label = checkKindLabel[kind];
            return (
              <li key={kind} className="grid gap-x-6 gap-y-1 px-5 py-3.5 sm:grid-cols-[12rem_minmax(0,1fr)_auto]" data-check-kind={kind}>
                <div className="flex items-center justify-between gap-2 sm:flex-col sm:items-start sm:justify-start">
                  <h3 className="text-sm font-semibold text-slate-900 dark:text-slate-100">{label}</h3>
                  {run ? <VerdictBadge status={run.status} verdict={run.verdict} /> : <span className="text-xs text-slate-500 dark:text-slate-400">not requested</span>}
                </div>
                <div className="min-w-0 text-sm text-slate-700 dark:text-slate-300">
                  {run && isPending(run) ? (
                    <>
                      {previous ? (
                        <p data-testid="previous-verdict">
                          <span className="font-medium">Re-checking…</span> (previous: {verdictLabel(previous.verdict)}){" "}
                          <span className="text-slate-600 dark:text-slate-400">{previous.summary}</span>
                        </p>
                      ) : null}
                      <CheckProgress kindLabel={label} progress={run.progress} message={run.progressMessage} status={run.status} />
                    </>
                  ) : run ? (
                    <>
                      <p className="break-words">{run.summary ?? "no summary"}</p>
                      <p className="mt-0.5 text-xs text-slate-600 dark:text-slate-400">
                        {run.finishedAt ? (
                          <>
                            Finished <Time iso={run.finishedAt} />
                          </>
                        ) : null}
                        {run.durationMs !== null ? <> · took {fmtDuration(run.durationMs)}</> : null}
                        {run.trigger === "rerun" ? " · rerun" : null}
                      </p>
                    </>
                  ) : null}
                </div>
                {run ? (
                  <Link
                    href={`${href}#check-${kind}`}
                    className="inline-flex items-center gap-1 self-start rounded text-sm font-medium whitespace-nowrap text-indigo-700 hover:text-indigo-900 hover:underline dark:text-indigo-300 dark:hover:text-indigo-200"
                  >
                    {label} details
                    <ChevronRightIcon className="size-3.5" />
                  </Link>
                ) : null}
              </li>
            );
          })}
        </ul>
      )}
      {/* One element either way, so the refresher keeps its state and can say when the run ended. */}
      <div className={active ? "border-t border-slate-200 px-5 py-2.5 dark:border-slate-700" : "px-5 pb-2 has-[p:empty]:hidden"}>
        <ChecksAutoRefresh active={active} />
      </div>
    </Card>
  );
}
