// The model page's per-day decision counts, against real Postgres: decisions are written at chosen
// times (ids carry their time, as the ledger writes them), and the window, the UTC day buckets, the
// per-version split and the model filter are checked by counting by hand here.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { envelopeForm } from "../../api/__tests__/envelope-fixture.ts";
import { createUser } from "../../auth/users.ts";
import { roleScopes, type Actor } from "../../auth/roles.ts";
import { sampleEnvelope } from "../../checks/testing/sample-envelope.ts";
import { parseConfig } from "../../config/index.ts";
import { createModel } from "../../registry/models.ts";
import { uploadVersion } from "../../registry/upload-version.ts";
import { closeServices, createServices, type Services } from "../../server/services.ts";
import { createTestDatabase, type TestDatabase } from "../../testing/db.ts";
import { countDecisionsByDay } from "../count-decisions.ts";
import { newDecisionId } from "../decision-id.ts";
import { insertDecisions, type DecisionRecord } from "../insert-decisions.ts";

let db: TestDatabase;
let services: Services;
let dataDir: string;
let owner: Actor;
const versions: Record<string, { id: string; modelId: string; digest: string }> = {};

async function upload(model: string, version: string) {
  const env = sampleEnvelope(model, version, { rows: 50 });
  const request = new Request("http://registry.test/upload", { method: "POST", body: envelopeForm(env.manifest, env.files) });
  const result = await uploadVersion(services, { actor: owner, model, contentType: request.headers.get("content-type"), contentLength: null, body: request.body });
  const row = await services.prisma.modelVersion.findUniqueOrThrow({ where: { id: result.versionId }, select: { modelId: true } });
  versions[`${model}@${version}`] = { id: result.versionId, modelId: row.modelId, digest: result.version.manifestDigest };
}

function record(key: string, at: Date): DecisionRecord {
  const v = versions[key]!;
  return {
    id: newDecisionId(at),
    at,
    modelId: v.modelId,
    versionId: v.id,
    manifestDigest: v.digest,
    source: "reported",
    inputDigest: "0".repeat(64),
    inputRetention: "digest",
    input: null,
    redactedFields: [],
    output: { label: 1 },
    score: 0.9,
    latencyMs: null,
    actorType: "user",
    actorId: owner.id,
    credential: null,
    requestId: null,
    clientId: null,
    batchId: null,
    metadata: null,
  };
}

const at = (iso: string) => new Date(iso);

beforeAll(async () => {
  db = await createTestDatabase();
  dataDir = mkdtempSync(path.join(os.tmpdir(), "registry-count-decisions-"));
  const config = parseConfig({ DATA_DIR: dataDir, ...(db.url ? { DATABASE_URL: db.url } : {}), REGISTRY_ADMIN_PASSWORD: "admin-password-for-tests", CHECK_WORKER_IN_PROCESS: "false", LOG_LEVEL: "warn" });
  await db.prisma.$disconnect();
  services = await createServices(config, { announce: false, worker: false });
  const user = await createUser(services.prisma, { actor: { type: "system", id: "test" } as never, email: "owner@count.example", name: "owner", role: "contributor" });
  owner = { type: "user", id: user.id, email: user.email, role: "contributor", scopes: [...roleScopes.contributor], tokenId: "owner-token" };
  for (const model of ["counted", "elsewhere"]) await createModel(services.prisma, { actor: owner, name: model });
  await upload("counted", "1.0.0");
  await upload("counted", "1.1.0");
  await upload("elsewhere", "1.0.0");
  await insertDecisions(services.prisma, [
    // Before the window (the last millisecond of the day before its first day): not counted.
    record("counted@1.0.0", at("2026-02-28T23:59:59.999Z")),
    // The window's first day, its first millisecond: counted on 03-01.
    record("counted@1.0.0", at("2026-03-01T00:00:00.000Z")),
    record("counted@1.0.0", at("2026-03-01T13:00:00.000Z")),
    record("counted@1.1.0", at("2026-03-01T23:59:59.999Z")),
    record("counted@1.1.0", at("2026-03-15T08:00:00.000Z")),
    record("counted@1.1.0", at("2026-03-30T10:00:00.000Z")),
    // Today (now is 03-30 12:00), later than now but before midnight: counted.
    record("counted@1.1.0", at("2026-03-30T23:00:00.000Z")),
    // Tomorrow: outside the window.
    record("counted@1.1.0", at("2026-03-31T00:00:00.000Z")),
    // Another model's decisions in the window: never counted for this one.
    record("elsewhere@1.0.0", at("2026-03-15T08:00:00.000Z")),
  ]);
}, 120_000);

afterAll(async () => {
  if (services) await closeServices(services);
  await db?.drop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("countDecisionsByDay", () => {
  it("counts each version's decisions per UTC day over the window ending today, and nothing outside it", async () => {
    const counts = await countDecisionsByDay(services.prisma, { model: "counted", days: 30, now: at("2026-03-30T12:00:00Z") });
    expect(counts.from).toBe("2026-03-01T00:00:00.000Z");
    expect(counts.to).toBe("2026-03-31T00:00:00.000Z");
    expect(counts.days).toHaveLength(30);
    expect([counts.days[0], counts.days[14], counts.days[29]]).toEqual(["2026-03-01", "2026-03-15", "2026-03-30"]);
    // The days with decisions, per version.
    const series = (version: string) => {
      const { counts: perDay } = counts.versions.find((v) => v.version === version)!;
      return Object.fromEntries(counts.days.map((d, i) => [d, perDay[i]]).filter(([, n]) => n));
    };
    // Most decisions first.
    expect(counts.versions.map((v) => [v.version, v.total])).toEqual([
      ["1.1.0", 4],
      ["1.0.0", 2],
    ]);
    expect(series("1.0.0")).toEqual({ "2026-03-01": 2 });
    expect(series("1.1.0")).toEqual({ "2026-03-01": 1, "2026-03-15": 1, "2026-03-30": 2 });
    expect(counts.total).toBe(6);
  });

  it("narrows to the last N days, and says nothing for a model without decisions in them", async () => {
    const week = await countDecisionsByDay(services.prisma, { model: "counted", days: 7, now: at("2026-03-30T12:00:00Z") });
    expect(week.days).toEqual(["2026-03-24", "2026-03-25", "2026-03-26", "2026-03-27", "2026-03-28", "2026-03-29", "2026-03-30"]);
    expect(week.versions.map((v) => [v.version, v.total])).toEqual([["1.1.0", 2]]);
    const quiet = await countDecisionsByDay(services.prisma, { model: "elsewhere", days: 30, now: at("2026-05-01T00:00:00Z") });
    expect([quiet.total, quiet.versions]).toEqual([0, []]);
  });

  it("refuses a model that does not exist", async () => {
    await expect(countDecisionsByDay(services.prisma, { model: "no-such-model" })).rejects.toMatchObject({ code: "model_not_found" });
  });
});
