// Used by the Prisma CLI where it is available (e.g. `prisma migrate deploy` on a machine that can
// download the schema engine). The registry itself never needs the CLI at run time.
import { defineConfig } from "prisma/config";

export default defineConfig({
  schema: "schema.prisma",
  migrations: { path: "migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://localhost:5432/registry" },
});
