// Reading check results: the latest run of each check (what gates use) and the full history.
import { z } from "zod";
import type { Tx } from "../db/types.ts";
import { notFound } from "../errors/app-error.ts";
import { findModelId } from "../registry/models.ts";
import { checkKinds, verdicts, type CheckKind } from "./types.ts";

const LOG_TAIL_CHARS = 64 * 1024;

const findingSchema = z
  .object({
    severity: z.enum(["info", "warning", "error"]),
    code: z.string(),
    message: z.string(),
    details: z.record(z.string(), z.unknown()).optional(),
  })
  .meta({ id: "CheckFinding" });

export const checkRunViewSchema = z
  .object({
    id: z.string(),
    kind: z.enum(checkKinds),
    status: z.enum(["queued", "running", "finished"]),
    verdict: z.enum(verdicts).nullable(),
    summary: z.string().nullable(),
    checkerVersion: z.string(),
    inputsDigest: z.string().describe("sha256 over (kind, checker version, manifest digest, thresholds, seed)"),
    seed: z.number().int(),
    thresholds: z.record(z.string(), z.unknown()),
    trigger: z.string(),
    attempts: z.number().int(),
    progress: z.number().nullable(),
    progressMessage: z.string().nullable(),
    queuedAt: z.string(),
    startedAt: z.string().nullable(),
    finishedAt: z.string().nullable(),
    durationMs: z.number().int().nullable(),
    metrics: z.record(z.string(), z.unknown()).nullable(),
    findings: z.array(findingSchema),
    log: z
      .object({ text: z.string(), truncated: z.boolean(), length: z.number().int() })
      .nullable()
      .describe(`the run's log; the last ${LOG_TAIL_CHARS / 1024} KiB when longer (where a failing run's last words are)`),
  })
  .meta({ id: "CheckRun" });
export type CheckRunView = z.infer<typeof checkRunViewSchema>;

const runSummarySchema = checkRunViewSchema.omit({ metrics: true, findings: true, thresholds: true, log: true });

export const checksSummarySchema = z
  .object({
    state: z.enum(["not_run", "running", "passed", "failed"]).describe("failed: a latest verdict is fail or error"),
    summary: z.string(),
    latest: z.array(runSummarySchema),
    previous: z
      .array(runSummarySchema)
      .describe("for each check whose latest run is queued or running, the most recent finished run before it (the verdict being re-checked); absent kinds have none"),
  })
  .meta({ id: "ChecksSummary" });
export type ChecksSummary = z.infer<typeof checksSummarySchema>;

export const checksViewSchema = z
  .object({
    model: z.string(),
    version: z.string(),
    manifestDigest: z.string(),
    state: checksSummarySchema.shape.state,
    summary: z.string(),
    latest: z.array(checkRunViewSchema).describe("the most recent run of each check, with metrics, findings and log"),
    history: z.array(checkRunViewSchema.omit({ metrics: true, findings: true, log: true })).describe("every run, newest first"),
  })
  .meta({ id: "Checks" });
export type ChecksView = z.infer<typeof checksViewSchema>;

type RunRow = {
  id: string;
  kind: CheckKind;
  status: "queued" | "running" | "finished";
  verdict: (typeof verdicts)[number] | null;
  summary: string | null;
  checkerVersion: string;
  inputsDigest: string;
  seed: number;
  thresholds: unknown;
  trigger: string;
  attempts: number;
  progress: number | null;
  progressMessage: string | null;
  queuedAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  durationMs: number | null;
  metrics?: unknown;
  findings?: unknown;
  log?: string | null;
};

export function toCheckRunView(r: RunRow): CheckRunView {
  return {
    id: r.id,
    kind: r.kind,
    status: r.status,
    verdict: r.verdict,
    summary: r.summary,
    checkerVersion: r.checkerVersion,
    inputsDigest: r.inputsDigest,
    seed: r.seed,
    thresholds: (r.thresholds ?? {}) as Record<string, unknown>,
    trigger: r.trigger,
    attempts: r.attempts,
    progress: r.progress,
    progressMessage: r.progressMessage,
    queuedAt: r.queuedAt.toISOString(),
    startedAt: r.startedAt?.toISOString() ?? null,
    finishedAt: r.finishedAt?.toISOString() ?? null,
    durationMs: r.durationMs,
    metrics: (r.metrics ?? null) as Record<string, unknown> | null,
    findings: (Array.isArray(r.findings) ? r.findings : []) as CheckRunView["findings"],
    log: r.log ? { text: r.log.length > LOG_TAIL_CHARS ? r.log.slice(-LOG_TAIL_CHARS) : r.log, truncated: r.log.length > LOG_TAIL_CHARS, length: r.log.length } : null,
  };
}

