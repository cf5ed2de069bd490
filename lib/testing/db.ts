// A fresh, migrated database for one integration test file (or one test).
//
// Real PostgreSQL is the point: each call creates its own database `registry_test_<random>` on the
// server at TEST_DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/postgres), so test files
// can run in parallel without sharing state. Where no server answers at all (a laptop without
// Postgres), it falls back to an embedded PGlite in a temporary directory and says so once.
//
// Migrating through the schema engine costs about a second per database on Postgres and several on
// PGlite, paid by every test file. So the migrations are applied once into a template keyed by a hash
// of prisma/migrations (`registry_tmpl_<hash>`, or a PGlite data directory of that name), and each
// test database is a copy of it. A changed migration changes the hash, hence a new template; the real
// migration path stays tested by lib/db/__tests__ on empty databases (`migrate: false`).
import { createHash, randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { createPrismaClient, type Db, type DbConfig } from "../db/client.ts";
import { applyMigrations, defaultMigrationsDir } from "../db/migrate.ts";

export const defaultTestDatabaseUrl = "postgresql://postgres@127.0.0.1:5432/postgres";

export type TestDatabase = {
  /** A client for this database (password hashes omitted by default, as in the app). */
  prisma: Db;
  dbConfig: DbConfig;
  /** Connection URL of this database; undefined on the PGlite fallback (there is no server to connect to). */
  url: string | undefined;
  /** False when no Postgres server answered and the database is an embedded PGlite instead. */
  isRealPostgres: boolean;
  /** Disconnects the client and deletes the database (its directory, for PGlite). Idempotent. */
  drop(): Promise<void>;
};

export type CreateTestDatabaseOptions = {
  /** Apply prisma/migrations (default true). False gives an empty database, for testing migrations. */
  migrate?: boolean;
  /** "pglite" skips Postgres even if a server is available. Default "auto". */
  mode?: "auto" | "pglite";
};

export async function createTestDatabase(options: CreateTestDatabaseOptions = {}): Promise<TestDatabase> {
  const { migrate = true, mode = "auto" } = options;
  if (mode === "auto") {
    const adminUrl = testDatabaseAdminUrl();
    const admin = await connectIfServerAnswers(adminUrl);
    if (admin) return createPostgresDatabase(admin, adminUrl, migrate);
    warnFallbackOnce(adminUrl);
  }
  return createPGliteDatabase(migrate);
}

/** Whether a Postgres server answers at TEST_DATABASE_URL (for tests that only make sense on a server). */
export async function isPostgresAvailable(): Promise<boolean> {
  const client = await connectIfServerAnswers(testDatabaseAdminUrl());
  await client?.end();
  return client !== undefined;
}

export function testDatabaseAdminUrl(): string {
  return process.env.TEST_DATABASE_URL || defaultTestDatabaseUrl;
}

async function createPostgresDatabase(admin: pg.Client, adminUrl: string, migrate: boolean): Promise<TestDatabase> {
  const name = `registry_test_${randomBytes(6).toString("hex")}`;
  try {
    if (migrate) await createFromTemplate(admin, adminUrl, name);
    else await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const url = withDatabase(adminUrl, name);
  const dbConfig: DbConfig = { kind: "postgres", url, poolSize: 5 };
  const prisma = createPrismaClient(dbConfig);
  let dropped: Promise<void> | undefined;
  const drop = () =>
    (dropped ??= (async () => {
      await prisma.$disconnect();
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      try {
        // FORCE: a test that leaked a connection must not leave its database behind.
        await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await client.end();
      }
    })());
  return { prisma, dbConfig, url, isRealPostgres: true, drop };
}

const templatePrefix = "registry_tmpl_";
/**
 * Advisory lock (on the admin database, where every test process connects) around checking for and
 * building a template, so that vitest workers starting together build it once. Any bigint distinct
 * from MIGRATION_LOCK_KEY and the schema engine's key.
 */
export const TEMPLATE_LOCK_KEY = "7262846019327110402";

/** `CREATE DATABASE name TEMPLATE registry_tmpl_<hash>`, building that template first if needed. */
async function createFromTemplate(admin: pg.Client, adminUrl: string, name: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const template = await ensurePostgresTemplate(admin, adminUrl);
    try {
      // Outside the lock, so workers copy in parallel. No session can be connected to the template
      // (it refuses connections), which CREATE DATABASE … TEMPLATE requires.
      await admin.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`);
      return;
    } catch (error) {
      // 3D000: the template is gone, dropped as stale by a test run of another checkout whose
      // migrations differ. Build it again.
      if ((error as { code?: string }).code !== "3D000" || attempt >= 3) throw error;
    }
  }
}

/**
 * The name of a complete template for the current migrations. A template only ever appears under its
 * final name once fully migrated and closed to connections (it is built under a temporary name and
 * renamed), so one found by name is usable, and a build that crashed halfway is never used.
 */
export async function ensurePostgresTemplate(admin: pg.Client, adminUrl: string): Promise<string> {
  const template = templatePrefix + (await migrationsHash());
  if (await databaseExists(admin, template)) return template;
  await admin.query("SELECT pg_advisory_lock($1::bigint)", [TEMPLATE_LOCK_KEY]);
  try {
    if (await databaseExists(admin, template)) return template; // another worker built it meanwhile
    // Builds are serialized by the lock, so every other `registry_tmpl_*` database is an older
    // migration set's template or a crashed build's leftover.
    await dropStaleTemplates(admin, template);
    const building = `${template}_build_${randomBytes(4).toString("hex")}`;
    await admin.query(`CREATE DATABASE "${building}"`);
    try {
      // applyMigrations closes every connection it opened before it returns.
      await applyMigrations({ kind: "postgres", url: withDatabase(adminUrl, building), poolSize: 1 });
      // Nobody may connect to the template from now on: a lingering session would make every
      // CREATE DATABASE … TEMPLATE fail, and a test writing to it would leak into all later databases.
      await admin.query(`ALTER DATABASE "${building}" WITH ALLOW_CONNECTIONS false IS_TEMPLATE true`);
      await admin.query(`ALTER DATABASE "${building}" RENAME TO "${template}"`);
    } catch (error) {
      await dropDatabase(admin, building, { force: true }).catch(() => {});
      throw error;
    }
    return template;
  } finally {
    await admin.query("SELECT pg_advisory_unlock($1::bigint)", [TEMPLATE_LOCK_KEY]);
  }
}

async function dropStaleTemplates(admin: pg.Client, keep: string): Promise<void> {
  const { rows } = await admin.query<{ datname: string }>(
    "SELECT datname FROM pg_database WHERE starts_with(datname, $1) AND datname <> $2",
    [templatePrefix, keep],
  );
  // Opportunistic: a template being copied right now is waited for or refuses, and then stays.
  for (const { datname } of rows) await dropDatabase(admin, datname, { force: false }).catch(() => {});
}

async function dropDatabase(admin: pg.Client, name: string, { force }: { force: boolean }): Promise<void> {
  await admin.query(`ALTER DATABASE "${name}" WITH IS_TEMPLATE false`); // a template cannot be dropped
  await admin.query(`DROP DATABASE IF EXISTS "${name}"${force ? " WITH (FORCE)" : ""}`);
}

async function databaseExists(admin: pg.Client, name: string): Promise<boolean> {
  const { rowCount } = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
  return rowCount === 1;
}

let hashOfMigrations: Promise<string> | undefined;
/**
 * The first 16 hex digits of a sha256 over every file under prisma/migrations, names and contents,
 * so that adding, renaming or editing a migration (or the lockfile) selects a new template.
 */
export function migrationsHash(): Promise<string> {
  return (hashOfMigrations ??= hashDirectory(defaultMigrationsDir).then((hex) => hex.slice(0, 16)));
}

async function hashDirectory(root: string): Promise<string> {
  const entries = await fs.readdir(root, { recursive: true, withFileTypes: true });
  const files = entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)).split(path.sep).join("/"))
    .sort();
  const hash = createHash("sha256");
  for (const file of files) {
    const content = await fs.readFile(path.join(root, file));
    // Length-prefixed, so that no two different trees hash the same bytes.
    hash.update(`${Buffer.byteLength(file)}:${file}:${content.length}:`).update(content);
  }
  return hash.digest("hex");
}

async function createPGliteDatabase(migrate: boolean): Promise<TestDatabase> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "registry-test-pglite-"));
  const dbConfig: DbConfig = { kind: "pglite", dir };
  const prisma = createPrismaClient(dbConfig);
  let dropped: Promise<void> | undefined;
  const drop = () =>
    (dropped ??= (async () => {
      // Releases this process's PGlite instance for `dir` (closing it), then deletes the files.
      await prisma.$disconnect();
      await fs.rm(dir, { recursive: true, force: true });
    })());
  try {
    if (migrate) await copyPGliteTemplate(dir);
  } catch (error) {
    await drop().catch(() => {});
    throw error;
  }
  return { prisma, dbConfig, url: undefined, isRealPostgres: false, drop };
}

let pgliteTemplate: Promise<string> | undefined;
/**
 * Fills `dir` with a copy of a migrated, closed PGlite data directory (about a second, where migrating
 * takes several). The template is built under a temporary name and renamed into place, so only a
 * complete one is ever found; two processes that build at once both succeed, and one rename wins.
 */
async function copyPGliteTemplate(dir: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const template = await (pgliteTemplate ??= ensurePGliteTemplate().catch((error: unknown) => {
      pgliteTemplate = undefined;
      throw error;
    }));
    try {
      await fs.cp(template, dir, { recursive: true });
      return;
    } catch (error) {
      // Removed under us (by hand, or a tmp cleaner): build it again.
      if ((error as NodeJS.ErrnoException).code !== "ENOENT" || attempt >= 3) throw error;
      pgliteTemplate = undefined;
      await fs.rm(dir, { recursive: true, force: true });
      await fs.mkdir(dir);
    }
  }
}

async function ensurePGliteTemplate(): Promise<string> {
  const template = path.join(os.tmpdir(), `registry-test-pglite-tmpl-${await migrationsHash()}`);
  if (existsSync(template)) return template;
  const building = await fs.mkdtemp(`${template}.build-`);
  try {
    // Returns once the migration's PGlite instance is closed and its files are flushed.
    await applyMigrations({ kind: "pglite", dir: building });
    await fs.rename(building, template);
  } catch (error) {
    await fs.rm(building, { recursive: true, force: true });
    // ENOTEMPTY/EEXIST: another process renamed its complete template into place first.
    if (!existsSync(template)) throw error;
    return template;
  }
  await removeStalePGliteTemplates(template).catch(() => {});
  return template;
}

/**
 * Templates of other migration sets, and builds a crashed process left, once an hour old (a build
 * takes seconds). A process still copying one gets ENOENT and builds its own (copyPGliteTemplate).
 */
async function removeStalePGliteTemplates(keep: string): Promise<void> {
  const dir = path.dirname(keep);
  const prefix = "registry-test-pglite-tmpl-";
  for (const name of await fs.readdir(dir)) {
    const full = path.join(dir, name);
    if (!name.startsWith(prefix) || full === keep || name.endsWith(".lock")) continue;
    const { mtimeMs } = await fs.stat(full);
    if (Date.now() - mtimeMs > 60 * 60_000) await fs.rm(full, { recursive: true, force: true });
  }
}

/** A connected admin client, or undefined when nothing listens there. Any other failure is thrown. */
async function connectIfServerAnswers(url: string): Promise<pg.Client | undefined> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  client.on("error", () => {});
  try {
    await client.connect();
    return client;
  } catch (error) {
    await client.end().catch(() => {});
    // A wrong password or a missing database is a misconfiguration to report, not a reason to fall back.
    if (isNoServer(error)) return undefined;
    throw error;
  }
}

function isNoServer(error: unknown): boolean {
  const codes = ["ECONNREFUSED", "ENOENT", "EADDRNOTAVAIL", "EHOSTUNREACH"];
  const e = error as { code?: string; errors?: { code?: string }[] };
  return codes.includes(e?.code ?? "") || (e?.errors ?? []).some((inner) => codes.includes(inner.code ?? ""));
}

let warned = false;
function warnFallbackOnce(url: string): void {
  if (warned) return;
  warned = true;
  const where = new URL(url).host || url;
  console.warn(
    `[test db] No PostgreSQL server answered at ${where}; using embedded PGlite instead ` +
      `(start Postgres or set TEST_DATABASE_URL to test against a real server).`,
  );
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}
