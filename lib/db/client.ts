// The Prisma client, for either database mode, and the process-wide instance the app uses.
import { getConfig } from "../config/index.ts";
import { createClientAdapterFactory, type DbConfig } from "./driver-adapters.ts";
import { PrismaClient } from "./generated/client.ts";
import type { Db, OmitConfig } from "./types.ts";

export type { DbConfig };
export type { Db, Tx } from "./types.ts";

/**
 * Password hashes are left out of every query result unless a query asks for them with
 * `omit: { passwordHash: false }`, so a hash cannot leak through a route that returns a user.
 */
const omit: OmitConfig = { user: { passwordHash: true } };

/**
 * A new Prisma client for `db`: the pg adapter with a pool of `poolSize` connections, or the embedded
 * PGlite at `dir` (shared with anything else in this process that opens the same directory).
 * Connects lazily on the first query. `$disconnect()` closes the pool, or releases the PGlite instance
 * (the last user closes it); a later query reconnects.
 */
export function createPrismaClient(db: DbConfig): Db {
  return new PrismaClient({ adapter: createClientAdapterFactory(db), omit });
}

type Singleton = { client: Db };
const singletonKey = Symbol.for("model-registry.prisma");
// On globalThis so that Next's dev server, which re-evaluates modules on every edit, keeps reusing
// one client instead of opening a new pool (or a second PGlite on the same directory) each time.
const globals = globalThis as typeof globalThis & Record<symbol, Singleton | undefined>;

/** The app's client, created on first use from `getConfig().database`. */
export function getPrisma(): Db {
  return (globals[singletonKey] ??= { client: createPrismaClient(getConfig().database) }).client;
}

/** Disconnects the app's client (graceful shutdown, end of a CLI command); `getPrisma()` makes a new one. */
export async function closePrisma(): Promise<void> {
  const singleton = globals[singletonKey];
  if (!singleton) return;
  globals[singletonKey] = undefined;
  await singleton.client.$disconnect();
}
