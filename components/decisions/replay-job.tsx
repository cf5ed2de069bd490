// A bulk replay on screen: its verdict in a coloured box, a progress bar while it runs, the outcomes
// as one stacked bar with the same numbers in a table, and the first differences (each linking to
// its decision, where it can be replayed alone and compared output by output).
import Link from "next/link";
import type { ReplayCounts, ReplayDifference, ReplayJobView } from "@/lib/decisions/views";
import { decisionHref, replayJobHref } from "../links";
import { Badge, type BadgeTone } from "../ui/badge";
import { cn } from "../ui/cn";
import { AlertIcon, CheckCircleIcon, ClockIcon, InfoIcon, SpinnerIcon, XCircleIcon } from "../ui/icons";
import { RowHeader, Table, TBody, TD, TH, THead, TR } from "../ui/table";
import { formatUtc } from "../ui/time";
import { formatDiff, formatScore, outputLabel } from "./decision-format";
import { replayJobActive, replayJobPercent, replayJobScope, replayJobVerdict, type ReplayJobTone } from "./replay-job-format";

const statusLook: Record<ReplayJobView["status"], { tone: BadgeTone; label: string }> = {
  queued: { tone: "neutral", label: "queued" },
  running: { tone: "blue", label: "running" },
  finished: { tone: "green", label: "finished" },
  failed: { tone: "amber", label: "failed" },
};

export function ReplayJobStatus({ status }: { status: ReplayJobView["status"] }) {
  const look = statusLook[status];
  return (
    <Badge tone={look.tone}>
      {status === "running" ? <SpinnerIcon className="size-3" /> : status === "queued" ? <ClockIcon className="size-3" /> : null}
      {look.label}
    </Badge>
  );
}

const verdictBox: Record<ReplayJobTone, { box: string; icon: string; Icon: typeof InfoIcon }> = {
  green: { box: "bg-emerald-50 ring-emerald-600/25 text-emerald-950 dark:bg-emerald-400/10 dark:ring-emerald-400/30 dark:text-emerald-100", icon: "text-emerald-600 dark:text-emerald-300", Icon: CheckCircleIcon },
  red: { box: "bg-red-50 ring-red-600/25 text-red-950 dark:bg-red-400/10 dark:ring-red-400/30 dark:text-red-100", icon: "text-red-600 dark:text-red-300", Icon: XCircleIcon },
  amber: { box: "bg-amber-50 ring-amber-600/25 text-amber-950 dark:bg-amber-400/10 dark:ring-amber-400/30 dark:text-amber-100", icon: "text-amber-600 dark:text-amber-300", Icon: AlertIcon },
  blue: { box: "bg-sky-50 ring-sky-600/25 text-sky-950 dark:bg-sky-400/10 dark:ring-sky-400/30 dark:text-sky-100", icon: "text-sky-600 dark:text-sky-300", Icon: SpinnerIcon },
  neutral: { box: "bg-slate-50 ring-slate-500/20 text-slate-900 dark:bg-slate-800/60 dark:ring-slate-400/30 dark:text-slate-100", icon: "text-slate-500 dark:text-slate-400", Icon: ClockIcon },
};

/** The verdict first: what the auditor needs to know before any number. */
export function ReplayJobVerdict({ job }: { job: ReplayJobView }) {
  const verdict = replayJobVerdict(job);
  const look = verdictBox[verdict.tone];
  return (
    <div data-testid="replay-job-verdict" data-tone={verdict.tone} className={cn("flex gap-3 rounded-lg px-4 py-3 ring-1 ring-inset", look.box)}>
      <look.Icon className={cn("mt-0.5 size-5 shrink-0", look.icon)} />
      <div className="min-w-0 text-sm">
        <p className="text-base font-semibold">{verdict.headline}</p>
        <p className="mt-0.5 opacity-90">{verdict.detail}</p>
      </div>
    </div>
  );
}

