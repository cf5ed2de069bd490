// Prisma driver adapter factories for the registry's two database modes, shared by the Prisma client
// (client.ts) and the migrator (migrate.ts).
//
// Besides choosing the adapter, this module works around two bugs in the adapters' `executeScript`,
// the method the schema engine uses to run a migration file:
//   - @prisma/adapter-pg 7.10 runs `script.split(";")` statement by statement on whichever pooled
//     connection is free, which breaks every dollar-quoted function body and makes a failing migration
//     half-applied. We send the script whole over one connection with the simple query protocol, which
//     is what the native schema engine does: PostgreSQL runs it as one implicit transaction.
//   - pglite-prisma-adapter 0.7.2 starts `exec(script)` without awaiting it, so the engine would record
//     a migration as finished before it ran and never see its error. We await it.
// For adapter factories built elsewhere, `withSafeScripts` splits the script with a real SQL lexer and
// runs the statements in one transaction instead.
import { PrismaPg } from "@prisma/adapter-pg";
import {
  DriverAdapterError,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
} from "@prisma/driver-adapter-utils";
import pg from "pg";
import type { PGlite } from "@electric-sql/pglite";
import type { Config } from "../config/index.ts";
import { acquirePGlite, createEphemeralPGlite } from "./pglite.ts";
import { splitSqlStatements } from "./sql-script.ts";

/** Where the registry's data lives: a Postgres server, or an embedded PGlite data directory. */
export type DbConfig = Config["database"];

/** The adapter factory the Prisma client uses: the pg adapter with a pool, or the shared PGlite for `dir`. */
export function createClientAdapterFactory(db: DbConfig): SqlMigrationAwareDriverAdapterFactory {
  if (db.kind === "postgres") return new PgClientAdapterFactory({ connectionString: db.url, max: db.poolSize });
  return new PGliteAdapterFactory(db.dir);
}

/**
 * The pg adapter on a pool this factory makes, so that hot-path reads can use the same pool (and its
 * DATABASE_POOL_SIZE connections) without Prisma's query pipeline: see `queryRows` in client.ts.
 * Each Prisma connection gets a new pool and disconnecting ends it, as with a plain PrismaPg.
 */
export class PgClientAdapterFactory implements SqlMigrationAwareDriverAdapterFactory {
  readonly provider = "postgres" as const;
  readonly adapterName = "@prisma/adapter-pg";
  /** The pool of the Prisma connection that is open now, if one is. */
  pool: pg.Pool | undefined;

  constructor(private readonly config: pg.PoolConfig) {}

  async connect(): Promise<SqlDriverAdapter> {
    const pool = new pg.Pool(this.config);
    // An idle connection that drops (server restart) must not crash the process with an 'error' event.
    pool.on("error", () => {});
    this.pool = pool;
    const adapter = await new PrismaPg(pool).connect();
    return overrideAdapter(adapter, {
      dispose: async () => {
        if (this.pool === pool) this.pool = undefined;
        await adapter.dispose();
        await pool.end();
      },
    });
  }

  connectToShadowDb(): Promise<SqlDriverAdapter> {
    return new PrismaPg(this.config).connectToShadowDb();
  }
}

/** The adapter factory the schema engine uses: one connection, scripts sent whole. */
export function createMigrationAdapterFactory(db: DbConfig): SqlMigrationAwareDriverAdapterFactory {
  if (db.kind === "postgres") return new PgMigrationAdapterFactory(db.url);
  return new PGliteAdapterFactory(db.dir);
}

const safeScripts = new WeakSet<SqlMigrationAwareDriverAdapterFactory>();

/** Embedded mode. `dir` undefined: a private in-memory database per connection (nothing persisted). */
export class PGliteAdapterFactory implements SqlMigrationAwareDriverAdapterFactory {
  readonly provider = "postgres" as const;
  readonly adapterName = "pglite-prisma-adapter";

  constructor(private readonly dir?: string) {
    safeScripts.add(this);
  }

  async connect(): Promise<SqlDriverAdapter> {
    if (this.dir === undefined) return this.connectToShadowDb();
    const lease = await acquirePGlite(this.dir);
    try {
      return await pgliteAdapter(lease.db, () => lease.release());
    } catch (error) {
      await lease.release();
      throw error;
    }
  }

  /** The schema engine replays migrations into a shadow database to diff them against the schema. */
  async connectToShadowDb(): Promise<SqlDriverAdapter> {
    const db = await createEphemeralPGlite();
    return pgliteAdapter(db, () => db.close());
  }
}

/** Postgres for the migrator: a pool of exactly one connection, so session state (the engine's advisory lock) holds. */
export class PgMigrationAdapterFactory implements SqlMigrationAwareDriverAdapterFactory {
  readonly provider = "postgres" as const;
  readonly adapterName = "@prisma/adapter-pg";

  constructor(private readonly url: string) {
    safeScripts.add(this);
  }

  async connect(): Promise<SqlDriverAdapter> {
    const pool = new pg.Pool({ connectionString: this.url, max: 1 });
    // An idle connection that drops (server restart) must not crash the process with an 'error' event.
    pool.on("error", () => {});
    const adapter = await new PrismaPg(pool, { disposeExternalPool: true }).connect();
    return overrideAdapter(adapter, {
      // No parameters → node-postgres uses the simple query protocol, which accepts many statements.
      executeScript: async (script) => {
        try {
          await pool.query(script);
        } catch (error) {
          throwAsDriverAdapterError(error);
        }
      },
    });
  }

