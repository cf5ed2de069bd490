// applyMigrations against a real PostgreSQL server: the production path, where several processes may
// start at once. (The embedded mode is covered in pglite.test.ts.)
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { createTestDatabase, isPostgresAvailable, type TestDatabase } from "../../testing/db.ts";
import { applyMigrations, defaultMigrationsDir, MIGRATION_LOCK_KEY, MigrationError } from "../migrate.ts";

const projectRoot = path.resolve(defaultMigrationsDir, "../..");
const migrationNames = (await fs.readdir(defaultMigrationsDir, { withFileTypes: true }))
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();
const expectedTables = [
  "Alias",
  "ApiToken",
  "Approval",
  "AuditEvent",
  "Blob",
  "CheckRun",
  "Decision",
  "DecisionReplay",
  "IdempotencyRecord",
  "Model",
  "ModelOwner",
  "PromotionRequest",
  "ReplayJob",
  "ModelVersion",
  "RateLimiterFlexible",
  "Session",
  "StageEvent",
  "User",
  "UserIdentity",
  "VersionFile",
  "Webhook",
  "WebhookDelivery",
  "WebhookDeliveryAttempt",
  "_prisma_migrations",
];

type MigrationRow = {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
  logs: string | null;
};

describe.runIf(await isPostgresAvailable())("applyMigrations on PostgreSQL", () => {
  const databases: TestDatabase[] = [];
  const tempDirs: string[] = [];
  async function emptyDatabase() {
    const db = await createTestDatabase({ migrate: false });
    databases.push(db);
    return db as TestDatabase & { url: string };
  }
  async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return (await client.query<T>(sql)).rows;
    } finally {
      await client.end();
    }
  }
  const migrationRows = (url: string) =>
    query<MigrationRow>(url, `SELECT * FROM "_prisma_migrations" ORDER BY "started_at"`);

  afterEach(async () => {
    await Promise.all(tempDirs.splice(0).map((dir) => fs.rm(dir, { recursive: true, force: true })));
  });
  afterAll(async () => {
    await Promise.all(databases.map((db) => db.drop()));
  });

  it("creates every table and records each migration like `prisma migrate deploy`", async () => {
    const db = await emptyDatabase();
    const result = await applyMigrations(db.dbConfig);
    expect(result.applied).toEqual(migrationNames);

    const tables = await query<{ table_name: string }>(
      db.url,
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`,
    );
    expect(tables.map((t) => t.table_name).sort()).toEqual(expectedTables.sort());

    const rows = await migrationRows(db.url);
    expect(rows.map((r) => r.migration_name)).toEqual(migrationNames);
    for (const row of rows) {
      const sql = await fs.readFile(path.join(defaultMigrationsDir, row.migration_name, "migration.sql"));
      // Prisma's checksum is the sha256 of the file: the CLI would accept this history as its own.
      expect(row.checksum).toBe(createHash("sha256").update(sql).digest("hex"));
      expect(row.finished_at).toBeInstanceOf(Date);
      expect(row.rolled_back_at).toBeNull();
    }
  });

  it("applies nothing the second time", async () => {
    const db = await emptyDatabase();
    await applyMigrations(db.dbConfig);
    const again = await applyMigrations(db.dbConfig);
    expect(again.applied).toEqual([]);
    expect(await migrationRows(db.url)).toHaveLength(migrationNames.length);
  });

  it("lets two runs in one process start at once; each migration is applied once", async () => {
    const db = await emptyDatabase();
    const runs = await Promise.all([applyMigrations(db.dbConfig), applyMigrations(db.dbConfig)]);
    expect(runs.flatMap((r) => r.applied).sort()).toEqual(migrationNames);
    expect(await migrationRows(db.url)).toHaveLength(migrationNames.length);
  });

  it("lets two processes start at once; each migration is applied once", async () => {
    const db = await emptyDatabase();
    const runCli = () =>
      new Promise<{ code: number | null; output: string }>((resolve, reject) => {
        const child = spawn(process.execPath, ["--import", "tsx", "lib/db/migrate-cli.ts"], {
          cwd: projectRoot,
          env: { ...process.env, DATABASE_URL: db.url, DATA_DIR: os.tmpdir() },
          stdio: ["ignore", "pipe", "pipe"],
        });
        let output = "";
        child.stdout.on("data", (chunk) => (output += chunk));
        child.stderr.on("data", (chunk) => (output += chunk));
        child.on("error", reject);
        child.on("exit", (code) => resolve({ code, output }));
      });
    const [a, b] = await Promise.all([runCli(), runCli()]);
    expect(a.code, a.output).toBe(0);
    expect(b.code, b.output).toBe(0);
    const outputs = [a.output, b.output];
    expect(outputs.filter((o) => o.includes("database is up to date"))).toHaveLength(1);
    expect(await migrationRows(db.url)).toHaveLength(migrationNames.length);
  });

  it("waits for another run's lock, and gives up after lockTimeoutMs", async () => {
    const db = await emptyDatabase();
    const holder = new pg.Client({ connectionString: db.url });
    await holder.connect();
    try {
      await holder.query("SELECT pg_advisory_lock($1::bigint)", [MIGRATION_LOCK_KEY]);
      await expect(applyMigrations(db.dbConfig, { lockTimeoutMs: 200 })).rejects.toThrow(
        /Could not take the migration lock/,
      );
      let settled = false;
      const waiting = applyMigrations(db.dbConfig).finally(() => (settled = true));
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(settled).toBe(false);
      await holder.query("SELECT pg_advisory_unlock($1::bigint)", [MIGRATION_LOCK_KEY]);
      expect((await waiting).applied).toEqual(migrationNames);
    } finally {
      await holder.end();
    }
  });

  it.each([
    ["a database config", (db: TestDatabase) => db.dbConfig],
    ["an adapter factory built elsewhere", (db: TestDatabase) => new PrismaPg({ connectionString: db.url! })],
  ])("rolls a failing migration back entirely and refuses to go on until it is resolved (%s)", async (_, target) => {
    const db = await emptyDatabase();
    const migrationsDir = await fs.mkdtemp(path.join(os.tmpdir(), "registry-migrations-"));
    tempDirs.push(migrationsDir);
    await fs.cp(defaultMigrationsDir, migrationsDir, { recursive: true });
    await fs.mkdir(path.join(migrationsDir, "29991231000000_broken"));
    await fs.writeFile(
      path.join(migrationsDir, "29991231000000_broken", "migration.sql"),
      `CREATE TABLE "HalfDone" ("id" INTEGER);\nSELECT 1 / 0;\n`,
    );

    const failure = applyMigrations(target(db), { migrationsDir });
    await expect(failure).rejects.toBeInstanceOf(MigrationError);
    await expect(failure).rejects.toThrow(/division by zero/);
    const halfDone = await query(db.url, `SELECT to_regclass('"HalfDone"') AS t`);
    expect(halfDone[0]).toEqual({ t: null });
    const rows = await migrationRows(db.url);
    const broken = rows.find((r) => r.migration_name === "29991231000000_broken");
    expect(broken).toMatchObject({ finished_at: null });
    expect(broken?.logs).toMatch(/division by zero/);
    // Like `prisma migrate deploy`: a failed migration blocks further runs until someone resolves it.
    await expect(applyMigrations(target(db), { migrationsDir })).rejects.toThrow(/29991231000000_broken/);
  });

  it("accepts a Prisma adapter factory built elsewhere (its scripts are split safely)", async () => {
    const db = await emptyDatabase();
    const result = await applyMigrations(new PrismaPg({ connectionString: db.url }));
    expect(result.applied).toEqual(migrationNames);
    const triggers = await query<{ n: number }>(
      db.url,
      `SELECT count(*)::int AS n FROM pg_trigger WHERE NOT tgisinternal`,
    );
    // 9 from the first migration (audit, blob, file, version immutability) + 3 for finished check runs
    // + 1 that keeps audit numbering gapless + 4 that keep approvals and stage history append-only
    // + 2 that keep webhook delivery attempts append-only + 4 that keep decisions and their replays append-only.
    expect(triggers[0]!.n).toBe(23);
  });
});
