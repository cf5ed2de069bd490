// How the bulk-replay pages word a job: its verdict first (what an auditor needs to know before the
// numbers), its scope as one phrase, and how far it has got. Pure functions, tested on their own.
import type { ReplayJobView } from "@/lib/decisions/views";
import { formatUtc } from "../ui/time";

export type ReplayJobTone = "green" | "red" | "amber" | "blue" | "neutral";
export type ReplayJobVerdict = { tone: ReplayJobTone; headline: string; detail: string };

const n = (x: number) => x.toLocaleString("en-US");
const decisions = (x: number) => `${n(x)} decision${x === 1 ? "" : "s"}`;

/** model@version (or every version of the model) and the time range, e.g. "credit-risk@1.4.0 · 2026-03-01 00:00 UTC → 2026-03-02 00:00 UTC". */
export function replayJobScope(filter: ReplayJobView["filter"]): string {
  const what = filter.version ? `${filter.model}@${filter.version}` : `every version of ${filter.model}`;
  const from = filter.from ? formatUtc(filter.from) : undefined;
  const to = filter.to ? formatUtc(filter.to) : undefined;
  const when = from && to ? `${from} → before ${to}` : from ? `from ${from}` : to ? `before ${to}` : "all time";
  return `${what} · ${when}`;
}

/** How far the job has got, 0–100, or null while the decisions are not yet counted. */
export function replayJobPercent(job: Pick<ReplayJobView, "status" | "total" | "processed">): number | null {
  if (job.status === "finished") return 100;
  if (job.total === null) return null;
  if (job.total === 0) return 100;
  return Math.min(100, Math.floor((job.processed / job.total) * 100));
}

export const replayJobActive = (job: Pick<ReplayJobView, "status">) => job.status === "queued" || job.status === "running";

/** The job's verdict: while it runs, where it is; when finished, whether every decision still replays to its stored answer. */
export function replayJobVerdict(job: ReplayJobView): ReplayJobVerdict {
  const { counts } = job;
  const total = job.total ?? 0;
  if (job.status === "queued")
    return { tone: "neutral", headline: "Queued: waiting for a worker", detail: "A worker (the embedded server, or npm run worker) picks the job up within seconds; this page follows it." };
  if (job.status === "failed")
    return {
      tone: "amber",
      headline: "The job stopped with an error",
      detail: `${job.error ?? "No reason was recorded."} ${n(job.processed)} of ${decisions(total)} were replayed before it stopped; their counts are below.`,
    };
  if (job.status === "running")
    return {
      tone: "blue",
      headline: job.total === null ? "Running: counting the decisions" : `Running: ${n(job.processed)} of ${decisions(total)} replayed`,
      detail: "Decisions are replayed in time order, 500 at a time; the counts below fill in as each batch is saved.",
    };
  const matched = counts.identical + counts.within_tolerance;
  if (job.processed === 0) return { tone: "neutral", headline: "No decisions matched", detail: "Nothing was replayed: no decision of this model or version falls in the time range." };
  if (counts.differs > 0)
    return {
      tone: "red",
      headline: `${n(counts.differs)} of ${decisions(job.processed)} ${counts.differs === 1 ? "differs" : "differ"} from the stored answer`,
      detail: `${n(matched)} replayed to their stored answer${counts.not_replayable ? `; ${n(counts.not_replayable)} could not be replayed` : ""}. The first differences are listed below.`,
    };
  if (counts.not_replayable > 0)
    return {
      tone: "amber",
      headline: `${n(counts.not_replayable)} of ${decisions(job.processed)} could not be replayed`,
      detail: `The other ${n(matched)} replayed to their stored answer. The reasons are listed below.`,
    };
  return {
    tone: "green",
    headline: job.processed === 1 ? "The decision replays to its stored answer" : `All ${decisions(job.processed)} replay to their stored answers`,
    detail: counts.within_tolerance
      ? `${n(counts.identical)} identical, ${n(counts.within_tolerance)} within the version's test-vector tolerance.`
      : "Every output is identical to the stored one.",
  };
}
