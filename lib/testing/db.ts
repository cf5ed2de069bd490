// A fresh, migrated database for one integration test file (or one test).
//
// Real PostgreSQL is the point: each call creates its own database `registry_test_<random>` on the
// server at TEST_DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/postgres), so test files
// can run in parallel without sharing state. Where no server answers at all (a laptop without
// Postgres), it falls back to an embedded PGlite in a temporary directory and says so once.
import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { createPrismaClient, type Db, type DbConfig } from "../db/client.ts";
import { applyMigrations } from "../db/migrate.ts";

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
    await admin.query(`CREATE DATABASE "${name}"`);
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
  try {
    if (migrate) await applyMigrations(dbConfig);
  } catch (error) {
    await drop().catch(() => {});
    throw error;
  }
  return { prisma, dbConfig, url, isRealPostgres: true, drop };
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
    if (migrate) await applyMigrations(dbConfig);
  } catch (error) {
    await drop().catch(() => {});
    throw error;
  }
  return { prisma, dbConfig, url: undefined, isRealPostgres: false, drop };
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
