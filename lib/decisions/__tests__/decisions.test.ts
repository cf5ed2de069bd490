// Predict, the ledger, lineage as of a decision, replay and reported decisions, against real
// Postgres, the filesystem object store and onnxruntime, through the services the API calls. Models
// are real ONNX files (a logistic regression built in TypeScript); every output is checked against
// the same logistic computed in float64 here, not by the runtime. Check verdicts are chosen by the
// test (the checks themselves are tested in lib/checks), promotions go through the real workflow.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { envelopeForm } from "../../api/__tests__/envelope-fixture.ts";
import { listAuditEvents } from "../../audit/list-events.ts";
import { createUser } from "../../auth/users.ts";
import { roleScopes, type Actor, type Role } from "../../auth/roles.ts";
import { sampleEnvelope, sampleModel } from "../../checks/testing/sample-envelope.ts";
import { logisticProbability } from "../../checks/testing/onnx-builders.ts";
import { parseConfig } from "../../config/index.ts";
import { createModel } from "../../registry/models.ts";
import { uploadVersion } from "../../registry/upload-version.ts";
import { decidePromotion } from "../../promotion/decide-promotion.ts";
import { requestPromotion } from "../../promotion/request-promotion.ts";
import { rollbackStage } from "../../promotion/rollback.ts";
import { closeServices, createServices, type Services } from "../../server/services.ts";
import { createTestDatabase, type TestDatabase } from "../../testing/db.ts";
import { COMPLETE_CARD, finishChecks, refused } from "../../testing/workflow-fixtures.ts";
import { timeOfDecisionId } from "../decision-id.ts";
import { getDecision } from "../get-decision.ts";
import { inputDigest } from "../input-digest.ts";
import { listDecisions } from "../list-decisions.ts";
import { predict } from "../predict.ts";
import { replayDecision } from "../replay-decision.ts";
import { reportDecisions } from "../report-decisions.ts";
import { createReplayJob } from "../create-replay-job.ts";
import { getReplayJob } from "../get-replay-job.ts";
import { runNextReplayJob } from "../run-replay-jobs.ts";
import { ServingModels } from "../serving-models.ts";
import { rerunChecks } from "../../checks/request-checks.ts";

let db: TestDatabase;
let services: Services;
let dataDir: string;
const people: Record<string, Actor> = {};

async function person(key: string, role: Role): Promise<Actor> {
  const user = await createUser(services.prisma, { actor: { type: "system", id: "test" } as never, email: `${key}@dec.example`, name: key, role });
  people[key] = { type: "user", id: user.id, email: user.email, role, scopes: [...roleScopes[role]], tokenId: `${key}-token` };
  return people[key]!;
}

/** Uploads the sample logistic model (weights can be changed so versions answer differently). */
async function upload(model: string, version: string, { bias = sampleModel.bias as number }: { bias?: number } = {}) {
  const env = sampleEnvelope(model, version, { rows: 200 });
  env.files["MODEL_CARD.md"] = Buffer.from(COMPLETE_CARD);
  if (bias !== sampleModel.bias) {
    const { buildLinearClassifier } = await import("../../checks/testing/onnx-builders.ts");
    env.files["model.onnx"] = Buffer.from(buildLinearClassifier({ features: [...sampleModel.features], weights: [...sampleModel.weights], bias }));
    // The test vectors were computed for the sample bias; this version's own are not needed here.
    delete env.files["test_vectors.json"];
    delete (env.manifest as Record<string, unknown>).testVectors;
  }
  const request = new Request("http://registry.test/upload", { method: "POST", body: envelopeForm(env.manifest, env.files) });
  const result = await uploadVersion(services, { actor: people.owner!, model, contentType: request.headers.get("content-type"), contentLength: null, body: request.body });
  return { id: result.versionId, digest: result.version.manifestDigest };
}

