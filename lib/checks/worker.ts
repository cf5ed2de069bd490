// A checks worker: takes jobs from the queue, runs each check in a sandboxed child process, stores
// the outcome exactly once. Any number of workers may run, in the web server (embedded default) or as
// `npm run worker` processes on any machine that reaches the same database and object store.
//
// Nothing is lost when a worker dies mid-check: its job stops heartbeating, pg-boss's supervisor fails
// it after CHECK_HEARTBEAT_SECONDS and another worker retries it; the CheckRun row is claimed again
// and finished once (record-check-result.ts). The sweep covers the remaining gaps: runs committed
// whose job was never sent (the process died right after the upload's commit) and runs whose job ran
// out of retries.
import { hostname } from "node:os";
import { randomUUID } from "node:crypto";
import type { Job } from "pg-boss";
import type { Config } from "../config/index.ts";
import type { Db } from "../db/types.ts";
import { CHECK_QUEUE, type CheckJob, type CheckQueue } from "./queue.ts";
import { claimCheckRun, finishCheckRun, reportCheckProgress, type ChecksChangedHook } from "./record-check-result.ts";
import { runCheckInSandbox } from "./sandbox/run-in-sandbox.ts";

export type CheckWorker = { readonly id: string; stop(): Promise<void> };

type Logger = { info(message: string): void; error(message: string): void };
const consoleLogger: Logger = { info: (m) => console.log(`[checks] ${m}`), error: (m) => console.error(`[checks] ${m}`) };

export async function startCheckWorker(
  deps: { prisma: Db; checkQueue: CheckQueue; config: Config; onChecksChanged: ChecksChangedHook },
  { concurrency = deps.config.checks.concurrency, logger = consoleLogger }: { concurrency?: number; logger?: Logger } = {},
): Promise<CheckWorker> {
  const { prisma, checkQueue: queue, config } = deps;
  const id = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const limits = {
    timeoutMs: config.checks.timeoutSeconds * 1000,
    memoryLimitBytes: config.checks.memoryLimitMb * 1024 * 1024,
    storage: config.storage,
    maxScanBytes: config.checks.maxScanBytes,
  };

  const handle = async ([job]: Job<CheckJob>[]) => {
    if (!job) return;
    const run = await claimCheckRun(prisma, { runId: job.data.runId, workerId: id });
    if (!run) return; // already finished (a duplicate delivery): nothing to do
    logger.info(`${run.kind} ${run.version.model}@${run.version.version} started (attempt ${run.attempt})`);
    const startedAt = new Date();
    let lastProgress = 0;
    const result = await runCheckInSandbox(run, limits, (fraction, message) => {
      // Throttled: progress is for people watching, not worth a write per batch.
      if (Date.now() - lastProgress < 500 && fraction < 1) return;
      lastProgress = Date.now();
      void reportCheckProgress(prisma, { runId: run.id, fraction, message });
    });
    const stored = await finishCheckRun(prisma, { runId: run.id, workerId: id, outcome: result.outcome, log: result.log, startedAt, onChecksChanged: deps.onChecksChanged });
    logger.info(`${run.kind} ${run.version.model}@${run.version.version}: ${result.outcome.verdict}${stored ? "" : " (already recorded by another worker; dropped)"}`);
  };

  if (config.database.kind === "pglite") await releaseOrphanedJobs(prisma, queue);

  const workerIds: string[] = [];
  for (let i = 0; i < concurrency; i++) workerIds.push(await queue.boss.work<CheckJob>(CHECK_QUEUE, { batchSize: 1, pollingIntervalSeconds: 0.5 }, handle));

  let sweeping = false;
  const sweep = async () => {
    if (sweeping) return;
    sweeping = true;
    try {
      await sweepUnsentRuns(prisma, queue, deps.onChecksChanged);
    } catch (error) {
      logger.error(`sweep failed: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      sweeping = false;
    }
  };
  await sweep();
  const timer = setInterval(() => void sweep(), config.checks.superviseSeconds * 1000);
  timer.unref();

  return {
    id,
    async stop() {
      clearInterval(timer);
      for (const workerId of workerIds) await queue.boss.offWork(CHECK_QUEUE, { id: workerId, wait: true }).catch(() => undefined);
    },
  };
}

/**
 * Embedded mode: only this process can open the database, so a run still "running" was interrupted
 * by this process's previous life. Failing its job now retries it at once instead of after the
 * heartbeat timeout.
 */
async function releaseOrphanedJobs(prisma: Db, queue: CheckQueue): Promise<void> {
  const orphans = await prisma.checkRun.findMany({ where: { status: "running" }, select: { id: true } });
  if (orphans.length) await queue.boss.fail(CHECK_QUEUE, orphans.map((r) => r.id), { reason: "the process running this check stopped" }).catch(() => undefined);
}

/**
 * Sends jobs for unfinished runs that have none, and closes runs whose job is over (retries exhausted)
 * with an `error` verdict, so no run stays "queued" or "running" forever.
 */
export async function sweepUnsentRuns(prisma: Db, queue: CheckQueue, onChecksChanged?: ChecksChangedHook): Promise<{ sent: number; abandoned: number }> {
  const graceMs = 5000;
  const open = await prisma.checkRun.findMany({
    where: { status: { not: "finished" }, queuedAt: { lt: new Date(Date.now() - graceMs) } },
    select: { id: true, attempts: true, startedAt: true },
    orderBy: { queuedAt: "asc" },
    take: 500,
  });
  if (!open.length) return { sent: 0, abandoned: 0 };
  const states = await queue.jobStates(open.map((r) => r.id));
  let sent = 0;
  let abandoned = 0;
  for (const run of open) {
    const state = states.get(run.id);
    if (state === undefined) {
      await queue.dispatch([run.id]);
      sent++;
    } else if (state === "failed" || state === "cancelled" || state === "completed") {
      // The job is over but the run never finished: every attempt died (or was cancelled).
      const message = `The check's job ended (${state}) after ${run.attempts} attempt(s) without a result; the worker running it stopped each time. Rerun the checks.`;
      const finished = await finishCheckRun(prisma, {
        runId: run.id,
        workerId: "sweeper",
        outcome: { verdict: "error", summary: message, metrics: {}, findings: [{ severity: "error", code: "check_abandoned", message }] },
        log: message,
        startedAt: run.startedAt ?? new Date(),
        onChecksChanged,
      });
      if (finished) abandoned++;
    }
  }
  return { sent, abandoned };
}
