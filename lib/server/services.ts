// The process-wide services (database, object store, signer), created once per process on first
// use: migrations are applied, storage made ready and the first admin created before any request
// is served. Route handlers and the CLI reach the product only through these.
import { getConfig, type Config } from "../config/index.ts";
import { createPrismaClient } from "../db/client.ts";
import { applyMigrations } from "../db/migrate.ts";
import { acquirePGlite } from "../db/pglite.ts";
import type { Db } from "../db/types.ts";
import { loadSigner, type Signer } from "../integrity/signing.ts";
import type { VersionRegisteredHook } from "../registry/upload-version.ts";
import { createObjectStore, type ObjectStore } from "../storage/index.ts";
import { openCheckQueue, type CheckQueue } from "../checks/queue.ts";
import { requestChecksOnRegistration } from "../checks/request-checks.ts";
import { startCheckWorker, type CheckWorker } from "../checks/worker.ts";
import type { ChecksChangedHook } from "../checks/record-check-result.ts";
import { recordStageOnRegistration, settleRequestsOnChecksChanged } from "../promotion/hooks.ts";
import { createDecisionServices, type DecisionServices } from "../decisions/decision-services.ts";
import { startReplayRunner, type ReplayRunner } from "../decisions/start-replay-runner.ts";
import { startWebhookDispatcher, type WebhookDispatcher } from "../webhooks/start-dispatcher.ts";
import { ensureFirstAdmin } from "./first-start.ts";
import { withVersionCreatedEvent } from "./version-created-event.ts";

export type Services = {
  config: Config;
  prisma: Db;
  store: ObjectStore;
  signer: Signer;
  /** pg-boss on the registry's database: uploads and reruns send check jobs through it. */
  checkQueue: CheckQueue;
  /** What an upload sets off in its transaction: the version enters dev (lib/promotion) and its checks are queued, sent through checkQueue (lib/checks). */
  onVersionRegistered: VersionRegisteredHook;
  /** What a change to a version's checks sets off in its transaction: its open promotion requests are re-evaluated (lib/promotion wired into lib/checks here). */
  onChecksChanged: ChecksChangedHook;
  /** The in-process checks worker (CHECK_WORKER_IN_PROCESS, the embedded default); absent when workers run elsewhere. */
  checkWorker?: CheckWorker;
  /** Predict and the decisions ledger: the group-commit writer and the loaded models live here, one per process. */
  decisions: DecisionServices;
  /** Sends queued webhook deliveries; runs wherever the checks worker runs. */
  webhookDispatcher?: WebhookDispatcher;
  /** Runs bulk replay jobs; runs wherever the checks worker runs. */
  replayRunner?: ReplayRunner;
};

// Kept on globalThis so `next dev` module reloads do not open a second PGlite on the same directory.
const holder = globalThis as unknown as { __registryServices?: Promise<Services> };

export function getServices(): Promise<Services> {
  holder.__registryServices ??= createServices(getConfig()).catch((error) => {
    holder.__registryServices = undefined;
    throw error;
  });
  return holder.__registryServices;
}

export async function createServices(
  config: Config,
  { announce = true, worker = config.checks.workerInProcess }: { announce?: boolean; worker?: boolean } = {},
): Promise<Services> {
  const signer = loadSigner(config);
  // Embedded mode: open the database first so that a second process is refused here with a clear
  // message (EmbeddedDatabaseBusyError) and the migrator shares this instance. It is closed again
  // after migrating and the client opens a fresh one: measured, the server then starts at ~560 MiB
  // RSS instead of ~920 MiB (the migration's WebAssembly working memory goes with the instance).
  const lease = config.database.kind === "pglite" ? await acquirePGlite(config.database.dir) : undefined;
  try {
    await applyMigrations(config.database);
  } finally {
    await lease?.release();
  }
  const prisma = createPrismaClient(config.database);
  let checkQueue: CheckQueue;
  try {
    // Only processes that run checks supervise the queue (expire dead jobs, retry them).
    checkQueue = await openCheckQueue(config, { supervise: worker });
  } catch (error) {
    await prisma.$disconnect();
    throw error;
  }
  const store = createObjectStore(config.storage);
  const services: Services = {
    config,
    prisma,
    store,
    signer,
    checkQueue,
    decisions: createDecisionServices({ config, prisma, store, signer }),
    onVersionRegistered: withVersionCreatedEvent(composeRegistrationHooks(recordStageOnRegistration, requestChecksOnRegistration(checkQueue))),
    onChecksChanged: settleRequestsOnChecksChanged,
  };
  try {
    await services.store.ensureReady();
    await ensureFirstAdmin(services, { announce });
    if (worker) services.checkWorker = await startCheckWorker(services);
    if (worker) services.webhookDispatcher = startWebhookDispatcher(services);
    if (worker) services.replayRunner = startReplayRunner(services.decisions);
    return services;
  } catch (error) {
    await closeServices(services);
    throw error;
  }
}

/** Runs each hook in the upload's transaction, in order; their after-commit steps likewise. */
function composeRegistrationHooks(...hooks: VersionRegisteredHook[]): VersionRegisteredHook {
  return async (tx, registered) => {
    const after: (() => Promise<void>)[] = [];
    for (const hook of hooks) after.push(await hook(tx, registered));
    return async () => {
      for (const step of after) await step();
    };
  };
}

export async function closeServices(services: Services): Promise<void> {
  await services.webhookDispatcher?.stop();
  await services.replayRunner?.stop();
  // Acknowledged decisions are committed already; this only waits for writes still in flight.
  await services.decisions.ledger.close();
  await services.checkWorker?.stop();
  await services.checkQueue.close();
  await services.store.close?.();
  await services.prisma.$disconnect();
}