/** processed of total as a bar (indeterminate while the decisions are being counted). */
export function ReplayJobProgress({ job, compact = false }: { job: ReplayJobView; compact?: boolean }) {
  const percent = replayJobPercent(job);
  const text = job.total === null ? "counting the decisions" : `${job.processed.toLocaleString("en-US")} of ${job.total.toLocaleString("en-US")} decisions replayed`;
  return (
    <div className={cn("min-w-0", compact ? "w-40" : "w-full")}>
      <div
        role="progressbar"
        aria-label={compact ? `Progress of the replay job of ${replayJobScope(job.filter)}` : "Replay progress"}
        aria-valuemin={0}
        aria-valuemax={100}
        {...(percent === null ? { "aria-valuetext": text } : { "aria-valuenow": percent, "aria-valuetext": `${percent}%: ${text}` })}
        className={cn("overflow-hidden rounded-full bg-slate-200 dark:bg-slate-700", compact ? "h-1.5" : "h-2.5")}
      >
        {percent === null ? (
          <div className="h-full w-full bg-[repeating-linear-gradient(135deg,#818cf8_0_6px,#c7d2fe_6px_12px)] motion-safe:animate-pulse dark:bg-[repeating-linear-gradient(135deg,#6366f1_0_6px,#312e81_6px_12px)]" />
        ) : (
          <div
            className={cn("h-full rounded-full transition-[width] duration-500", job.status === "failed" ? "bg-amber-500" : job.counts.differs > 0 ? "bg-red-500" : "bg-indigo-600 dark:bg-indigo-400")}
            style={{ width: `${percent}%` }}
          />
        )}
      </div>
      <p className={cn("mt-1 text-slate-600 tabular-nums dark:text-slate-400", compact ? "text-[11px]" : "text-xs")}>{percent === null ? text : `${percent}% · ${text}`}</p>
    </div>
  );
}

const outcomes: { key: keyof ReplayCounts; label: string; swatch: string; meaning: string }[] = [
  { key: "identical", label: "Identical", swatch: "bg-emerald-600 dark:bg-emerald-400", meaning: "every output exactly as stored" },
  { key: "within_tolerance", label: "Within tolerance", swatch: "bg-sky-500 dark:bg-sky-300", meaning: "numbers within the version's test-vector tolerance" },
  { key: "differs", label: "Differs", swatch: "bg-red-600 dark:bg-red-400", meaning: "an output outside the tolerance, or a different label" },
  { key: "not_replayable", label: "Not replayable", swatch: "bg-amber-400 dark:bg-amber-300", meaning: "the version no longer verifies, or the ledger kept only the input's digest" },
];

/** The outcomes as one stacked bar (an image with a sentence for screen readers) and as a table. */
export function ReplayOutcomes({ counts }: { counts: ReplayCounts }) {
  const done = outcomes.reduce((sum, o) => sum + counts[o.key], 0);
  const summary =
    done === 0 ? "No decision replayed yet" : `${done.toLocaleString("en-US")} replayed: ${outcomes.map((o) => `${counts[o.key].toLocaleString("en-US")} ${o.label.toLowerCase()}`).join(", ")}`;
  const pct = (x: number) => (done ? (x / done) * 100 : 0);
  return (
    <div className="space-y-4">
      <div role="img" aria-label={summary} className="flex h-4 overflow-hidden rounded-md bg-slate-100 ring-1 ring-slate-200 ring-inset dark:bg-slate-800 dark:ring-slate-700">
        {outcomes.map((o) =>
          counts[o.key] ? <div key={o.key} className={cn("h-full", o.swatch)} style={{ width: `${pct(counts[o.key])}%`, minWidth: "3px" }} title={`${o.label}: ${counts[o.key].toLocaleString("en-US")}`} /> : null,
        )}
      </div>
      <div className="overflow-hidden rounded-lg ring-1 ring-slate-200 dark:ring-slate-700">
        <Table caption="Replayed decisions by outcome">
          <THead>
            <TH>Outcome</TH>
            <TH className="text-right">Decisions</TH>
            <TH className="text-right">Share</TH>
            <TH>Means</TH>
          </THead>
          <TBody>
            {outcomes.map((o) => (
              <TR key={o.key}>
                <RowHeader className="whitespace-nowrap">
                  <span className="inline-flex items-center gap-2">
                    <span aria-hidden="true" className={cn("size-3 rounded-sm", o.swatch)} />
                    {o.label}
                  </span>
                </RowHeader>
                <TD className="text-right font-mono tabular-nums" data-outcome-count={o.key}>
                  {counts[o.key].toLocaleString("en-US")}
                </TD>
                <TD className="text-right whitespace-nowrap tabular-nums">{done ? `${pct(counts[o.key]).toFixed(1)} %` : "—"}</TD>
                <TD className="min-w-56 text-xs text-slate-600 dark:text-slate-400">{o.meaning}</TD>
              </TR>
            ))}
          </TBody>
        </Table>
      </div>
    </div>
  );
}

type Outcome = { output?: Record<string, unknown>; score?: number | null };
const asOutcome = (v: unknown): Outcome | undefined => (v && typeof v === "object" ? (v as Outcome) : undefined);

