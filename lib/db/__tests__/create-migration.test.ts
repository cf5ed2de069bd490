// createMigration diffs the migrations against schema.prisma in in-memory PGlite shadow databases,
// so these tests need no database server.
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createTestDatabase } from "../../testing/db.ts";
import { applyMigrations, createMigration, defaultMigrationsDir, defaultSchemaPath } from "../migrate.ts";

const tempDirs: string[] = [];
async function tempDir(prefix: string): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}
async function copyOfMigrations(): Promise<string> {
  const dir = await tempDir("registry-migrations-");
  await fs.cp(defaultMigrationsDir, dir, { recursive: true });
  return dir;
}

afterEach(async () => {
  await Promise.all(tempDirs.splice(0).map((dir) => fs.rm(dir, { recursive: true, force: true })));
});

describe("createMigration", () => {
  it("finds nothing to do: prisma/migrations matches schema.prisma", async () => {
    // If this fails, someone changed schema.prisma without `npm run db:migrate -- create <name>`.
    const migrationsDir = await copyOfMigrations();
    const before = await fs.readdir(migrationsDir);
    expect(await createMigration("drift_check", { migrationsDir })).toBeNull();
    expect(await fs.readdir(migrationsDir)).toEqual(before);
  });

  it("writes the SQL for a schema change as a new migration that then applies", async () => {
    const migrationsDir = await copyOfMigrations();
    const schemaPath = path.join(await tempDir("registry-schema-"), "schema.prisma");
    const schema = await fs.readFile(defaultSchemaPath, "utf8");
    await fs.writeFile(schemaPath, `${schema}\nmodel Widget {\n  id   Int    @id\n  name String @unique\n}\n`);

    const created = await createMigration("Add Widget!", {
      migrationsDir,
      schemaPath,
      now: new Date("2999-01-02T03:04:05Z"),
    });
    expect(created?.name).toBe("29990102030405_add_widget");
    expect(created?.sql).toMatch(/CREATE TABLE "Widget"/);
    expect(created?.sql).not.toMatch(/DROP (TRIGGER|FUNCTION)/); // hand-written SQL is left alone
    expect(await fs.readFile(path.join(migrationsDir, created!.name, "migration.sql"), "utf8")).toBe(created!.sql);

    const db = await createTestDatabase({ migrate: false });
    try {
      const result = await applyMigrations(db.dbConfig, { migrationsDir });
      expect(result.applied.at(-1)).toBe("29990102030405_add_widget");
      await db.prisma.$executeRaw`INSERT INTO "Widget" ("id", "name") VALUES (1, 'w')`;
    } finally {
      await db.drop();
    }
  });

  it("starts a migrations directory from scratch, lockfile included", async () => {
    const migrationsDir = path.join(await tempDir("registry-migrations-"), "migrations");
    const created = await createMigration("init", { migrationsDir, now: new Date("2000-01-01T00:00:00Z") });
    expect(created?.name).toBe("20000101000000_init");
    expect(created?.sql).toMatch(/CREATE TABLE "AuditEvent"/);
    expect(await fs.readFile(path.join(migrationsDir, "migration_lock.toml"), "utf8")).toMatch(
      /provider = "postgresql"/,
    );
  });
});
