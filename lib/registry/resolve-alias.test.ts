// Aliases have no write API until promotions exist, so the hot-path SQL is tested on rows made here.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppError } from "../errors/app-error.ts";
import { createTestDatabase, type TestDatabase } from "../testing/db.ts";
import { resolveAlias } from "./versions.ts";

describe.each(["auto", "pglite"] as const)("resolveAlias (%s)", (mode) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase({ mode });
    const model = await db.prisma.model.create({ data: { name: "credit-risk" } });
    await db.prisma.model.create({ data: { name: "no-aliases" } });
    const version = await db.prisma.modelVersion.create({
      data: { modelId: model.id, version: "1.4.0", major: 1, minor: 4, patch: 0, manifest: {}, manifestDigest: "d".repeat(64), stage: "prod" },
    });
    await db.prisma.alias.create({ data: { modelId: model.id, name: "prod", versionId: version.id } });
  });
  afterAll(async () => db?.drop());

  it("returns the version an alias points to", async () => {
    const resolved = await resolveAlias(db.prisma, "credit-risk", "prod");
    expect(resolved).toEqual({
      model: "credit-risk",
      alias: "prod",
      version: "1.4.0",
      manifestDigest: "d".repeat(64),
      stage: "prod",
      updatedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
  });

  it.each([
    ["credit-risk", "staging", "alias_not_found"],
    ["no-aliases", "prod", "alias_not_found"],
    ["missing", "prod", "model_not_found"],
    ["credit-risk", "prod' OR '1'='1", "alias_not_found"],
  ])("%s/%s → %s", async (model, alias, code) => {
    await expect(resolveAlias(db.prisma, model, alias)).rejects.toSatisfy((e: unknown) => e instanceof AppError && e.code === code);
  });
});
