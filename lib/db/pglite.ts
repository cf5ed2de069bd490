// One PGlite instance per data directory per process, shared by everything that opens that directory.
//
// Why: PGlite is Postgres compiled to WebAssembly, running inside this process with a single
// connection. Two instances on one data directory would each believe they own the files and corrupt
// them, so the Prisma client and the migrator (which both open `DATA_DIR/db`) must share one. Leases
// are reference-counted; the instance is closed when the last lease is released. The registry lives
// on globalThis so that a module reloaded by Next's dev server still finds the open instance.
// Across processes nothing can be shared: only one process may open a data directory at a time.
import fs from "node:fs/promises";
import path from "node:path";
import type { PGlite } from "@electric-sql/pglite";

export type PGliteLease = {
  readonly db: PGlite;
  /** Gives the lease back; the last release closes the instance. Idempotent. */
  release(): Promise<void>;
};

type Entry = { opening: Promise<PGlite>; leases: number };
type Registry = { open: Map<string, Entry>; closing: Map<string, Promise<void>> };

const registryKey = Symbol.for("model-registry.pglite-registry");
const registry: Registry = ((globalThis as Record<symbol, unknown>)[registryKey] as Registry | undefined) ??
  ((globalThis as Record<symbol, unknown>)[registryKey] = { open: new Map(), closing: new Map() } satisfies Registry);

/** A lease on the PGlite instance for `dir` (created if needed), ready for queries. */
export async function acquirePGlite(dir: string): Promise<PGliteLease> {
  const key = path.resolve(dir);
  let entry = registry.open.get(key);
  if (!entry) {
    entry = { opening: openPGlite(key), leases: 0 };
    registry.open.set(key, entry);
  }
  entry.leases++;
  let db: PGlite;
  try {
    db = await entry.opening;
  } catch (error) {
    if (registry.open.get(key) === entry) registry.open.delete(key);
    throw error;
  }
  const owned = entry;
  let released = false;
  return {
    db,
    async release() {
      if (released) return;
      released = true;
      owned.leases--;
      if (owned.leases > 0 || registry.open.get(key) !== owned) return;
      registry.open.delete(key);
      const closing = db
        .close()
        .then(() => releaseProcessLock(key))
        .finally(() => registry.closing.delete(key));
      registry.closing.set(key, closing);
      await closing;
    },
  };
}

/** A private in-memory PGlite (nothing on disk), e.g. a shadow database for diffing migrations. */
export async function createEphemeralPGlite(): Promise<PGlite> {
  const { PGlite } = await import("@electric-sql/pglite");
  const db = new PGlite();
  await db.waitReady;
  return db;
}

async function openPGlite(dir: string): Promise<PGlite> {
  // A previous instance on this directory may still be flushing its files: wait for it.
  await registry.closing.get(dir);
  await fs.mkdir(dir, { recursive: true });
  await takeProcessLock(dir);
  // Imported lazily so that the Postgres mode never loads PGlite's WebAssembly.
  const { PGlite } = await import("@electric-sql/pglite");
  try {
    const db = new PGlite(dir);
    await db.waitReady;
    return db;
  } catch (error) {
    await releaseProcessLock(dir);
    throw error;
  }
}

/** Thrown when another live process has the embedded database open. */
export class EmbeddedDatabaseBusyError extends Error {
  override name = "EmbeddedDatabaseBusyError";
}

// PGlite takes no lock of its own (its postmaster.pid holds a fake pid), so a second process on the
// same directory would silently corrupt it. A pid file beside the directory keeps other processes
// out; one left by a crashed process (its pid no longer alive) is taken over.
const lockPath = (dir: string) => `${dir}.lock`;

async function takeProcessLock(dir: string): Promise<void> {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await fs.writeFile(lockPath(dir), String(process.pid), { flag: "wx" });
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const holder = Number((await fs.readFile(lockPath(dir), "utf8").catch(() => "")).trim());
    if (holder === process.pid) return;
    if (holder > 0 && isAlive(holder))
      throw new EmbeddedDatabaseBusyError(
        `the embedded database ${dir} is in use by process ${holder}; only one process may open it (stop that process, or use DATABASE_URL for a shared Postgres)`,
      );
    await fs.rm(lockPath(dir), { force: true }); // stale: its process is gone
  }
  throw new EmbeddedDatabaseBusyError(`could not lock the embedded database ${dir}`);
}

async function releaseProcessLock(dir: string): Promise<void> {
  const holder = Number((await fs.readFile(lockPath(dir), "utf8").catch(() => "")).trim());
  if (holder === process.pid) await fs.rm(lockPath(dir), { force: true });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
