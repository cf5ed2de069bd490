// Running bulk replays. A job replays its decisions in id (= time) order, a chunk at a time: each
// chunk's rows of one version go to the runtime as one batch, and the job's counts, first
// differences and cursor (the last id done) are saved together after every chunk. The runner holds
// the job under a lease it renews with each save; if its process dies, the lease runs out and any
// other runner resumes the job after the saved cursor — no decision is counted twice or skipped.
import { randomUUID } from "node:crypto";
import { recordAuditEvent } from "../audit/record-event.ts";
import { systemActor } from "../auth/roles.ts";
import type { Prisma } from "../db/types.ts";
import { ModelRunError } from "../checks/model/model-run-error.ts";
import { lowestIdAt } from "./decision-id.ts";
import type { DecisionServices } from "./decision-services.ts";
import { compareOutputs } from "./compare-outputs.ts";
import type { Row } from "./input-digest.ts";
import { readTolerance } from "./read-tolerance.ts";
import { rowOutput, rowScore, type Runnable } from "./serving-models.ts";
import { validateRows } from "./validate-rows.ts";
import { verifyVersion } from "./verify-version.ts";
import type { ReplayCounts, ReplayDifference, ReplayJobView } from "./views.ts";
import type { ReplayJobFilter } from "./create-replay-job.ts";

export const REPLAY_CHUNK = 500;
export const REPLAY_LEASE_MS = 60_000;
const MAX_DIFFERENCES = 20;

/**
 * Claims one runnable job (queued, or running under an expired lease) and runs it to the end, or
 * until `shouldStop` says so. Returns whether a job was found.
 */
export async function runNextReplayJob(
  services: DecisionServices,
  opts: { workerId?: string; shouldStop?: () => boolean; chunkSize?: number } = {},
): Promise<boolean> {
  const workerId = opts.workerId ?? `replay-${randomUUID()}`;
  const claimed = await services.prisma.$queryRawUnsafe<{ id: string }[]>(
    `UPDATE "ReplayJob" SET "status" = 'running', "workerId" = $1, "leaseUntil" = now() + ($2 || ' milliseconds')::interval,
       "startedAt" = coalesce("startedAt", now())
     WHERE "id" = (SELECT "id" FROM "ReplayJob"
                   WHERE "status" = 'queued' OR ("status" = 'running' AND "leaseUntil" < now())
                   ORDER BY "createdAt" LIMIT 1 FOR UPDATE SKIP LOCKED)
     RETURNING "id"`,
    workerId,
    String(REPLAY_LEASE_MS),
  );
  const id = claimed[0]?.id;
  if (!id) return false;
  try {
    await runJob(services, id, workerId, opts.shouldStop ?? (() => false), opts.chunkSize ?? REPLAY_CHUNK);
  } catch (error) {
    await services.prisma.replayJob.updateMany({
      where: { id, workerId },
      data: { status: "failed", error: error instanceof Error ? error.message : String(error), finishedAt: new Date(), leaseUntil: null },
    });
  }
  return true;
}

type JobState = { counts: ReplayCounts; differences: ReplayDifference[]; processed: number; cursor: string | null };

async function runJob(services: DecisionServices, id: string, workerId: string, shouldStop: () => boolean, chunkSize: number): Promise<void> {
  const db = services.prisma;
  const job = await db.replayJob.findUniqueOrThrow({ where: { id } });
  const filter = job.filter as ReplayJobFilter;
  const where = await decisionsWhere(services, filter);
  if (where === undefined) return finish(services, id, workerId, { counts: zero(), differences: [], processed: 0, cursor: null }, filter);
  if (job.total === null) await db.replayJob.updateMany({ where: { id, workerId }, data: { total: await db.decision.count({ where }) } });

  const state: JobState = {
    counts: { ...zero(), ...(job.counts as Partial<ReplayCounts>) },
    differences: job.differences as ReplayDifference[],
    processed: job.processed,
    cursor: job.cursor,
  };
  const versions = new Map<string, Promise<VersionReplay>>();
  for (;;) {
    // Stopping: hand the job back at once (the saved cursor is where the next runner resumes).
    if (shouldStop()) return void (await db.replayJob.updateMany({ where: { id, workerId }, data: { leaseUntil: new Date() } }));
    const rows = await db.decision.findMany({
      where: { ...where, id: { ...(where.id as object), ...(state.cursor ? { gt: state.cursor } : {}) } },
      orderBy: { id: "asc" },
      take: chunkSize,
      select: { id: true, versionId: true, input: true, inputRetention: true, output: true, score: true, version: { select: { version: true } } },
    });
    if (rows.length === 0) return finish(services, id, workerId, state, filter);
    const byVersion = new Map<string, typeof rows>();
    for (const r of rows) byVersion.set(r.versionId, [...(byVersion.get(r.versionId) ?? []), r]);
    for (const [versionId, group] of byVersion) {
      let prepared = versions.get(versionId);
      if (!prepared) versions.set(versionId, (prepared = prepareVersion(services, versionId)));
      await replayGroup(services, await prepared, group, state);
    }
    state.processed += rows.length;
    state.cursor = rows[rows.length - 1]!.id;
    const saved = await db.replayJob.updateMany({
      where: { id, workerId },
      data: {
        processed: state.processed,
        counts: state.counts,
        differences: state.differences as Prisma.InputJsonValue,
        cursor: state.cursor,
        leaseUntil: new Date(Date.now() + REPLAY_LEASE_MS),
      },
    });
    // Lost the lease (this process stalled past it and another runner took the job over): stop here.
    if (saved.count === 0) return;
  }
}