  async connectToShadowDb(): Promise<SqlDriverAdapter> {
    // createMigration diffs against an in-memory PGlite instead (see migrate.ts), so nothing needs this.
    throw new Error("PgMigrationAdapterFactory has no shadow database; createMigration uses PGlite");
  }
}

/**
 * `factory` with a transactional, lexer-split `executeScript`, unless it is one of ours (which already
 * run scripts whole). Use for adapter factories built elsewhere, e.g. a plain `new PrismaPg(url)`.
 */
export function withSafeScripts(factory: SqlMigrationAwareDriverAdapterFactory): SqlMigrationAwareDriverAdapterFactory {
  if (safeScripts.has(factory)) return factory;
  const fix = (adapter: SqlDriverAdapter) =>
    overrideAdapter(adapter, {
      executeScript: async (script) => {
        const tx = await adapter.startTransaction();
        // Adapter protocol: unless the transaction uses "phantom" queries (PGlite's does), the caller
        // sends COMMIT/ROLLBACK itself and commit()/rollback() only hand the connection back.
        const finish = async (command: "COMMIT" | "ROLLBACK") => {
          if (!tx.options.usePhantomQuery) await tx.executeRaw({ sql: command, args: [], argTypes: [] });
          await (command === "COMMIT" ? tx.commit() : tx.rollback());
        };
        try {
          for (const sql of splitSqlStatements(script)) await tx.executeRaw({ sql, args: [], argTypes: [] });
        } catch (error) {
          await finish("ROLLBACK").catch(() => {});
          throw error;
        }
        await finish("COMMIT");
      },
    });
  const wrapped: SqlMigrationAwareDriverAdapterFactory = {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: async () => fix(await factory.connect()),
    connectToShadowDb: async () => fix(await factory.connectToShadowDb()),
  };
  safeScripts.add(wrapped);
  return wrapped;
}

/**
 * `factory`, remembering every connection it hands out so that `disposeAll` can close them. The schema
 * engine does not dispose its connections, and on Postgres its advisory lock lives as long as the
 * connection does.
 */
export function trackConnections(factory: SqlMigrationAwareDriverAdapterFactory): {
  factory: SqlMigrationAwareDriverAdapterFactory;
  disposeAll(): Promise<void>;
} {
  const open = new Set<SqlDriverAdapter>();
  const track = (adapter: SqlDriverAdapter) => {
    const tracked = overrideAdapter(adapter, {
      dispose: async () => {
        if (!open.delete(tracked)) return; // disposed already
        await adapter.dispose();
      },
    });
    open.add(tracked);
    return tracked;
  };
  const tracking: SqlMigrationAwareDriverAdapterFactory = {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: async () => track(await factory.connect()),
    connectToShadowDb: async () => track(await factory.connectToShadowDb()),
  };
  if (safeScripts.has(factory)) safeScripts.add(tracking);
  return {
    factory: tracking,
    async disposeAll() {
      const results = await Promise.allSettled([...open].map((adapter) => adapter.dispose()));
      const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
      if (failed) throw failed.reason;
    },
  };
}

async function pgliteAdapter(db: PGlite, close: () => Promise<void>): Promise<SqlDriverAdapter> {
  const { PrismaPGlite } = await import("pglite-prisma-adapter");
  const adapter = await new PrismaPGlite(db).connect();
  let closed = false;
  return overrideAdapter(adapter, {
    executeScript: async (script) => {
      try {
        await db.exec(script);
      } catch (error) {
        throwAsDriverAdapterError(error);
      }
    },
    dispose: async () => {
      if (closed) return;
      closed = true;
      await close();
    },
  });
}

type AdapterOverrides = Partial<Pick<SqlDriverAdapter, "executeScript" | "dispose">>;

/** A delegate for `adapter` with some methods replaced (adapters are class instances: no spreading). */
function overrideAdapter(adapter: SqlDriverAdapter, overrides: AdapterOverrides): SqlDriverAdapter {
  const delegate: SqlDriverAdapter = {
    provider: adapter.provider,
    adapterName: adapter.adapterName,
    queryRaw: (query) => adapter.queryRaw(query),
    executeRaw: (query) => adapter.executeRaw(query),
    startTransaction: (isolationLevel) => adapter.startTransaction(isolationLevel),
    executeScript: overrides.executeScript ?? ((script) => adapter.executeScript(script)),
    dispose: overrides.dispose ?? (() => adapter.dispose()),
  };
  if (adapter.getConnectionInfo) delegate.getConnectionInfo = () => adapter.getConnectionInfo!();
  return delegate;
}

/**
 * Re-throws a Postgres error (pg's or PGlite's; both carry the SQLSTATE in `code`) as the error type the
 * schema engine understands, so its message reaches the migration log instead of "GenericJsError".
 */
function throwAsDriverAdapterError(error: unknown): never {
  const e = error as { code?: unknown; message?: unknown; severity?: unknown; detail?: unknown; column?: unknown; hint?: unknown };
  if (typeof e?.code === "string" && /^[0-9A-Z]{5}$/.test(e.code) && typeof e.message === "string") {
    const optional = (v: unknown) => (typeof v === "string" ? v : undefined);
    throw new DriverAdapterError({
      kind: "postgres",
      code: e.code,
      severity: optional(e.severity) ?? "ERROR",
      message: e.message,
      detail: optional(e.detail),
      column: optional(e.column),
      hint: optional(e.hint),
      originalCode: e.code,
      originalMessage: e.message,
    });
  }
  throw error;
}
