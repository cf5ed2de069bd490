// `npm run db:migrate`                 applies pending migrations to the configured database
// `npm run db:migrate -- create <name>` writes prisma/migrations/<timestamp>_<name>/migration.sql
//                                      from the difference between the migrations and schema.prisma
import { getConfig } from "../config/index.ts";
import { applyMigrations, createMigration } from "./migrate.ts";

const usage = "usage: tsx lib/db/migrate-cli.ts [apply] | create <name>";

async function main(args: string[]): Promise<number> {
  const [command = "apply", ...rest] = args;
  if (command === "apply" && rest.length === 0) {
    const db = getConfig().database;
    const where = db.kind === "postgres" ? redactPassword(db.url) : `PGlite at ${db.dir}`;
    const result = await applyMigrations(db, { log: (m) => console.log(m) });
    const summary = result.applied.length
      ? `applied ${result.applied.length} migration(s): ${result.applied.join(", ")}`
      : "database is up to date";
    console.log(`${where}: ${summary} (${Math.round(result.durationMs)} ms)`);
    return 0;
  }
  if (command === "create" && rest.length === 1) {
    const created = await createMigration(rest[0]!);
    if (!created) {
      console.log("schema.prisma matches the migrations: nothing to write");
      return 0;
    }
    console.log(`wrote ${created.dir}/migration.sql\n\n${created.sql}`);
    console.log("Review it (add hand-written SQL if needed) and commit it with the schema change.");
    return 0;
  }
  console.error(usage);
  return 2;
}

function redactPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "postgres";
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
