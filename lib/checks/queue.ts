// The durable job queue for checks: pg-boss on the registry's own database (Postgres, or the embedded
// PGlite through pg-boss's PGlite backend), so jobs survive restarts and need no extra service.
// A job carries only a CheckRun id and uses it as its job id: sending the same run twice is a no-op,
// and the CheckRun row (not the job) is the source of truth for what has been asked and answered.
import { PgBoss, fromPglite } from "pg-boss";
import type { Config } from "../config/index.ts";
import { acquirePGlite, type PGliteLease } from "../db/pglite.ts";

export const CHECK_QUEUE = "checks";

export type CheckJob = { runId: string };

export type CheckQueue = {
  readonly boss: PgBoss;
  /** Sends one job per run id (idempotent: the job id is the run id). */
  dispatch(runIds: readonly string[]): Promise<void>;
  /** Job state by run id, for the sweep that finds runs whose job is gone. */
  jobStates(runIds: readonly string[]): Promise<Map<string, string>>;
  health(): Promise<{ ok: boolean; kind: string; detail?: string }>;
  close(): Promise<void>;
};

export async function openCheckQueue(config: Config, { supervise = true }: { supervise?: boolean } = {}): Promise<CheckQueue> {
  let lease: PGliteLease | undefined;
  const common = {
    supervise,
    superviseIntervalSeconds: config.checks.superviseSeconds,
    monitorIntervalSeconds: config.checks.superviseSeconds,
    schedule: false,
    registerInstance: false,
  };
  let boss: PgBoss;
  if (config.database.kind === "postgres") {
    boss = new PgBoss({ ...common, connectionString: config.database.url, max: 4, application_name: "model-registry-checks" });
  } else {
    lease = await acquirePGlite(config.database.dir);
    boss = new PgBoss({ ...common, backend: "pglite", db: fromPglite(lease.db) });
  }
  // pg-boss reports background errors (a lost connection during a poll) as events; without a
  // listener Node would treat them as unhandled. They are transient: polling continues.
  boss.on("error", (error) => console.error(`[checks queue] ${error instanceof Error ? error.message : String(error)}`));
  try {
    await boss.start();
    await ensureQueue(boss, config);
  } catch (error) {
    await boss.stop({ graceful: false }).catch(() => undefined);
    await lease?.release();
    throw error;
  }

  return {
    boss,
    async dispatch(runIds) {
      for (const runId of runIds) await boss.send(CHECK_QUEUE, { runId } satisfies CheckJob, { id: runId });
    },
    async jobStates(runIds) {
      const states = new Map<string, string>();
      if (!runIds.length) return states;
      for (const id of runIds) {
        const [job] = await boss.findJobs<CheckJob>(CHECK_QUEUE, { id });
        if (job) states.set(id, job.state);
      }
      return states;
    },
    async health() {
      try {
        await boss.getQueueStats(CHECK_QUEUE);
        return { ok: true, kind: `pg-boss (${config.database.kind})` };
      } catch (error) {
        return { ok: false, kind: `pg-boss (${config.database.kind})`, detail: error instanceof Error ? error.message : String(error) };
      }
    },
    async close() {
      await boss.stop({ graceful: true, timeout: 5000 }).catch(() => undefined);
      await lease?.release();
    },
  };
}

async function ensureQueue(boss: PgBoss, config: Config): Promise<void> {
  const options = {
    // A worker that dies stops its heartbeats; the supervisor then fails the job and it is retried by
    // another worker. The check's own time limit (enforced by the sandbox) is well inside the expiry.
    heartbeatSeconds: config.checks.heartbeatSeconds,
    expireInSeconds: config.checks.timeoutSeconds + 120,
    retryLimit: 5,
    retryDelay: 1,
    deleteAfterSeconds: 7 * 24 * 3600,
  };
  const existing = await boss.getQueue(CHECK_QUEUE);
  if (!existing) await boss.createQueue(CHECK_QUEUE, options).catch(async (error) => {
    if (!(await boss.getQueue(CHECK_QUEUE))) throw error; // another process created it first: fine
  });
  else await boss.updateQueue(CHECK_QUEUE, options);
}
