// The worker's side of a CheckRun's life: claim it (queued|running → running, attempt counted), report
// progress, and finish it exactly once. "Exactly once" is the database's job: finishing is a
// conditional update on a row that a trigger freezes once finished, so a job that a second worker
// re-runs after the first died (or a slow duplicate) can never overwrite or duplicate a result.
import { recordAuditEvent, type AuditActor } from "../audit/record-event.ts";
import { lockVersionAndModel } from "../db/locks.ts";
import type { Db, Tx } from "../db/types.ts";
import type { StoredThresholds } from "./thresholds.ts";
import { latestPerKind } from "./list-check-runs.ts";
import { enqueueChecksFinishedEvent } from "./checks-finished-event.ts";
import type { CheckKind, CheckOutcome } from "./types.ts";

/**
 * What a change to a version's checks sets off in the same transaction (a result stored, a rerun
 * queued): the promotion workflow re-evaluates the version's open requests. Injected by the
 * composition root (lib/server/services.ts), because lib/promotion sits above lib/checks. It runs
 * holding the model's and the version's row locks (lib/db/locks.ts).
 */
export type ChecksChangedHook = (tx: Tx, change: { versionId: string; actor: AuditActor }) => Promise<void>;

export type ClaimedRun = {
  id: string;
  kind: CheckKind;
  attempt: number;
  seed: number;
  thresholds: StoredThresholds;
  version: { id: string; model: string; version: string; manifestDigest: string; manifest: unknown };
  files: { path: string; sha256: string; size: number }[];
};

/** Marks the run as running on `workerId`; null when it is already finished (nothing to do). */
export async function claimCheckRun(db: Db, { runId, workerId }: { runId: string; workerId: string }): Promise<ClaimedRun | null> {
  const claimed = await db.checkRun.updateMany({
    where: { id: runId, status: { not: "finished" } },
    data: { status: "running", workerId, attempts: { increment: 1 }, startedAt: new Date(), progress: 0, progressMessage: "starting" },
  });
  if (claimed.count === 0) return null;
  const run = await db.checkRun.findUniqueOrThrow({
    where: { id: runId },
    include: { version: { include: { model: { select: { name: true } }, files: { orderBy: { path: "asc" } } } } },
  });
  return {
    id: run.id,
    kind: run.kind,
    attempt: run.attempts,
    seed: run.seed,
    thresholds: run.thresholds as StoredThresholds,
    version: {
      id: run.version.id,
      model: run.version.model.name,
      version: run.version.version,
      manifestDigest: run.version.manifestDigest,
      manifest: run.version.manifest,
    },
    files: run.version.files.map((f) => ({ path: f.path, sha256: f.blobDigest, size: Number(f.size) })),
  };
}

/** Best effort: progress is for people watching, so a lost update is harmless. */
export async function reportCheckProgress(db: Db, { runId, fraction, message }: { runId: string; fraction: number; message: string }): Promise<void> {
  await db.checkRun
    .updateMany({ where: { id: runId, status: "running" }, data: { progress: Math.max(0, Math.min(1, fraction)), progressMessage: message.slice(0, 200) } })
    .catch(() => undefined);
}

/**
 * Stores the outcome, updates the version's status and writes the audit event, in one transaction.
 * Returns false when the run had already been finished by someone else (the outcome is dropped).
 */
export async function finishCheckRun(
  db: Db,
  opts: { runId: string; workerId: string; outcome: CheckOutcome; log: string; startedAt: Date; finishedAt?: Date; onChecksChanged?: ChecksChangedHook },
): Promise<boolean> {
  const finishedAt = opts.finishedAt ?? new Date();
  const outcome = withoutNul(opts.outcome);
  const log = withoutNul(opts.log);
  return db.$transaction(async (tx) => {
    const run = await tx.checkRun.findUnique({ where: { id: opts.runId }, select: { versionId: true, kind: true, inputsDigest: true, checkerVersion: true, seed: true } });
    if (!run) return false;
    await lockVersionAndModel(tx, run.versionId);
    const updated = await tx.checkRun.updateMany({
      where: { id: opts.runId, status: { not: "finished" } },
      data: {
        status: "finished",
        verdict: outcome.verdict,
        summary: outcome.summary.slice(0, 1000),
        metrics: outcome.metrics as object,
        findings: outcome.findings as object,
        log: log.slice(-200_000),
        progress: 1,
        progressMessage: "finished",
        finishedAt,
        durationMs: Math.max(0, finishedAt.getTime() - opts.startedAt.getTime()),
        workerId: opts.workerId,
      },
    });
    if (updated.count === 0) return false;
    const before = await tx.modelVersion.findUniqueOrThrow({ where: { id: run.versionId }, select: { status: true } });
    const version = await updateVersionStatus(tx, run.versionId);
    // Webhooks: this was the version's last unfinished check when its status leaves `checking`.
    if (before.status === "checking") await enqueueChecksFinishedEvent(tx, run.versionId);
    await recordAuditEvent(tx, {
      actor: { type: "system", id: `worker:${opts.workerId}` },
      action: "check.finished",
      subject: { type: "model_version", id: `${version.model.name}@${version.version}` },
      payload: {
        runId: opts.runId,
        kind: run.kind,
        verdict: outcome.verdict,
        summary: outcome.summary.slice(0, 1000),
        manifestDigest: version.manifestDigest,
        inputsDigest: run.inputsDigest,
        checkerVersion: run.checkerVersion,
        seed: run.seed,
      },
    });
    await opts.onChecksChanged?.(tx, { versionId: run.versionId, actor: { type: "system", id: `worker:${opts.workerId}` } });
    return true;
  });
}

/**
 * Postgres text and jsonb cannot hold U+0000, and results quote attacker-chosen bytes (pickle import
 * names, zip entry names, CSV values). A NUL would make the result unstorable and the run retried
 * forever, so it is shown as U+2400 (␀) instead.
 */
export function withoutNul<T>(value: T): T {
  if (typeof value === "string") return value.replaceAll("\u0000", "\u2400") as T;
  if (Array.isArray(value)) return value.map(withoutNul) as T;
  if (value && typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [withoutNul(k), withoutNul(v)])) as T;
  return value;
}


/**
 * A version is `checking` while the latest run of any check is unfinished, then `failed` if any latest
 * verdict is fail or error (someone must look), else `checked`.
 */
async function updateVersionStatus(tx: Tx, versionId: string) {
  const runs = await tx.checkRun.findMany({
    where: { versionId },
    orderBy: [{ queuedAt: "desc" }, { id: "desc" }],
    select: { kind: true, status: true, verdict: true },
  });
  const all = latestPerKind(runs);
  const status = all.some((r) => r.status !== "finished")
    ? "checking"
    : all.some((r) => r.verdict === "fail" || r.verdict === "error")
      ? "failed"
      : "checked";
  return tx.modelVersion.update({
    where: { id: versionId },
    data: { status },
    select: { version: true, manifestDigest: true, model: { select: { name: true } } },
  });
}
