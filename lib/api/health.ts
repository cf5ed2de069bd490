// What /api/v1/health reports: each dependency answered or not, and whether storage enforces
// immutability itself (S3 Object Lock).
import { createRequire } from "node:module";
import type { ApiServices } from "./context.ts";

const appVersion: string = (createRequire(import.meta.url)("../../package.json") as { version: string }).version;

export async function checkHealth({ prisma, store, config, checkQueue, checkWorker }: ApiServices) {
  const [db, storage, queueHealth] = await Promise.all([
    prisma
      .$queryRawUnsafe("SELECT 1")
      .then(() => ({ ok: true, kind: config.database.kind }))
      .catch((error: Error) => ({ ok: false, kind: config.database.kind, detail: error.message })),
    store.health().catch((error: Error) => ({ ok: false, driver: store.kind, objectLock: "unknown" as const, detail: error.message })),
    checkQueue.health(),
  ]);
  // Health is public: say what is down, not where things live (paths, bucket names, free space).
  delete (storage as { detail?: string }).detail;
  if (!db.ok) (db as { detail?: string }).detail = "the database does not answer";
  const queue = {
    ok: queueHealth.ok,
    kind: queueHealth.kind,
    detail: queueHealth.ok ? (checkWorker ? "a checks worker runs in this process" : "checks run in separate workers (npm run worker)") : "the check queue does not answer",
  };
  return { status: db.ok && storage.ok && queue.ok ? ("ok" as const) : ("degraded" as const), version: appVersion, db, storage, queue };
}
