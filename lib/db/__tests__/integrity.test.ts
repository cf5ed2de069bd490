// Immutability triggers and password-hash omission against real PostgreSQL (see pglite.test.ts for
// the embedded mode).
import { afterAll, beforeAll, describe } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../testing/db.ts";
import { immutabilityCases, omitCases } from "./cases.ts";

describe("database integrity (PostgreSQL server; PGlite where none answers)", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  immutabilityCases(() => db.prisma);
  omitCases(() => db.prisma);
});
