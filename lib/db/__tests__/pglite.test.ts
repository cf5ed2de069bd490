// The embedded mode: migrations, triggers and the client on PGlite, in one data directory shared by
// the client and the migrator (as `npm start` does it).
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../testing/db.ts";
import { createPrismaClient } from "../client.ts";
import { applyMigrations, defaultMigrationsDir, MigrationError } from "../migrate.ts";
import { immutabilityCases, omitCases } from "./cases.ts";

const migrationNames = (await fs.readdir(defaultMigrationsDir, { withFileTypes: true }))
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

describe("embedded PGlite", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase({ mode: "pglite", migrate: false });
  });
  afterAll(async () => {
    await db?.drop();
  });

  it("applies the migrations once even when two runs and the client start together", async () => {
    // PGlite is a single session, so Postgres locks cannot order these; the in-process queue must.
    const [a, b, tables] = await Promise.all([
      applyMigrations(db.dbConfig),
      applyMigrations(db.dbConfig),
      db.prisma.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'`,
    ]);
    expect([...a.applied, ...b.applied].sort()).toEqual(migrationNames);
    expect(tables).toHaveLength(1);

    const rows = await db.prisma.$queryRaw<{ migration_name: string; finished_at: Date | null }[]>`
      SELECT "migration_name", "finished_at" FROM "_prisma_migrations"`;
    expect(rows.map((r) => r.migration_name)).toEqual(migrationNames);
    expect(rows.every((r) => r.finished_at instanceof Date)).toBe(true);
    const models = await db.prisma.model.findMany();
    expect(models).toEqual([]);
  });

  it("applies nothing the second time", async () => {
    expect((await applyMigrations(db.dbConfig)).applied).toEqual([]);
  });

  immutabilityCases(() => db.prisma);
  omitCases(() => db.prisma);

  it("keeps the data when the last client closes and the directory is opened again", async () => {
    const before = await db.prisma.user.count();
    expect(before).toBeGreaterThan(0);
    await db.prisma.$disconnect(); // the last lease: the instance is closed
    const reopened = createPrismaClient(db.dbConfig);
    try {
      expect(await reopened.user.count()).toBe(before);
      expect((await applyMigrations(db.dbConfig)).applied).toEqual([]);
    } finally {
      await reopened.$disconnect();
    }
  });
});

it("rolls a failing migration back entirely on PGlite too", async () => {
  const broken = await createTestDatabase({ mode: "pglite", migrate: false });
  const migrationsDir = await fs.mkdtemp(path.join(os.tmpdir(), "registry-migrations-"));
  try {
    await fs.cp(defaultMigrationsDir, migrationsDir, { recursive: true });
    await fs.mkdir(path.join(migrationsDir, "29991231000000_broken"));
    await fs.writeFile(
      path.join(migrationsDir, "29991231000000_broken", "migration.sql"),
      `CREATE TABLE "HalfDone" ("id" INTEGER);\nSELECT 1 / 0;\n`,
    );
    const failure = applyMigrations(broken.dbConfig, { migrationsDir });
    await expect(failure).rejects.toBeInstanceOf(MigrationError);
    await expect(failure).rejects.toThrow(/division by zero/);
    const [halfDone] = await broken.prisma.$queryRaw<{ t: string | null }[]>`SELECT to_regclass('"HalfDone"')::text AS t`;
    expect(halfDone).toEqual({ t: null });
    const failed = await broken.prisma.$queryRaw<{ finished_at: Date | null }[]>`
      SELECT "finished_at" FROM "_prisma_migrations" WHERE "migration_name" = '29991231000000_broken'`;
    expect(failed).toEqual([{ finished_at: null }]);
  } finally {
    await fs.rm(migrationsDir, { recursive: true, force: true });
    await broken.drop();
  }
});

describe("embedded PGlite across processes", () => {
  it("refuses a second process on the same directory, and takes over a lock left by a dead one", async () => {
    const { spawnSync } = await import("node:child_process");
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), "pglite-lock-"));
    const dbDir = path.join(dir, "db");
    const client = createPrismaClient({ kind: "pglite", dir: dbDir });
    try {
      await client.$queryRawUnsafe("SELECT 1");
      expect((await fs.readFile(`${dbDir}.lock`, "utf8")).trim()).toBe(String(process.pid));
      const script = `import { createPrismaClient } from "./lib/db/client.ts";
        const c = createPrismaClient({ kind: "pglite", dir: ${JSON.stringify(dbDir)} });
        try { await c.$queryRawUnsafe("SELECT 1"); console.log("opened"); } catch (e) { console.log(String(e?.message ?? e)); }`;
      const other = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { encoding: "utf8", cwd: path.resolve(import.meta.dirname, "../../..") });
      expect(other.stdout).toContain(`in use by process ${process.pid}`);
      expect(other.stdout).not.toContain("opened");
    } finally {
      await client.$disconnect();
    }
    await expect(fs.access(`${dbDir}.lock`)).rejects.toThrow();

    // A crashed process leaves its pid behind; a pid that is not alive does not keep the database locked.
    await fs.writeFile(`${dbDir}.lock`, "999999999");
    const again = createPrismaClient({ kind: "pglite", dir: dbDir });
    await again.$queryRawUnsafe("SELECT 1");
    await again.$disconnect();
    await fs.rm(dir, { recursive: true, force: true });
  }, 120_000);
});
