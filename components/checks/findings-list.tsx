// What a check wants a reviewer to read, most severe first. Details are the check's structured
// evidence (expected vs actual, offsets, group sizes); they are JSON written by the check, shown as
// text and never interpreted.
import type { CheckRunView } from "@/lib/checks/list-check-runs";
import { cn } from "../ui/cn";
import { AlertIcon, InfoIcon, XCircleIcon } from "../ui/icons";

type Finding = CheckRunView["findings"][number];

const severityRank: Record<Finding["severity"], number> = { error: 0, warning: 1, info: 2 };

const severityLook: Record<Finding["severity"], { label: string; Icon: typeof InfoIcon; icon: string; box: string }> = {
  error: { label: "Error", Icon: XCircleIcon, icon: "text-red-600 dark:text-red-400", box: "border-l-red-500" },
  warning: { label: "Warning", Icon: AlertIcon, icon: "text-amber-600 dark:text-amber-400", box: "border-l-amber-500" },
  info: { label: "Info", Icon: InfoIcon, icon: "text-sky-600 dark:text-sky-400", box: "border-l-sky-400" },
};

export function sortFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort((a, b) => (severityRank[a.severity] ?? 3) - (severityRank[b.severity] ?? 3));
}

export function FindingsList({ findings, emptyText = "No findings.", title = "Findings" }: { findings: readonly Finding[]; emptyText?: string; title?: string | null }) {
  const sorted = sortFindings(findings);
  const counts = (["error", "warning", "info"] as const).map((s) => [s, findings.filter((f) => f.severity === s).length] as const).filter(([, n]) => n > 0);
  return (
    <div>
      {title ? (
        <h4 className="mb-2 flex flex-wrap items-baseline gap-x-2 text-sm font-semibold text-slate-900 dark:text-slate-100">
          {title}
          {counts.length ? (
            <span className="text-xs font-normal text-slate-500 dark:text-slate-400">{counts.map(([s, n]) => `${n} ${severityLook[s].label.toLowerCase()}${n > 1 ? "s" : ""}`).join(", ")}</span>
          ) : null}
        </h4>
      ) : null}
      {sorted.length === 0 ? (
        <p className="text-sm text-slate-500 dark:text-slate-400">{emptyText}</p>
      ) : (
        <ul className="space-y-2">
          {sorted.map((f, i) => {
            const look = severityLook[f.severity] ?? severityLook.info;
            return (
              <li key={`${f.code}-${i}`} className={cn("rounded-md border border-l-4 border-slate-200 dark:border-slate-700 bg-white dark:bg-slate-900 px-3 py-2", look.box)}>
                <div className="flex gap-2">
                  <look.Icon className={cn("mt-0.5 size-4 shrink-0", look.icon)} />
                  <div className="min-w-0 flex-1 text-sm">
                    <p className="text-slate-800 dark:text-slate-200">
                      <span className="font-semibold">{look.label}:</span> {f.message}
                    </p>
                    <p className="mt-0.5 font-mono text-[11px] text-slate-500 dark:text-slate-400">{f.code}</p>
                    {f.details && Object.keys(f.details).length ? (
                      <details className="mt-1.5">
                        <summary className="cursor-pointer rounded text-xs font-medium text-slate-600 dark:text-slate-400 hover:text-slate-900 dark:hover:text-slate-100">Details</summary>
                        <pre tabIndex={0} className="mt-1.5 max-h-72 overflow-auto rounded bg-slate-50 dark:bg-slate-800/40 p-2 font-mono text-[12px] leading-relaxed text-slate-700 dark:text-slate-300 ring-1 ring-slate-200 dark:ring-slate-700">
                          {JSON.stringify(f.details, null, 2)}
                        </pre>
                      </details>
                    ) : null}
                  </div>
                </div>
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}