type VersionReplay = { version: string; problem?: string; runnable?: Runnable; tolerance?: { atol: number; rtol: number } };

async function prepareVersion(services: DecisionServices, versionId: string): Promise<VersionReplay> {
  const integrity = await verifyVersion(services, versionId);
  if (integrity.problems.length > 0) return { version: integrity.version, problem: `the version no longer verifies: ${integrity.problems.join("; ")}` };
  try {
    const runnable = await services.servingModels.get(versionId);
    return { version: integrity.version, runnable, tolerance: await readTolerance(services, runnable.manifest, versionId) };
  } catch (error) {
    return { version: integrity.version, problem: error instanceof Error ? error.message : String(error) };
  }
}

type DecisionRow = { id: string; input: unknown; inputRetention: string; output: unknown; score: number | null; version: { version: string } };

async function replayGroup(services: DecisionServices, prepared: VersionReplay, rows: DecisionRow[], state: JobState): Promise<void> {
  const notReplayable = (row: DecisionRow, reason: string) => {
    state.counts.not_replayable++;
    if (state.differences.length < MAX_DIFFERENCES) state.differences.push({ decisionId: row.id, version: prepared.version, outcome: "not_replayable", reason });
  };
  if (prepared.problem || !prepared.runnable) return rows.forEach((r) => notReplayable(r, prepared.problem ?? "not runnable"));
  const runnable = prepared.runnable;
  const runnableRows: DecisionRow[] = [];
  for (const r of rows) {
    if (r.inputRetention !== "full" || r.input === null) notReplayable(r, `the ledger keeps ${r.inputRetention === "digest" ? "only the input's digest" : "a redacted input"}; replay it alone with the original input`);
    else if (validateRows([r.input], runnable.schema).length > 0) notReplayable(r, "the stored input does not fit the version's input schema");
    else runnableRows.push(r);
  }
  if (runnableRows.length === 0) return;
  let predictions;
  try {
    predictions = await services.runModel(runnable, runnableRows.map((r) => r.input as Row));
  } catch (error) {
    if (!(error instanceof ModelRunError)) throw error;
    if (error.code === "session_released") services.servingModels.forget(runnable.versionId);
    return runnableRows.forEach((r) => notReplayable(r, error.message));
  }
  runnableRows.forEach((r, i) => {
    const stored = { output: r.output as Record<string, unknown>, score: r.score };
    const replayed = { output: rowOutput(predictions, i), score: rowScore(predictions, i) };
    const { outcome, maxAbsDiff } = compareOutputs(stored, replayed, prepared.tolerance!);
    state.counts[outcome]++;
    if (outcome === "differs" && state.differences.length < MAX_DIFFERENCES)
      state.differences.push({ decisionId: r.id, version: prepared.version, outcome, stored, replayed, maxAbsDiff });
  });
}

async function finish(services: DecisionServices, id: string, workerId: string, state: JobState, filter: ReplayJobFilter): Promise<void> {
  await services.prisma.$transaction(async (tx) => {
    const done = await tx.replayJob.updateMany({
      where: { id, workerId },
      data: { status: "finished", finishedAt: new Date(), leaseUntil: null, counts: state.counts, processed: state.processed, differences: state.differences as Prisma.InputJsonValue },
    });
    if (done.count === 0) return;
    await recordAuditEvent(tx, {
      actor: systemActor,
      action: "decisions.replay_job_finished",
      subject: { type: "replay_job", id },
      payload: { filter, processed: state.processed, counts: state.counts },
    });
  });
}

/** The decisions a job covers, as a where clause (undefined when its model or version is gone). */
async function decisionsWhere(services: DecisionServices, filter: ReplayJobFilter): Promise<Prisma.DecisionWhereInput | undefined> {
  const model = await services.prisma.model.findUnique({ where: { name: filter.model }, select: { id: true } });
  if (!model) return undefined;
  const version = filter.version
    ? await services.prisma.modelVersion.findUnique({ where: { modelId_version: { modelId: model.id, version: filter.version } }, select: { id: true } })
    : undefined;
  if (filter.version && !version) return undefined;
  return {
    ...(version ? { versionId: version.id } : { modelId: model.id }),
    id: { ...(filter.from ? { gte: lowestIdAt(new Date(filter.from)) } : {}), ...(filter.to ? { lt: lowestIdAt(new Date(filter.to)) } : {}) },
  };
}

const zero = (): ReplayCounts => ({ identical: 0, within_tolerance: 0, differs: 0, not_replayable: 0 });

export type { ReplayJobView };
