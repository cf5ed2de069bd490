// A run's outcome as icon + word + colour (never colour alone), and the version-wide checks state.
import { Badge, type BadgeTone } from "../ui/badge";
import type { ChecksSummary } from "@/lib/checks/list-check-runs";
import { AlertIcon, CheckCircleIcon, ClockIcon, MinusCircleIcon, SpinnerIcon, XCircleIcon } from "../ui/icons";
import type { RunStatus } from "@/lib/checks/format";
import type { Verdict } from "@/lib/checks/types";

type Look = { tone: BadgeTone; label: string; Icon: typeof ClockIcon; title: string };

const verdictLook: Record<Verdict, Look> = {
  pass: { tone: "green", label: "Passed", Icon: CheckCircleIcon, title: "The check ran and its gates passed" },
  fail: { tone: "red", label: "Failed", Icon: XCircleIcon, title: "The check ran and a gate failed" },
  error: { tone: "amber", label: "Error", Icon: AlertIcon, title: "The check could not finish; the summary says why" },
  not_applicable: { tone: "neutral", label: "Not applicable", Icon: MinusCircleIcon, title: "Nothing in this version for this check to evaluate" },
};

const pendingLook: Record<Exclude<RunStatus, "finished">, Look> = {
  queued: { tone: "neutral", label: "Queued", Icon: ClockIcon, title: "Waiting for a worker" },
  running: { tone: "indigo", label: "Running", Icon: SpinnerIcon, title: "A worker is running this check" },
};

/** A finished run's verdict as the badge words it ("Passed", "Failed", …). */
export function verdictLabel(verdict: Verdict | null): string {
  return (verdict ? verdictLook[verdict] : verdictLook.error).label.toLowerCase();
}

export function VerdictBadge({ status, verdict, className }: { status: RunStatus; verdict: Verdict | null; className?: string }) {
  const look = status !== "finished" ? pendingLook[status] : verdict ? verdictLook[verdict] : verdictLook.error;
  return (
    <Badge tone={look.tone} title={look.title} className={className}>
      <look.Icon className="size-3.5" />
      {look.label}
    </Badge>
  );
}

const stateLook: Record<ChecksSummary["state"], Look> = {
  not_run: { tone: "neutral", label: "Not run", Icon: MinusCircleIcon, title: "No checks have run for this version" },
  running: { tone: "indigo", label: "Checks running", Icon: SpinnerIcon, title: "Some checks are queued or running" },
  passed: { tone: "green", label: "All checks passed", Icon: CheckCircleIcon, title: "Every latest run passed or did not apply" },
  failed: { tone: "red", label: "Checks failed", Icon: XCircleIcon, title: "A latest run failed or errored" },
};

export function ChecksStateBadge({ state }: { state: ChecksSummary["state"] }) {
  const look = stateLook[state];
  return (
    <Badge tone={look.tone} title={look.title}>
      <look.Icon className="size-3.5" />
      {look.label}
    </Badge>
  );
}

/** A run's progress; before a worker reports any (queued, just started) the bar pulses and reads 0%. */
export function CheckProgress({ kindLabel, progress, message, status }: { kindLabel: string; progress: number | null; message: string | null; status: RunStatus }) {
  const percent = progress === null ? null : Math.round(Math.min(Math.max(progress, 0), 1) * 100);
  const text = message ?? (status === "queued" ? "Waiting for a worker" : "Starting");
  return (
    <div className="mt-2">
      <div
        role="progressbar"
        aria-label={`${kindLabel} progress`}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent ?? 0}
        aria-valuetext={percent === null ? text : `${percent}%: ${text}`}
        className="h-1.5 overflow-hidden rounded-full bg-slate-200 dark:bg-slate-700"
      >
        <div
          className={
            percent === null
              ? // Stripes across the whole track: "waiting", without suggesting an amount done.
                "h-full w-full bg-[repeating-linear-gradient(135deg,#c7d2fe_0_6px,#e0e7ff_6px_12px)] motion-safe:animate-pulse"
              : "h-full rounded-full bg-indigo-500 transition-[width] duration-500"
          }
          style={percent === null ? undefined : { width: `${Math.max(percent, 2)}%` }}
        />
      </div>
      <p className="mt-1 flex justify-between gap-2 text-xs text-slate-500 dark:text-slate-400">
        <span className="truncate">{text}</span>
        {percent !== null ? <span className="tabular-nums">{percent}%</span> : null}
      </p>
    </div>
  );
}