async function toProd(model: string, version: string, v: { id: string; digest: string }) {
  await finishChecks(services, v.id);
  expect((await requestPromotion(services, { actor: people.owner!, model, version, to: "staging", reason: "ship" })).status).toBe("promoted");
  const r = await requestPromotion(services, { actor: people.owner!, model, version, to: "prod", reason: `ship ${version}` });
  await decidePromotion(services.prisma, { actor: people.r1!, id: r.id, decision: "approve", comment: "fine", manifestDigest: v.digest });
  expect((await decidePromotion(services.prisma, { actor: people.r2!, id: r.id, decision: "approve", comment: "agreed", manifestDigest: v.digest })).status).toBe("promoted");
}

const count = () => services.prisma.decision.count();
const p = (a: number, b: number, bias: number = sampleModel.bias) => logisticProbability([a, b], sampleModel.weights, bias);
const jsonl = (lines: unknown[]) => Readable.from([lines.map((l) => (typeof l === "string" ? l : JSON.stringify(l))).join("\n") + "\n"]);

beforeAll(async () => {
  db = await createTestDatabase();
  dataDir = mkdtempSync(path.join(os.tmpdir(), "registry-decisions-"));
  const config = parseConfig({ DATA_DIR: dataDir, ...(db.url ? { DATABASE_URL: db.url } : {}), REGISTRY_ADMIN_PASSWORD: "admin-password-for-tests", CHECK_WORKER_IN_PROCESS: "false", LOG_LEVEL: "warn", PREDICT_TARGET_CACHE_MS: "0" });
  await db.prisma.$disconnect();
  services = await createServices(config, { announce: false, worker: false });
  await person("owner", "contributor");
  await person("other", "contributor");
  await person("r1", "reviewer");
  await person("r2", "reviewer");
  await person("auditor", "auditor");
  await person("viewer", "viewer");
  await createModel(services.prisma, { actor: people.owner!, name: "scorer" });
}, 120_000);

