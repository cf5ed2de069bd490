// The gates of a promotion request as a checklist: each gate's verdict as icon + word, its label and
// the sentence saying why; the schema gate's changes (breaking ones marked) and the card gate's
// missing items listed under it. Reusable on the version page: pass a request's `gates`.
import type { Gate } from "@/lib/promotion/gates";
import { cn } from "../ui/cn";
import { CheckCircleIcon, ClockIcon, MinusCircleIcon, XCircleIcon } from "../ui/icons";

const look: Record<Gate["status"], { word: string; Icon: typeof ClockIcon; className: string }> = {
  pass: { word: "Pass", Icon: CheckCircleIcon, className: "text-emerald-700 dark:text-emerald-300" },
  fail: { word: "Fail", Icon: XCircleIcon, className: "text-red-700 dark:text-red-300" },
  pending: { word: "Pending", Icon: ClockIcon, className: "text-amber-800 dark:text-amber-300" },
  waived: { word: "Waived", Icon: MinusCircleIcon, className: "text-slate-600 dark:text-slate-400" },
};

export function GateStatus({ status }: { status: Gate["status"] }) {
  const l = look[status];
  return (
    <span className={cn("inline-flex w-20 shrink-0 items-center gap-1 text-sm font-semibold", l.className)}>
      <l.Icon className="size-4" />
      {l.word}
    </span>
  );
}

export function GateChecklist({ gates, className, label = "Promotion gates" }: { gates: readonly Gate[]; className?: string; label?: string }) {
  if (!gates.length) return <p className={cn("text-sm text-slate-600 dark:text-slate-400", className)}>The gates have not been evaluated yet.</p>;
  return (
    <ul aria-label={label} className={cn("divide-y divide-slate-100 dark:divide-slate-800", className)}>
      {gates.map((gate) => (
        <li key={gate.id} data-gate={gate.id} data-status={gate.status} className="flex gap-3 py-3 first:pt-0 last:pb-0">
          <GateStatus status={gate.status} />
          <div className="min-w-0 flex-1 text-sm">
            <p className="font-medium text-slate-900 dark:text-slate-100">{gate.label}</p>
            <p className="mt-0.5 text-slate-600 dark:text-slate-400">{gate.detail}</p>
            {gate.changes?.length ? (
              <ul aria-label="Schema changes against prod" className="mt-2 space-y-1">
                {gate.changes.map((c, i) => (
                  <li key={i} className="flex items-start gap-2">
                    <span
                      className={cn(
                        "mt-0.5 shrink-0 rounded px-1.5 py-px text-[11px] font-semibold uppercase",
                        c.breaking ? "bg-red-100 text-red-800 dark:bg-red-400/15 dark:text-red-200" : "bg-slate-100 text-slate-700 dark:bg-slate-800 dark:text-slate-300",
                      )}
                    >
                      {c.breaking ? "Breaking" : "Compatible"}
                    </span>
                    <span className="min-w-0 font-mono text-xs break-words text-slate-700 dark:text-slate-300">{c.message}</span>
                  </li>
                ))}
              </ul>
            ) : null}
            {gate.missing?.length ? (
              <ul aria-label="Missing from the model card" className="mt-2 list-disc space-y-0.5 pl-5 text-slate-700 dark:text-slate-300">
                {gate.missing.map((m) => (
                  <li key={m.item}>{m.message}</li>
                ))}
              </ul>
            ) : null}
          </div>
        </li>
      ))}
    </ul>
  );
}