/** Newest run per kind, in the canonical kind order. `runs` must be sorted newest first. */
export function latestPerKind<T extends { kind: CheckKind }>(runs: T[]): T[] {
  const latest = new Map<CheckKind, T>();
  for (const r of runs) if (!latest.has(r.kind)) latest.set(r.kind, r);
  return checkKinds.flatMap((k) => (latest.has(k) ? [latest.get(k)!] : []));
}

export function summarizeChecks(latest: Pick<CheckRunView, "kind" | "status" | "verdict">[]): { state: ChecksSummary["state"]; summary: string } {
  if (!latest.length) return { state: "not_run", summary: "no checks have run" };
  const pending = latest.filter((r) => r.status !== "finished");
  if (pending.length) return { state: "running", summary: `${latest.length - pending.length}/${latest.length} checks finished; running: ${pending.map((r) => r.kind).join(", ")}` };
  const bad = latest.filter((r) => r.verdict === "fail" || r.verdict === "error");
  if (bad.length) return { state: "failed", summary: bad.map((r) => `${r.kind} ${r.verdict}`).join(", ") };
  return { state: "passed", summary: latest.map((r) => `${r.kind} ${r.verdict === "not_applicable" ? "n/a" : r.verdict}`).join(", ") };
}

const summarySelect = {
  id: true,
  kind: true,
  status: true,
  verdict: true,
  summary: true,
  checkerVersion: true,
  inputsDigest: true,
  seed: true,
  thresholds: true,
  trigger: true,
  attempts: true,
  progress: true,
  progressMessage: true,
  queuedAt: true,
  startedAt: true,
  finishedAt: true,
  durationMs: true,
} as const;

/**
 * For each kind whose newest run has not finished, the newest finished run before it, in the canonical
 * kind order: during a rerun the page keeps showing what the check said last time. `runs` must be
 * sorted newest first.
 */
export function previousFinishedPerKind<T extends { kind: CheckKind; status: string }>(runs: T[]): T[] {
  const latest = latestPerKind(runs);
  const pendingKinds = new Set(latest.filter((r) => r.status !== "finished").map((r) => r.kind));
  const previous = new Map<CheckKind, T>();
  for (const r of runs) if (pendingKinds.has(r.kind) && r.status === "finished" && !previous.has(r.kind)) previous.set(r.kind, r);
  return checkKinds.flatMap((k) => (previous.has(k) ? [previous.get(k)!] : []));
}

/** For the version view: state + latest run per kind (and what a rerun replaces), without the heavy metrics. */
export async function getChecksSummary(db: Tx, versionId: string): Promise<ChecksSummary> {
  const runs = await db.checkRun.findMany({ where: { versionId }, orderBy: [{ queuedAt: "desc" }, { id: "desc" }], select: summarySelect });
  const toSummary = (r: (typeof runs)[number]) => {
    const { metrics: _m, findings: _f, thresholds: _t, log: _l, ...view } = toCheckRunView(r);
    return view;
  };
  const latest = latestPerKind(runs).map(toSummary);
  return { ...summarizeChecks(latest), latest, previous: previousFinishedPerKind(runs).map(toSummary) };
}

/** GET …/checks: the latest run of each check with metrics and findings, plus the whole history. */
export async function listCheckRuns(db: Tx, { model, version }: { model: string; version: string }): Promise<ChecksView> {
  const modelId = await findModelId(db, model);
  const row = await db.modelVersion.findUnique({ where: { modelId_version: { modelId, version } }, select: { id: true, manifestDigest: true } });
  if (!row) throw notFound("version_not_found", `model '${model}' has no version '${version}'`);
  const history = await db.checkRun.findMany({ where: { versionId: row.id }, orderBy: [{ queuedAt: "desc" }, { id: "desc" }], select: summarySelect });
  const latestIds = latestPerKind(history).map((r) => r.id);
  const latestFull = await db.checkRun.findMany({ where: { id: { in: latestIds } } });
  const byId = new Map(latestFull.map((r) => [r.id, toCheckRunView(r)]));
  const latest = latestIds.map((id) => byId.get(id)!);
  return {
    model,
    version,
    manifestDigest: row.manifestDigest,
    ...summarizeChecks(latest),
    latest,
    history: history.map((r) => {
      const { metrics: _m, findings: _f, log: _l, ...view } = toCheckRunView(r);
      return view;
    }),
  };
}
