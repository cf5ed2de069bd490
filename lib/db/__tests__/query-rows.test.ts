// queryRows, the hot path's way around Prisma's query pipeline: on Postgres it reads through the
// client's own pg pool, and it must give the same values as $queryRaw, stay inside a transaction when
// handed one, and follow the client's connect/disconnect.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../testing/db.ts";
import { createPrismaClient, queryRows } from "../client.ts";

const SQL = `SELECT t."id", t."scopes", t."expiresAt", t."revokedAt", u."email", u."role"::text AS role
             FROM "ApiToken" t JOIN "User" u ON u."id" = t."userId" WHERE t."name" = $1`;

describe.each(["auto", "pglite"] as const)("queryRows (%s)", (mode) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase({ mode });
    const user = await db.prisma.user.create({ data: { email: "reader@example.com", name: "Reader", role: "viewer" } });
    await db.prisma.apiToken.create({
      data: { userId: user.id, name: "ci", prefix: "mr_abcdefgh", hash: "a".repeat(64), scopes: ["read", "write"], expiresAt: new Date("2030-01-02T03:04:05.678Z") },
    });
  });
  afterAll(async () => db?.drop());

  it("returns what $queryRawUnsafe returns: Dates, arrays, nulls, strings", async () => {
    const rows = await queryRows<Record<string, unknown>>(db.prisma, SQL, ["ci"]);
    expect(rows).toEqual(await db.prisma.$queryRawUnsafe(SQL, "ci"));
    expect(rows).toEqual([
      { id: expect.any(String), scopes: ["read", "write"], expiresAt: new Date("2030-01-02T03:04:05.678Z"), revokedAt: null, email: "reader@example.com", role: "viewer" },
    ]);
    expect(await queryRows(db.prisma, SQL, ["no such token"])).toEqual([]);
  });

  it("reads inside the transaction it is given", async () => {
    const seen = await db.prisma.$transaction(async (tx) => {
      await tx.apiToken.updateMany({ where: { name: "ci" }, data: { revokedAt: new Date("2026-01-01T00:00:00Z") } });
      const [inside] = await queryRows<{ revokedAt: Date | null }>(tx, SQL, ["ci"]);
      // PGlite is one session: a query outside the transaction would wait for it to end.
      const [outside] = db.isRealPostgres ? await queryRows<{ revokedAt: Date | null }>(db.prisma, SQL, ["ci"]) : [];
      return { inside: inside!.revokedAt, outside: outside?.revokedAt };
    });
    expect(seen.inside).toEqual(new Date("2026-01-01T00:00:00Z"));
    if (db.isRealPostgres) expect(seen.outside).toBeNull();
    await db.prisma.apiToken.updateMany({ where: { name: "ci" }, data: { revokedAt: null } });
  });

  it("works on a client that has not connected yet and again after a disconnect", async () => {
    const client = createPrismaClient(db.dbConfig);
    try {
      expect(await queryRows(client, SQL, ["ci"])).toHaveLength(1);
      await client.$disconnect();
      expect(await queryRows(client, SQL, ["ci"])).toHaveLength(1);
    } finally {
      await client.$disconnect();
    }
  });
});
