// createTestDatabase copies a migrated template instead of migrating each database: the copies must be
// fully migrated, independent of each other, and the template must stay closed to connections.
import fs from "node:fs/promises";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { defaultMigrationsDir } from "../../db/migrate.ts";
import { createTestDatabase, isPostgresAvailable, migrationsHash, testDatabaseAdminUrl, type TestDatabase } from "../db.ts";

const migrationNames = (await fs.readdir(defaultMigrationsDir, { withFileTypes: true }))
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

describe.each(["auto", "pglite"] as const)("createTestDatabase (%s)", (mode) => {
  const databases: TestDatabase[] = [];
  afterAll(async () => {
    await Promise.all(databases.map((db) => db.drop()));
  });

  it("gives independent databases with every migration applied, and empty ones on request", async () => {
    const [a, b, empty] = await Promise.all([
      createTestDatabase({ mode }),
      createTestDatabase({ mode }),
      createTestDatabase({ mode, migrate: false }),
    ]);
    databases.push(a, b, empty);
    for (const db of [a, b]) {
      const rows = await db.prisma.$queryRaw<{ migration_name: string; finished_at: Date | null }[]>`
        SELECT "migration_name", "finished_at" FROM "_prisma_migrations" ORDER BY "migration_name"`;
      expect(rows.map((r) => r.migration_name)).toEqual(migrationNames);
      expect(rows.every((r) => r.finished_at instanceof Date)).toBe(true);
    }
    await a.prisma.model.create({ data: { name: "only-in-a" } });
    expect(await b.prisma.model.count()).toBe(0);
    const [tables] = await empty.prisma.$queryRaw<{ n: number }[]>`
      SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'`;
    expect(tables).toEqual({ n: 0 });
  });
});

describe.runIf(await isPostgresAvailable())("the Postgres template", () => {
  it("is named by the migrations' hash and refuses connections", async () => {
    const db = await createTestDatabase(); // makes sure the template exists
    await db.drop();
    const admin = new pg.Client({ connectionString: testDatabaseAdminUrl() });
    await admin.connect();
    try {
      const { rows } = await admin.query<{ datistemplate: boolean; datallowconn: boolean }>(
        "SELECT datistemplate, datallowconn FROM pg_database WHERE datname = $1",
        [`registry_tmpl_${await migrationsHash()}`],
      );
      expect(rows).toEqual([{ datistemplate: true, datallowconn: false }]);
    } finally {
      await admin.end();
    }
  });
});