afterAll(async () => {
  if (services) await closeServices(services);
  await db?.drop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("predict", () => {
  it("refuses rows that break the schema with row and field errors, and records nothing", async () => {
    const v = await upload("scorer", "0.1.0");
    await finishChecks(services, v.id);
    const before = await count();
    const error = await refused(
      predict(services.decisions, {
        actor: people.owner!,
        model: "scorer",
        version: "0.1.0",
        rows: [{ score_a: 0.5, score_b: 0.5 }, { score_a: "high", score_b: 0.5 }, { score_a: 2, score_b: null }, { score_a: 0.1, score_b: 0.1, extra: 1 }, 7],
      }),
    );
    expect([error.kind, error.code]).toEqual(["unprocessable", "invalid_rows"]);
    expect(error.errors).toEqual([
      { path: "rows.1.score_a", message: 'expected a finite number, got the string "high"' },
      { path: "rows.2.score_a", message: "2 is above the schema's maximum 1" },
      { path: "rows.2.score_b", message: "missing; this feature is not nullable in the input schema" },
      { path: "rows.3.extra", message: "'extra' is not a feature of this version's input schema" },
      { path: "rows.4", message: "a row is an object of feature values" },
    ]);
    expect(await count()).toBe(before);
    const tooMany = await refused(predict(services.decisions, { actor: people.owner!, model: "scorer", version: "0.1.0", rows: Array(1001).fill({ score_a: 0, score_b: 0 }) }));
    expect(tooMany.code).toBe("too_many_rows");
    expect(await count()).toBe(before);
  });

  it("runs only versions whose security and validation checks passed, and only for those allowed", async () => {
    const v = await upload("scorer", "0.2.0");
    const unchecked = await refused(predict(services.decisions, { actor: people.owner!, model: "scorer", version: "0.2.0", rows: [{ score_a: 0.5, score_b: 0.5 }] }));
    expect([unchecked.code, unchecked.message]).toEqual(["checks_not_passed", expect.stringMatching(/security: not finished, validation: not finished/)]);
    await finishChecks(services, v.id, { security: "fail" });
    expect((await refused(predict(services.decisions, { actor: people.owner!, model: "scorer", version: "0.2.0", rows: [{ score_a: 0.5, score_b: 0.5 }] }))).message).toMatch(/security: fail/);
    // A version that is not behind prod or staging is its owners' (and admins') to run.
    for (const who of ["viewer", "other", "auditor"]) {
      const e = await refused(predict(services.decisions, { actor: people[who]!, model: "scorer", version: "0.1.0", rows: [{ score_a: 0.5, score_b: 0.5 }] }));
      expect([who, e.kind]).toEqual([who, "forbidden"]);
    }
    expect((await refused(predict(services.decisions, { actor: people.viewer!, model: "scorer", alias: "champion", rows: [{ score_a: 0.5, score_b: 0.5 }] }))).code).toBe("alias_not_found");
    expect((await refused(predict(services.decisions, { actor: people.viewer!, model: "scorer", rows: [{ score_a: 0.5, score_b: 0.5 }] }))).code).toBe("alias_not_found");
    expect(await count()).toBe(0);
  });

  it("answers the model's outputs for each row and has every decision in the ledger before it answers", async () => {
    const rows = [
      { score_a: 0.2, score_b: 0.5 },
      { score_a: 0.8, score_b: 0.5 },
      { score_a: 0.55, score_b: 0.9 },
    ];
    const result = await predict(services.decisions, { actor: people.owner!, model: "scorer", version: "0.1.0", rows, requestId: "loan-81733", metadata: { channel: "web" } });
    expect(result.version).toBe("0.1.0");
    expect(result.decisions).toHaveLength(3);
    result.decisions.forEach((d, i) => {
      const expected = p(rows[i]!.score_a, rows[i]!.score_b);
      expect(d.score).toBeCloseTo(expected, 6);
      expect(d.output.label).toBe(expected >= 0.5 ? 1 : 0);
      expect((d.output.probabilities as number[])[1]).toBeCloseTo(expected, 6);
      expect(timeOfDecisionId(d.id)!.getTime()).toBeLessThanOrEqual(Date.now());
    });
    // Committed before the promise resolved: another connection's count sees them at once.
    const stored = await services.prisma.decision.findMany({ where: { requestId: "loan-81733" }, orderBy: { id: "asc" } });
    expect(stored.map((s) => s.id)).toEqual(result.decisions.map((d) => d.id).sort());
    expect(stored[0]).toMatchObject({ source: "predict", manifestDigest: result.manifestDigest, inputRetention: "full", metadata: { channel: "web" }, credential: "token:owner-token" });
    expect(stored.find((s) => s.id === result.decisions[0]!.id)!.inputDigest).toBe(inputDigest(services.decisions.inputKey, rows[0]!));
    // The HMAC is keyed: a plain hash of the same input is not it, and key order does not matter.
    expect(inputDigest(services.decisions.inputKey, { score_b: 0.5, score_a: 0.2 })).toBe(inputDigest(services.decisions.inputKey, rows[0]!));
    expect(inputDigest(Buffer.alloc(32, 1), rows[0]!)).not.toBe(inputDigest(services.decisions.inputKey, rows[0]!));
  });

  it("group-commits concurrent requests: every one is stored, in fewer writes than requests", async () => {
    const before = { ...services.decisions.ledger.stats };
    const n = 40;
    const results = await Promise.all(
      Array.from({ length: n }, (_, i) => predict(services.decisions, { actor: people.owner!, model: "scorer", version: "0.1.0", rows: [{ score_a: i / n, score_b: 0.5 }], requestId: `burst-${i}` })),
    );
    const ids = results.map((r) => r.decisions[0]!.id);
    expect(await services.prisma.decision.count({ where: { id: { in: ids } } })).toBe(n);
    const writes = services.decisions.ledger.stats.writes - before.writes;
    expect(services.decisions.ledger.stats.rows - before.rows).toBe(n);
    expect(writes).toBeLessThan(n);
  });
});

describe("the ledger", () => {
  it("pages newest first and filters by model, version, time and request id", async () => {
    const all = await listDecisions(services.prisma, { model: "scorer", limit: 200 });
    expect(all.items.length).toBeGreaterThanOrEqual(43);
    const ids = all.items.map((d) => d.id);
    expect(ids).toEqual([...ids].sort().reverse());
    const first = await listDecisions(services.prisma, { model: "scorer", limit: 10 });
    const second = await listDecisions(services.prisma, { model: "scorer", limit: 10, cursor: first.nextCursor! });
    expect([...first.items, ...second.items].map((d) => d.id)).toEqual(ids.slice(0, 20));
    expect((await listDecisions(services.prisma, { requestId: "loan-81733", limit: 50 })).items).toHaveLength(3);
    const oldest = all.items[all.items.length - 1]!;
    const fromOldest = await listDecisions(services.prisma, { model: "scorer", from: oldest.at, to: new Date(new Date(oldest.at).getTime() + 1).toISOString(), limit: 200 });
    expect(fromOldest.items.map((d) => d.id)).toContain(oldest.id);
    expect(fromOldest.items.every((d) => d.at === oldest.at)).toBe(true);
    expect((await listDecisions(services.prisma, { model: "scorer", version: "0.2.0", limit: 10 })).items).toEqual([]);
    expect((await refused(listDecisions(services.prisma, { model: "nope", limit: 10 }))).code).toBe("model_not_found");
  });

  it("refuses to change or delete a decision (append-only)", async () => {
    const one = await services.prisma.decision.findFirstOrThrow();
    await expect(services.prisma.decision.update({ where: { id: one.id }, data: { score: 0 } })).rejects.toThrow(/append-only/);
    await expect(services.prisma.decision.delete({ where: { id: one.id } })).rejects.toThrow(/append-only/);
  });
});

describe("lineage as of the decision", () => {
  it("shows the stage, prod version and sign-offs at the decision's moment, not today's", async () => {
    await createModel(services.prisma, { actor: people.owner!, name: "lineage" });
    const v1 = await upload("lineage", "1.0.0");
    await toProd("lineage", "1.0.0", v1);
    const d1 = (await predict(services.decisions, { actor: people.viewer!, model: "lineage", rows: [{ score_a: 0.7, score_b: 0.2 }] })).decisions[0]!;
    const v2 = await upload("lineage", "2.0.0", { bias: -4 });
    await toProd("lineage", "2.0.0", v2);
    const d2 = (await predict(services.decisions, { actor: people.viewer!, model: "lineage", alias: "prod", rows: [{ score_a: 0.7, score_b: 0.2 }] })).decisions[0]!;
    expect(d2.score).toBeCloseTo(p(0.7, 0.2, -4), 6);
    await rollbackStage(services.prisma, { actor: people.r1!, model: "lineage", reason: "v2 drifted" });

    const before = await getDecision(services, { id: d2.id });
    expect(before.version).toMatchObject({ version: "2.0.0", stageNow: "archived", manifestDigest: v2.digest });
    expect(before.asOf).toMatchObject({ stage: "prod", prodVersion: "2.0.0" });
    expect(before.asOf.promotion!.approvals.map((a) => [a.user.email, a.decision, a.manifestDigest])).toEqual([
      ["r1@dec.example", "approve", v2.digest],
      ["r2@dec.example", "approve", v2.digest],
    ]);
    expect(before.asOf.checks.map((c) => [c.kind, c.verdict]).sort()).toEqual([
      ["adversarial", "pass"],
      ["fairness", "pass"],
      ["security", "pass"],
      ["validation", "pass"],
    ]);
    expect(before.version.signature.state).toBe("verified");
    expect(before.version.card!.text).toContain("## Intended use");

    const first = await getDecision(services, { id: d1.id });
    expect(first.asOf).toMatchObject({ stage: "prod", prodVersion: "1.0.0" });
    expect(first.version.stageNow).toBe("prod");
    // After the rollback, prod serves 1.0.0 again.
    const d3 = (await predict(services.decisions, { actor: people.viewer!, model: "lineage", rows: [{ score_a: 0.7, score_b: 0.2 }] })).decisions[0]!;
    expect((await getDecision(services, { id: d3.id })).decision.version).toBe("1.0.0");
    expect((await refused(getDecision(services, { id: "0190a6f0-0000-7000-8000-000000000000" }))).code).toBe("decision_not_found");
  });
});

describe("the serving target cache (PREDICT_TARGET_CACHE_MS)", () => {
  it("reuses what prod resolves to for its time, then sees a failed rerun and refuses", async () => {
    const cached = { ...services.decisions, servingModels: new ServingModels(services, { maxModels: 2, threads: 1, targetCacheMs: 1500 }) };
    const row = [{ score_a: 0.5, score_b: 0.5 }];
    expect((await predict(cached, { actor: people.viewer!, model: "lineage", rows: row })).version).toBe("1.0.0");
    await rerunChecks(services.prisma, { actor: people.owner!, model: "lineage", version: "1.0.0", kinds: ["security"], onChecksChanged: services.onChecksChanged });
    const v1 = await services.prisma.modelVersion.findFirstOrThrow({ where: { version: "1.0.0", model: { name: "lineage" } } });
    await finishChecks(services, v1.id, { security: "fail" });
    // Within the cache time the process still serves what it resolved (and records that version)…
    expect((await predict(cached, { actor: people.viewer!, model: "lineage", rows: row })).version).toBe("1.0.0");
    // …without it (and after it) the failed check is seen at once.
    expect((await refused(predict(services.decisions, { actor: people.viewer!, model: "lineage", rows: row }))).code).toBe("checks_not_passed");
    await new Promise((r) => setTimeout(r, 1600));
    expect((await refused(predict(cached, { actor: people.viewer!, model: "lineage", rows: row }))).code).toBe("checks_not_passed");
  });
});

describe("replay", () => {
  it("is identical on the unchanged version, and reports differences the runtime would introduce", async () => {
    const made = await predict(services.decisions, { actor: people.owner!, model: "scorer", version: "0.1.0", rows: [{ score_a: 0.61, score_b: 0.3 }] });
    const id = made.decisions[0]!.id;
    const same = await replayDecision(services.decisions, { actor: people.auditor!, id });
    expect(same.replay.outcome).toBe("identical");
    expect(same.replay.output).toEqual(made.decisions[0]!.output);
    expect(same.integrity).toEqual({ manifest: "verified", artifact: "verified", signature: "verified" });
    expect(same.tolerance).toEqual({ atol: 1e-5, rtol: 1e-4, source: "test_vectors.json" });

    // A runtime that answers a little (then a lot) differently: the comparison must notice.
    const nudge = (delta: number) => ({
      ...services.decisions,
      runModel: async (...args: Parameters<typeof services.decisions.runModel>) => {
        const out = await services.decisions.runModel(...args);
        const probabilities = out.outputs.probabilities!.data as Float64Array;
        return { ...out, outputs: { ...out.outputs, probabilities: { ...out.outputs.probabilities!, data: probabilities.map((x) => x + delta) } }, positiveScores: out.positiveScores!.map((x) => x + delta) };
      },
    });
    const close = await replayDecision(nudge(1e-7), { actor: people.auditor!, id });
    expect(close.replay.outcome).toBe("within_tolerance");
    expect(close.replay.maxAbsDiff).toBeCloseTo(1e-7, 9);
    const far = await replayDecision(nudge(0.01), { actor: people.auditor!, id });
    expect(far.replay.outcome).toBe("differs");
    expect(far.stored.score).toBe(made.decisions[0]!.score);
    expect(far.replay.score).toBeCloseTo(made.decisions[0]!.score! + 0.01, 9);

    const lineage = await getDecision(services, { id });
    expect(lineage.replays.map((r) => r.outcome)).toEqual(["differs", "within_tolerance", "identical"]);
    const audit = await listAuditEvents(services.prisma, { limit: 200, order: "desc", action: "decision.replayed" });
    expect(audit.items.filter((e) => e.subject.id === id)).toHaveLength(3);
  });

  it("needs the original input when only its digest is kept, and checks it against the digest", async () => {
    const digestOnly = { ...services.decisions, retention: { mode: "digest" as const, redactFields: [] } };
    const row = { score_a: 0.33, score_b: 0.66 };
    const made = await predict(digestOnly, { actor: people.owner!, model: "scorer", version: "0.1.0", rows: [row] });
    const stored = await services.prisma.decision.findUniqueOrThrow({ where: { id: made.decisions[0]!.id } });
    expect([stored.input, stored.inputRetention]).toEqual([null, "digest"]);
    expect((await refused(replayDecision(digestOnly, { actor: people.auditor!, id: stored.id }))).code).toBe("input_required");
    expect((await refused(replayDecision(digestOnly, { actor: people.auditor!, id: stored.id, input: { ...row, score_a: 0.34 } }))).code).toBe("input_digest_mismatch");
    const ok = await replayDecision(digestOnly, { actor: people.auditor!, id: stored.id, input: { score_b: 0.66, score_a: 0.33 } });
    expect([ok.replay.outcome, ok.replay.inputSource]).toEqual(["identical", "supplied"]);

    const redacting = { ...services.decisions, retention: { mode: "redacted" as const, redactFields: ["score_b"] } };
    const red = await predict(redacting, { actor: people.owner!, model: "scorer", version: "0.1.0", rows: [row] });
    expect(await services.prisma.decision.findUniqueOrThrow({ where: { id: red.decisions[0]!.id }, select: { input: true, redactedFields: true } })).toEqual({
      input: { score_a: 0.33 },
      redactedFields: ["score_b"],
    });
  });

  it("refuses, and audits the refusal, when the version's bytes no longer verify", async () => {
    await createModel(services.prisma, { actor: people.owner!, name: "tampered" });
    const v = await upload("tampered", "1.0.0", { bias: -4.5 });
    await finishChecks(services, v.id);
    const made = await predict(services.decisions, { actor: people.owner!, model: "tampered", version: "1.0.0", rows: [{ score_a: 0.5, score_b: 0.5 }] });
    const artifact = await services.prisma.versionFile.findFirstOrThrow({ where: { versionId: v.id, role: "artifact" } });
    const file = path.join(dataDir, "objects", "sha256", artifact.blobDigest.slice(0, 2), artifact.blobDigest);
    chmodSync(file, 0o644);
    writeFileSync(file, Buffer.alloc(Number(artifact.size), 7)); // disk corruption, same size
    const error = await refused(replayDecision(services.decisions, { actor: people.auditor!, id: made.decisions[0]!.id }));
    expect([error.kind, error.code]).toEqual(["conflict", "version_integrity_failed"]);
    expect(error.message).toMatch(/artifact's bytes do not verify/);
    const audit = await listAuditEvents(services.prisma, { limit: 5, order: "desc", action: "decision.replay_refused" });
    expect(audit.items[0]!.subject.id).toBe(made.decisions[0]!.id);
  });
});

describe("reported decisions", () => {
  const line = (digest: string, id: string, extra: Record<string, unknown> = {}) => ({
    id,
    manifestDigest: digest,
    at: "2026-11-30T10:00:00.000Z",
    input: { score_a: 0.4, score_b: 0.1 },
    output: { label: 0 },
    score: 0.2,
    ...extra,
  });

  it("keeps client ids apart per model: an id new for one model does not hide a conflicting re-use for another", async () => {
    const digest = (await services.prisma.modelVersion.findFirstOrThrow({ where: { version: "0.1.0", model: { name: "scorer" } } })).manifestDigest;
    await createModel(services.prisma, { actor: people.owner!, name: "scorer-twin" });
    await upload("scorer-twin", "1.0.0");
    const twin = (await services.prisma.modelVersion.findFirstOrThrow({ where: { version: "1.0.0", model: { name: "scorer-twin" } } })).manifestDigest;
    const before = await count();
    expect(await reportDecisions(services.decisions, { actor: people.owner!, contentType: "application/x-ndjson", body: jsonl([line(digest, "twin-1")]) })).toMatchObject({ stored: 1 });
    // twin-1 is new for scorer-twin, but scorer's twin-1 comes back with another output: refused, nothing stored.
    const reused = await refused(
      reportDecisions(services.decisions, { actor: people.owner!, contentType: "application/x-ndjson", body: jsonl([line(twin, "twin-1"), line(digest, "twin-1", { output: { label: 1 } })]) }),
    );
    expect([reused.code, reused.errors], JSON.stringify(reused)).toEqual(["decision_id_reused", [{ path: "lines.2.id", message: expect.any(String) }]]);
    expect(await count()).toBe(before + 1);
    // Both new: counted as two stored, not as a duplicate.
    expect(await reportDecisions(services.decisions, { actor: people.owner!, contentType: "application/x-ndjson", body: jsonl([line(twin, "twin-2"), line(digest, "twin-2")]) })).toMatchObject({
      received: 2,
      stored: 2,
      duplicates: 0,
    });
  });

  it("stores a batch all or nothing, names a bad line, and stores a re-sent decision once", async () => {
    const digest = (await services.prisma.modelVersion.findFirstOrThrow({ where: { version: "0.1.0", model: { name: "scorer" } } })).manifestDigest;
    const before = await count();
    const bad = await refused(
      reportDecisions(services.decisions, {
        actor: people.owner!,
        contentType: "application/x-ndjson",
        body: jsonl([line(digest, "a-1"), line(digest, "a-2", { input: { score_a: "x", score_b: 0.1 } }), line(digest, "a-3")]),
      }),
    );
    expect([bad.kind, bad.code, bad.errors]).toEqual(["unprocessable", "invalid_decision_line", [{ path: "lines.2.input.score_a", message: 'expected a finite number, got the string "x"' }]]);
    expect(await count()).toBe(before);
    expect((await refused(reportDecisions(services.decisions, { actor: people.owner!, contentType: "application/x-ndjson", body: jsonl([line(digest, "a-1"), "{not json"]) }))).errors![0]!.path).toBe("lines.2");
    expect((await refused(reportDecisions(services.decisions, { actor: people.owner!, contentType: "application/x-ndjson", body: jsonl([line("f".repeat(64), "a-1")]) }))).errors![0]!.path).toBe("lines.1.manifestDigest");
    expect((await refused(reportDecisions(services.decisions, { actor: people.other!, contentType: "application/x-ndjson", body: jsonl([line(digest, "a-1")]) }))).code).toBe("not_model_owner");
    expect(await count()).toBe(before);

    const batch = [line(digest, "a-1"), line(digest, "a-2", { requestId: "ext-9" }), line(`sha256:${digest}`, "a-3", { at: "2026-11-30T11:00:00+01:00" })];
    const ok = await reportDecisions(services.decisions, { actor: people.owner!, contentType: "application/x-ndjson", body: jsonl(batch) });
    expect(ok).toMatchObject({ received: 3, stored: 3, duplicates: 0 });
    const again = await reportDecisions(services.decisions, { actor: people.owner!, contentType: "application/jsonl", body: jsonl([...batch, line(digest, "a-4")]) });
    expect(again).toMatchObject({ received: 4, stored: 1, duplicates: 3 });
    expect(await count()).toBe(before + 4);
    const reused = await refused(reportDecisions(services.decisions, { actor: people.owner!, contentType: "application/x-ndjson", body: jsonl([line(digest, "a-1", { output: { label: 1 } })]) }));
    expect([reused.code, reused.errors![0]!.path]).toEqual(["decision_id_reused", "lines.1.id"]);

    const ext = (await listDecisions(services.prisma, { requestId: "ext-9", limit: 5 })).items;
    expect(ext).toHaveLength(1);
    expect(ext[0]).toMatchObject({ source: "reported", clientId: "a-2", at: "2026-11-30T10:00:00.000Z", version: "0.1.0" });
    expect(timeOfDecisionId(ext[0]!.id)!.toISOString()).toBe("2026-11-30T10:00:00.000Z");
    // One audit event per batch, not per decision.
    const audit = await listAuditEvents(services.prisma, { limit: 10, order: "desc", action: "decisions.reported" });
    expect(audit.items.slice(0, 2).map((e) => e.payload.received)).toEqual([4, 3]);

    // A reported decision replays on the registry's copy of the version: the reported score was made up.
    const replay = await replayDecision(services.decisions, { actor: people.auditor!, id: ext[0]!.id });
    expect(replay.replay.outcome).toBe("differs");
    expect(replay.replay.score).toBeCloseTo(p(0.4, 0.1), 6);
  });
});

describe("bulk replay", () => {
  it("replays a version's decisions as a job, counts outcomes, and resumes after its runner stops", async () => {
    const versionId = (await services.prisma.modelVersion.findFirstOrThrow({ where: { version: "0.1.0", model: { name: "scorer" } } })).id;
    const all = await services.prisma.decision.findMany({ where: { versionId }, select: { source: true, inputRetention: true } });
    // Expected from the ledger itself: predicted with the input kept → identical; input not kept →
    // not replayable; reported (a made-up score) → differs.
    const expected = {
      identical: all.filter((d) => d.source === "predict" && d.inputRetention === "full").length,
      within_tolerance: 0,
      differs: all.filter((d) => d.source === "reported").length,
      not_replayable: all.filter((d) => d.inputRetention !== "full").length,
    };
    expect(expected.identical).toBeGreaterThan(40);
    expect(expected.not_replayable).toBe(2);

    const job = await createReplayJob(services.prisma, { actor: people.auditor!, filter: { model: "scorer", version: "0.1.0" } });
    expect(job.status).toBe("queued");
    let chunks = 0;
    // The first runner does two chunks of 10 and stops (a shutdown): the job is handed back.
    expect(await runNextReplayJob(services.decisions, { chunkSize: 10, workerId: "first", shouldStop: () => chunks++ >= 2 })).toBe(true);
    const halfway = await getReplayJob(services.prisma, { id: job.id });
    expect([halfway.status, halfway.processed, halfway.total]).toEqual(["running", 20, all.length]);
    // Another runner resumes after the saved cursor and finishes it.
    expect(await runNextReplayJob(services.decisions, { chunkSize: 10, workerId: "second" })).toBe(true);
    const done = await getReplayJob(services.prisma, { id: job.id });
    expect(done.status).toBe("finished");
    expect(done.processed).toBe(all.length);
    expect(done.counts).toEqual(expected);
    expect(done.differences.filter((d) => d.outcome === "not_replayable")).toHaveLength(2);
    expect(done.differences.find((d) => d.outcome === "differs")).toMatchObject({ version: "0.1.0", stored: { output: { label: 0 }, score: 0.2 } });
    expect(await runNextReplayJob(services.decisions)).toBe(false);
    const audit = await listAuditEvents(services.prisma, { limit: 5, order: "desc", action: "decisions.replay_job_finished" });
    expect(audit.items[0]!.payload).toMatchObject({ processed: all.length, counts: expected });
  });
});