/** The first differences the job kept: which decision, what was stored and what the replay gave, or why it could not run. */
export function ReplayDifferences({ differences }: { differences: readonly ReplayDifference[] }) {
  return (
    <Table caption="The first decisions that differ or could not be replayed">
      <THead>
        <TH>Decision</TH>
        <TH>Version</TH>
        <TH>Outcome</TH>
        <TH>Stored → replayed</TH>
        <TH className="text-right">Max |Δ|</TH>
      </THead>
      <TBody>
        {differences.map((d) => {
          const stored = asOutcome(d.stored);
          const replayed = asOutcome(d.replayed);
          return (
            <TR key={d.decisionId}>
              <TD className="whitespace-nowrap">
                <Link href={decisionHref(d.decisionId)} className="rounded font-mono text-xs font-medium text-indigo-700 hover:underline dark:text-indigo-300" title={d.decisionId}>
                  {d.decisionId.slice(0, 13)}…
                </Link>
              </TD>
              <TD className="font-mono text-xs whitespace-nowrap">{d.version}</TD>
              <TD>
                {d.outcome === "differs" ? (
                  <Badge tone="red">
                    <XCircleIcon className="size-3.5" />
                    differs
                  </Badge>
                ) : (
                  <Badge tone="amber">
                    <AlertIcon className="size-3.5" />
                    not replayable
                  </Badge>
                )}
              </TD>
              <TD className="min-w-64 text-xs">
                {d.outcome === "differs" ? (
                  <span className="font-mono">
                    {stored?.output ? outputLabel(stored.output) : "—"} ({formatScore(stored?.score)}) → {replayed?.output ? outputLabel(replayed.output) : "—"} ({formatScore(replayed?.score)})
                  </span>
                ) : (
                  <span className="text-slate-700 dark:text-slate-300">{d.reason}</span>
                )}
              </TD>
              <TD className="text-right font-mono text-xs tabular-nums">{d.outcome === "differs" ? formatDiff(d.maxAbsDiff) : "—"}</TD>
            </TR>
          );
        })}
      </TBody>
    </Table>
  );
}

/** The jobs, newest first: scope (linking to the job), status, progress, outcomes, who asked and when. */
export function ReplayJobsTable({ jobs, requesters }: { jobs: readonly ReplayJobView[]; requesters: ReadonlyMap<string, string> }) {
  return (
    <Table caption="Bulk replays, newest first">
      <THead>
        <TH>Replay of</TH>
        <TH>Status</TH>
        <TH>Progress</TH>
        <TH className="text-right">Differ</TH>
        <TH className="text-right">Not replayable</TH>
        <TH>Asked by</TH>
      </THead>
      <TBody>
        {jobs.map((job) => (
          <TR key={job.id}>
            <TD className="min-w-64">
              <Link href={replayJobHref(job.id)} className="rounded font-medium text-indigo-700 hover:underline dark:text-indigo-300">
                {job.filter.version ? <span className="font-mono">{`${job.filter.model}@${job.filter.version}`}</span> : <span className="font-mono">{job.filter.model}</span>}
              </Link>
              <span className="block text-xs text-slate-600 dark:text-slate-400">{replayJobScope(job.filter).split(" · ")[1]}</span>
            </TD>
            <TD>
              <ReplayJobStatus status={job.status} />
            </TD>
            <TD>{replayJobActive(job) || job.status === "failed" ? <ReplayJobProgress job={job} compact /> : <span className="text-xs tabular-nums">{job.processed.toLocaleString("en-US")} replayed</span>}</TD>
            <TD className={cn("text-right font-mono text-xs tabular-nums", job.counts.differs > 0 && "font-semibold text-red-700 dark:text-red-300")}>{job.counts.differs.toLocaleString("en-US")}</TD>
            <TD className={cn("text-right font-mono text-xs tabular-nums", job.counts.not_replayable > 0 && "font-semibold text-amber-800 dark:text-amber-300")}>
              {job.counts.not_replayable.toLocaleString("en-US")}
            </TD>
            <TD className="text-xs whitespace-nowrap">
              {requesters.get(job.requestedBy.id) ?? (job.requestedBy.type === "bootstrap" ? "the bootstrap token" : job.requestedBy.id)}
              <span className="block text-slate-500 dark:text-slate-400">
                <time dateTime={job.createdAt}>{formatUtc(job.createdAt)}</time>
              </span>
            </TD>
          </TR>
        ))}
      </TBody>
    </Table>
  );
}
