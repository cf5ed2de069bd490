import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { defaultMigrationsDir } from "../migrate.ts";
import { splitSqlStatements } from "../sql-script.ts";

describe("splitSqlStatements", () => {
  it("splits on top-level semicolons and drops empty and comment-only parts", () => {
    expect(splitSqlStatements("SELECT 1; SELECT 2;;\n-- only a comment;\n/* and; another */ ;SELECT 3")).toEqual([
      "SELECT 1",
      "SELECT 2",
      "SELECT 3",
    ]);
  });

  it("keeps semicolons inside strings, identifiers and comments", () => {
    const script = [
      `INSERT INTO t VALUES ('a;b', 'it''s; fine', E'esc\\';aped')`,
      `CREATE TABLE "odd;name" ("x;y" int)`,
      `SELECT 1 -- trailing; comment\n + 1`,
      `SELECT /* outer /* nested; */ still; comment */ 2`,
    ];
    expect(splitSqlStatements(script.join(";\n") + ";")).toEqual(script);
  });

  it("keeps dollar-quoted bodies whole, with or without a tag, and ignores $1 parameters", () => {
    const fn = `CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $body$
BEGIN
  PERFORM $$quoted; text$$;
  RAISE EXCEPTION 'no; way';
END;
$body$`;
    const plain = `DO $$ BEGIN PERFORM 1; END $$`;
    const param = `SELECT $1, a$b FROM t`;
    expect(splitSqlStatements(`${fn};\n${plain};\n${param};`)).toEqual([fn, plain, param]);
  });

  it("splits the real migrations without cutting their trigger functions apart", () => {
    const dirs = fs.readdirSync(defaultMigrationsDir, { withFileTypes: true }).filter((d) => d.isDirectory());
    const init = fs.readFileSync(path.join(defaultMigrationsDir, dirs[0]!.name, "migration.sql"), "utf8");
    const statements = splitSqlStatements(init);
    const functions = statements.filter((s) => s.startsWith("CREATE FUNCTION"));
    expect(functions).toHaveLength(2);
    for (const fn of functions) expect(fn).toMatch(/\$\$\s*BEGIN[\s\S]*END;\s*\$\$$/);
    expect(statements.filter((s) => s.startsWith("CREATE TRIGGER"))).toHaveLength(9);
  });
});
