// The promotion workflow against real Postgres and the real services: uploads through the upload
// service, check results stored by the checks' own finishCheckRun with the hook the worker uses,
// decisions, promotions, rollback and aliases through the workflow's services. Only the checks'
// verdicts are chosen by the test (the checks themselves are tested in lib/checks).
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { envelopeForm, sampleEnvelope } from "../../api/__tests__/envelope-fixture.ts";
import { createUser, updateUser } from "../../auth/users.ts";
import type { Actor, Role } from "../../auth/roles.ts";
import { roleScopes } from "../../auth/roles.ts";
import { rerunChecks } from "../../checks/request-checks.ts";
import { parseConfig } from "../../config/index.ts";
import type { AppError } from "../../errors/app-error.ts";
import { getModelPolicy, updateModelPolicy } from "../../policy/stage-policy.ts";
import { createModel } from "../../registry/models.ts";
import { uploadVersion } from "../../registry/upload-version.ts";
import { resolveAlias } from "../../registry/versions.ts";
import { closeServices, createServices, type Services } from "../../server/services.ts";
import { createTestDatabase, type TestDatabase } from "../../testing/db.ts";
import { COMPLETE_CARD, finishChecks, refused } from "../../testing/workflow-fixtures.ts";
import { cancelPromotion } from "../cancel-promotion.ts";
import { removeCustomAlias, setCustomAlias } from "../custom-aliases.ts";
import { decidePromotion } from "../decide-promotion.ts";
import { getModelStages } from "../get-model-stages.ts";
import { getPromotion } from "../get-promotion.ts";
import { getReview } from "../get-review.ts";
import { getVersionPromotion } from "../get-version-promotion.ts";
import { listPromotions } from "../list-promotions.ts";
import { listStageHistory } from "../list-stage-history.ts";
import { requestPromotion } from "../request-promotion.ts";
import { rollbackStage } from "../rollback.ts";

let db: TestDatabase;
let services: Services;
let dataDir: string;
const people: Record<string, Actor> = {};

async function person(key: string, role: Role): Promise<Actor> {
  const user = await createUser(services.prisma, { actor: { type: "system", id: "test" } as never, email: `${key}@wf.example`, name: key, role });
  people[key] = { type: "user", id: user.id, email: user.email, role, scopes: [...roleScopes[role]], sessionId: `${key}-session` };
  return people[key]!;
}

type Features = { name: string; type: string; min?: number; max?: number; nullable?: boolean }[];

async function upload(model: string, version: string, { card = COMPLETE_CARD, features }: { card?: string; features?: Features } = {}) {
  const env = sampleEnvelope(model, version, { artifactSize: 256 });
  env.files["MODEL_CARD.md"] = Buffer.from(card);
  if (features) (env.manifest.inputSchema as { features: Features }).features = features;
  const request = new Request("http://registry.test/upload", { method: "POST", body: envelopeForm(env.manifest, env.files) });
  const result = await uploadVersion(services, { actor: people.owner!, model, contentType: request.headers.get("content-type"), contentLength: null, body: request.body });
  return { id: result.versionId, digest: result.version.manifestDigest };
}

const request = (model: string, version: string, to: "staging" | "prod", actor = people.owner!) =>
  requestPromotion(services, { actor, model, version, to, reason: `ship ${version}` });
const approve = (id: string, actor: Actor, manifestDigest: string, comment = "looks right") =>
  decidePromotion(services.prisma, { actor, id, decision: "approve", comment, manifestDigest });

/** Upload, pass checks, promote to staging (no approval needed by default). */
async function inStaging(model: string, version: string, opts: Parameters<typeof upload>[2] = {}) {
  const v = await upload(model, version, opts);
  await finishChecks(services, v.id);
  const r = await request(model, version, "staging");
  expect(r.status).toBe("promoted");
  return v;
}

/** Staging → prod with two reviewers. */
async function inProd(model: string, version: string, opts: Parameters<typeof upload>[2] = {}) {
  const v = await inStaging(model, version, opts);
  const r = await request(model, version, "prod");
  expect(r.status, r.blockedReason ?? "").toBe("awaiting_approval");
  await approve(r.id, people.r1!, v.digest);
  expect((await approve(r.id, people.r2!, v.digest)).status).toBe("promoted");
  return v;
}

beforeAll(async () => {
  db = await createTestDatabase();
  dataDir = mkdtempSync(path.join(os.tmpdir(), "registry-promotion-"));
  const config = parseConfig({ DATA_DIR: dataDir, ...(db.url ? { DATABASE_URL: db.url } : {}), REGISTRY_ADMIN_PASSWORD: "admin-password-for-tests", CHECK_WORKER_IN_PROCESS: "false", LOG_LEVEL: "warn" });
  await db.prisma.$disconnect();
  services = await createServices(config, { announce: false, worker: false });
  await person("owner", "contributor");
  await person("other", "contributor");
  for (const r of ["r1", "r2", "r3", "r4", "r5", "r6"]) await person(r, "reviewer");
  await person("admin", "admin");
  await person("viewer", "viewer");
}, 120_000);

afterAll(async () => {
  if (services) await closeServices(services);
  await db?.drop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("promotion workflow", () => {
  it("takes a version dev → staging → prod with two non-uploader approvals on its digest", async () => {
    await createModel(services.prisma, { actor: people.owner!, name: "credit" });
    const v = await upload("credit", "1.0.0");
    expect((await services.prisma.modelVersion.findUniqueOrThrow({ where: { id: v.id } })).stage).toBe("dev");

    // Checks still queued: the request waits, and says why.
    const staging = await request("credit", "1.0.0", "staging");
    expect(staging.status).toBe("pending_checks");
    expect(staging.blockedReason).toMatch(/Validation check: The validation check is queued/);
    expect((await refused(request("credit", "1.0.0", "staging"))).code).toBe("request_exists");
    expect((await refused(request("credit", "1.0.0", "prod"))).code).toBe("stage_skipped");

    // The checks' results promote it (→ staging needs no approval by default), in the worker's transaction.
    await finishChecks(services, v.id);
    expect((await getPromotion(services.prisma, { id: staging.id })).status).toBe("promoted");
    expect((await resolveAlias(services.prisma, "credit", "staging")).version).toBe("1.0.0");

    const prod = await request("credit", "1.0.0", "prod");
    expect(prod.status).toBe("awaiting_approval");
    expect(prod.gates.map((g) => [g.id, g.status])).toEqual([
      ["check.validation", "pass"],
      ["check.fairness", "pass"],
      ["check.adversarial", "pass"],
      ["check.security", "pass"],
      ["card", "pass"],
      ["schema", "pass"],
      ["approvals", "pending"],
    ]);

    const self = await refused(approve(prod.id, people.owner!, v.digest));
    expect(self.kind).toBe("forbidden"); // the uploader here is a contributor: no reviewer at all
    const mismatch = await refused(approve(prod.id, people.r1!, "0".repeat(64)));
    expect([mismatch.kind, mismatch.code]).toEqual(["conflict", "digest_mismatch"]);
    const noComment = await refused(decidePromotion(services.prisma, { actor: people.r1!, id: prod.id, decision: "reject", comment: " ", manifestDigest: v.digest }));
    expect(noComment.code).toBe("comment_required");

    const first = await approve(prod.id, people.r1!, v.digest, "card and fairness read");
    expect(first.status).toBe("awaiting_approval");
    expect(first.approvalsCounted).toBe(1);
    expect(first.blockedReason).toMatch(/1 of 2 approvals so far; 1 more needed/);
    expect((await refused(approve(prod.id, people.r1!, v.digest))).code).toBe("already_decided");

    const second = await approve(prod.id, people.r2!, v.digest);
    expect(second.status).toBe("promoted");
    expect(second.approvals.map((a) => [a.user.email, a.manifestDigest, a.counts])).toEqual([
      ["r1@wf.example", v.digest, true],
      ["r2@wf.example", v.digest, true],
    ]);
    expect(await resolveAlias(services.prisma, "credit", "prod")).toMatchObject({ version: "1.0.0", stage: "prod", manifestDigest: v.digest });
    expect((await refused(approve(prod.id, people.r3!, v.digest))).code).toBe("request_closed");

    const history = await listStageHistory(services.prisma, { model: "credit", limit: 50 });
    expect(history.items.map((e) => [e.kind, e.version, e.fromStage, e.toStage, e.actor.email])).toEqual([
      ["promoted", "1.0.0", "staging", "prod", "r2@wf.example"],
      ["promoted", "1.0.0", "dev", "staging", null],
      ["registered", "1.0.0", null, "dev", "owner@wf.example"],
    ]);
    const audit = await services.prisma.auditEvent.findMany({ where: { subjectType: "promotion_request", subjectId: prod.id }, orderBy: { seq: "asc" }, select: { action: true } });
    expect(audit.map((a) => a.action)).toEqual(["promotion.requested", "promotion.ready", "promotion.approved", "promotion.approved", "promotion.promoted"]);
  });

  it("refuses the uploader's own approval even when the uploader is a reviewer", async () => {
    await createModel(services.prisma, { actor: people.r6!, name: "self-review" });
    const env = sampleEnvelope("self-review", "1.0.0", { artifactSize: 64 });
    env.files["MODEL_CARD.md"] = Buffer.from(COMPLETE_CARD);
    const req = new Request("http://registry.test/upload", { method: "POST", body: envelopeForm(env.manifest, env.files) });
    const up = await uploadVersion(services, { actor: people.r6!, model: "self-review", contentType: req.headers.get("content-type"), contentLength: null, body: req.body });
    await finishChecks(services, up.versionId);
    await requestPromotion(services, { actor: people.r6!, model: "self-review", version: "1.0.0", to: "staging", reason: "r" });
    const prod = await requestPromotion(services, { actor: people.r6!, model: "self-review", version: "1.0.0", to: "prod", reason: "r" });
    const self = await refused(approve(prod.id, people.r6!, up.version.manifestDigest));
    expect([self.kind, self.code]).toEqual(["forbidden", "self_approval"]);
    const reject = await refused(decidePromotion(services.prisma, { actor: people.r6!, id: prod.id, decision: "reject", comment: "no", manifestDigest: up.version.manifestDigest }));
    expect(reject.code).toBe("self_approval");
  });

  it("blocks prod on a failed check whatever the approvals, and a rerun sends an open request back to pending_checks", async () => {
    await createModel(services.prisma, { actor: people.owner!, name: "unfair" });
    const v = await upload("unfair", "1.0.0");
    await finishChecks(services, v.id, { fairness: "fail" });
    // → staging needs validation and security only.
    expect((await request("unfair", "1.0.0", "staging")).status).toBe("promoted");
    const prod = await request("unfair", "1.0.0", "prod");
    expect(prod.status).toBe("pending_checks");
    expect(prod.gates.find((g) => g.id === "check.fairness")).toMatchObject({ status: "fail", detail: expect.stringMatching(/^Failed\. fairness fail/) });
    const blocked = await refused(approve(prod.id, people.r1!, v.digest));
    expect([blocked.kind, blocked.code]).toEqual(["conflict", "gates_not_passed"]);
    expect(blocked.message).toMatch(/Fairness check/);

    // A fixed result (a rerun that passes) lets reviewers approve; a further rerun sends it back.
    await rerunChecks(services.prisma, { actor: people.owner!, model: "unfair", version: "1.0.0", kinds: ["fairness"], onChecksChanged: services.onChecksChanged });
    await finishChecks(services, v.id);
    expect((await getPromotion(services.prisma, { id: prod.id })).status).toBe("awaiting_approval");
    await approve(prod.id, people.r1!, v.digest);
    await rerunChecks(services.prisma, { actor: people.owner!, model: "unfair", version: "1.0.0", kinds: ["security"], onChecksChanged: services.onChecksChanged });
    const back = await getPromotion(services.prisma, { id: prod.id });
    expect(back.status).toBe("pending_checks");
    expect(back.blockedReason).toMatch(/Security scan: The security check is queued/);
    // The approval stays bound to the digest and counts again once the checks pass.
    await finishChecks(services, v.id);
    const again = await getPromotion(services.prisma, { id: prod.id });
    expect([again.status, again.approvalsCounted]).toEqual(["awaiting_approval", 1]);
  });

  it("blocks a breaking schema change without a major bump, with the diff, and allows it with one", async () => {
    await createModel(services.prisma, { actor: people.owner!, name: "schema" });
    await inProd("schema", "1.0.0");
    const narrowed: Features = [{ name: "age", type: "int", min: 18, max: 120 }];
    await inStaging("schema", "1.1.0", { features: narrowed });
    const minor = await request("schema", "1.1.0", "prod");
    const gate = minor.gates.find((g) => g.id === "schema")!;
    expect(minor.status).toBe("pending_checks");
    expect(gate.status).toBe("fail");
    expect(gate.detail).toMatch(/2 breaking changes against prod 1\.0\.0: a breaking change needs a higher major version than 1\.x/);
    expect(gate.changes!.map((c) => c.message)).toEqual(["age: minimum raised from 0 to 18", "income: removed"]);

    await inStaging("schema", "2.0.0", { features: narrowed });
    const major = await request("schema", "2.0.0", "prod");
    expect(major.gates.find((g) => g.id === "schema")).toMatchObject({ status: "pass", detail: expect.stringMatching(/allowed by the major version bump/) });
    expect(major.status).toBe("awaiting_approval");
  });

  it("blocks prod on an incomplete card, naming each missing item", async () => {
    await createModel(services.prisma, { actor: people.owner!, name: "cardless" });
    await inStaging("cardless", "1.0.0", { card: "# Cardless\n\n## Intended use\nDemo.\n" });
    const prod = await request("cardless", "1.0.0", "prod");
    const card = prod.gates.find((g) => g.id === "card")!;
    expect(card.status).toBe("fail");
    expect(card.missing!.map((m) => m.item)).toEqual(["limitations", "fairness_notes", "owner"]);
  });

  it("lets not_applicable block prod unless the model's policy waives that check (audited)", async () => {
    await createModel(services.prisma, { actor: people.owner!, name: "pickled" });
    const v = await upload("pickled", "1.0.0");
    await finishChecks(services, v.id, { fairness: "not_applicable", adversarial: "not_applicable" });
    await request("pickled", "1.0.0", "staging");
    const prod = await request("pickled", "1.0.0", "prod");
    expect(prod.status).toBe("pending_checks");
    expect(prod.gates.find((g) => g.id === "check.fairness")!.detail).toMatch(/blocks prod unless the model's policy waives the fairness check/);

    await updateModelPolicy(services.prisma, {
      actor: people.admin!,
      name: "pickled",
      overrides: { promotion: { waivers: [{ check: "fairness", reason: "fairness evaluated offline, report FR-12" }, { check: "adversarial", reason: "tree model; robustness report RB-3" }] } },
    });
    const waived = await getPromotion(services.prisma, { id: prod.id });
    expect(waived.gates.filter((g) => g.status === "waived").map((g) => g.detail)).toEqual([
      "Not applicable to this artifact, waived by the model's policy: fairness evaluated offline, report FR-12",
      "Not applicable to this artifact, waived by the model's policy: tree model; robustness report RB-3",
    ]);
    expect(waived.ready).toBe(true);
    const audit = await services.prisma.auditEvent.findFirstOrThrow({ where: { action: "model.policy_updated", subjectId: "pickled" }, orderBy: { seq: "desc" } });
    expect(JSON.stringify(audit.payload)).toContain("report FR-12");
    // A waiver never excuses a failed check.
    await rerunChecks(services.prisma, { actor: people.owner!, model: "pickled", version: "1.0.0", kinds: ["fairness"], onChecksChanged: services.onChecksChanged });
    await finishChecks(services, v.id, { fairness: "fail" });
    expect((await getPromotion(services.prisma, { id: prod.id })).gates.find((g) => g.id === "check.fairness")!.status).toBe("fail");
  });

  it("re-checks every gate at the final approval: a policy tightened after the checks ran blocks the promotion", async () => {
    await createModel(services.prisma, { actor: people.owner!, name: "tightened" });
    const v = await inStaging("tightened", "1.0.0");
    const prod = await request("tightened", "1.0.0", "prod");
    await approve(prod.id, people.r1!, v.digest);
    await updateModelPolicy(services.prisma, { actor: people.admin!, name: "tightened", overrides: { thresholds: { fairness: { minDemographicParityRatio: 0.9 } } } });
    const last = await approve(prod.id, people.r2!, v.digest);
    expect(last.status).toBe("pending_checks");
    expect(last.blockedReason).toMatch(/used thresholds from an earlier policy/);
    await expect(resolveAlias(services.prisma, "tightened", "prod")).rejects.toMatchObject({ code: "alias_not_found" });
  });

  it("promotes exactly once under simultaneous approvals", async () => {
    await createModel(services.prisma, { actor: people.owner!, name: "race" });
    const v = await inStaging("race", "1.0.0");
    const prod = await request("race", "1.0.0", "prod");
    await approve(prod.id, people.r1!, v.digest);
    const results = await Promise.allSettled(["r2", "r3", "r4", "r5", "admin"].map((k) => approve(prod.id, people[k]!, v.digest)));
    const promoted = results.filter((r) => r.status === "fulfilled" && r.value.status === "promoted");
    const closed = results.filter((r) => r.status === "rejected" && (r.reason as AppError).code === "request_closed");
    expect(promoted).toHaveLength(1);
    expect(closed).toHaveLength(4);
    expect(await services.prisma.stageEvent.count({ where: { model: { name: "race" }, kind: "promoted", toStage: "prod" } })).toBe(1);
    expect(await services.prisma.auditEvent.count({ where: { action: "promotion.promoted", subjectId: prod.id } })).toBe(1);
  });

  it("keeps one prod per model when two versions' last approvals arrive at once; the other request is superseded", async () => {
    await createModel(services.prisma, { actor: people.owner!, name: "duel" });
    const a = await inStaging("duel", "1.0.0");
    const b = await inStaging("duel", "1.1.0");
    const ra = await request("duel", "1.0.0", "prod");
    const rb = await request("duel", "1.1.0", "prod");
    await approve(ra.id, people.r1!, a.digest);
    await approve(rb.id, people.r1!, b.digest);
    const results = await Promise.allSettled([approve(ra.id, people.r2!, a.digest), approve(rb.id, people.r3!, b.digest)]);
    expect(results.filter((r) => r.status === "fulfilled" && r.value.status === "promoted")).toHaveLength(1);
    const statuses = (await listPromotions(services.prisma, { model: "duel", to: "prod", limit: 10 })).items.map((r) => r.status).sort();
    expect(statuses).toEqual(["promoted", "superseded"]);
    expect(await services.prisma.alias.count({ where: { model: { name: "duel" }, name: "prod" } })).toBe(1);
    expect(await services.prisma.modelVersion.count({ where: { model: { name: "duel" }, stage: "prod" } })).toBe(1);
  });

  it("archives the old prod and rolls back in one action, to the previous or a named earlier prod", async () => {
    await createModel(services.prisma, { actor: people.owner!, name: "rollback" });
    await inProd("rollback", "1.0.0");
    await inProd("rollback", "1.1.0");
    await inProd("rollback", "1.2.0");
    const stageOf = async (version: string) => (await services.prisma.modelVersion.findFirstOrThrow({ where: { version, model: { name: "rollback" } } })).stage;
    expect(await stageOf("1.1.0")).toBe("archived");

    expect((await refused(rollbackStage(services.prisma, { actor: people.other!, model: "rollback", reason: "x" }))).code).toBe("not_model_owner");
    expect((await refused(rollbackStage(services.prisma, { actor: people.viewer!, model: "rollback", reason: "x" }))).code).toBe("insufficient_scope");

    const back = await rollbackStage(services.prisma, { actor: people.r3!, model: "rollback", reason: "approval rate dropped 30%" });
    expect([back.from, back.to]).toEqual(["1.2.0", "1.1.0"]);
    expect((await resolveAlias(services.prisma, "rollback", "prod")).version).toBe("1.1.0");
    const rolled = await services.prisma.modelVersion.findFirstOrThrow({ where: { version: "1.2.0", model: { name: "rollback" } } });
    expect([rolled.stage, rolled.rolledBackAt !== null]).toEqual(["archived", true]);

    // Again: the rolled-back 1.2.0 is skipped, 1.0.0 is next.
    const again = await rollbackStage(services.prisma, { actor: people.owner!, model: "rollback", reason: "1.1.0 has the same bug" });
    expect([again.from, again.to]).toEqual(["1.1.0", "1.0.0"]);
    // A named one: only a version that was prod before.
    const named = await rollbackStage(services.prisma, { actor: people.admin!, model: "rollback", toVersion: "1.1.0", reason: "bug fixed upstream" });
    expect(named.to).toBe("1.1.0");
    await upload("rollback", "1.3.0");
    expect((await refused(rollbackStage(services.prisma, { actor: people.admin!, model: "rollback", toVersion: "1.3.0", reason: "x" }))).code).toBe("not_a_former_prod");
    expect((await refused(rollbackStage(services.prisma, { actor: people.admin!, model: "rollback", toVersion: "1.1.0", reason: "x" }))).code).toBe("already_prod");

    const history = (await listStageHistory(services.prisma, { model: "rollback", limit: 3 })).items;
    expect(history[0]).toMatchObject({ kind: "registered", version: "1.3.0" });
    // One rollback is two events at the same instant: the version taken out and the one restored.
    expect(history.slice(1).map((e) => `${e.kind} ${e.version} ${e.actor.email}: ${e.reason}`).sort()).toEqual([
      "restored 1.1.0 admin@wf.example: bug fixed upstream",
      "rolled_back 1.0.0 admin@wf.example: bug fixed upstream",
    ]);
  });

  it("lets the requester or an admin cancel an open request, no one else", async () => {
    await createModel(services.prisma, { actor: people.owner!, name: "cancel" });
    await upload("cancel", "1.0.0");
    const r = await request("cancel", "1.0.0", "staging");
    expect((await refused(cancelPromotion(services.prisma, { actor: people.other!, id: r.id }))).code).toBe("not_requester");
    expect((await cancelPromotion(services.prisma, { actor: people.owner!, id: r.id, reason: "wrong build" })).status).toBe("cancelled");
    expect((await refused(cancelPromotion(services.prisma, { actor: people.owner!, id: r.id }))).code).toBe("request_closed");
    const r2 = await request("cancel", "1.0.0", "staging");
    expect((await cancelPromotion(services.prisma, { actor: people.admin!, id: r2.id })).status).toBe("cancelled");
  });

  it("lets owners set custom aliases but never prod or staging", async () => {
    await createModel(services.prisma, { actor: people.owner!, name: "aliases" });
    const v = await upload("aliases", "1.0.0");
    expect(await setCustomAlias(services.prisma, { actor: people.owner!, model: "aliases", alias: "champion", version: "1.0.0" })).toEqual({
      model: "aliases",
      alias: "champion",
      version: "1.0.0",
      manifestDigest: v.digest,
    });
    expect((await resolveAlias(services.prisma, "aliases", "champion")).version).toBe("1.0.0");
    for (const alias of ["prod", "staging"]) expect((await refused(setCustomAlias(services.prisma, { actor: people.admin!, model: "aliases", alias, version: "1.0.0" }))).code).toBe("alias_reserved");
    expect((await refused(removeCustomAlias(services.prisma, { actor: people.admin!, model: "aliases", alias: "prod" }))).code).toBe("alias_reserved");
    expect((await refused(setCustomAlias(services.prisma, { actor: people.other!, model: "aliases", alias: "challenger", version: "1.0.0" }))).code).toBe("not_model_owner");
    await removeCustomAlias(services.prisma, { actor: people.owner!, model: "aliases", alias: "champion" });
    await expect(resolveAlias(services.prisma, "aliases", "champion")).rejects.toMatchObject({ code: "alias_not_found" });
  });

  it("stops counting a demoted reviewer's approval", async () => {
    await createModel(services.prisma, { actor: people.owner!, name: "demoted" });
    const v = await inStaging("demoted", "1.0.0");
    const r = await request("demoted", "1.0.0", "prod");
    await approve(r.id, people.r4!, v.digest);
    expect((await getPromotion(services.prisma, { id: r.id })).approvalsCounted).toBe(1);
    await updateUser(services.prisma, { actor: people.admin!, id: people.r4!.id, role: "viewer" });
    const after = await getPromotion(services.prisma, { id: r.id });
    expect(after.approvalsCounted).toBe(0);
    expect(after.approvals[0]!.counts).toBe(false);
    await updateUser(services.prisma, { actor: people.admin!, id: people.r4!.id, role: "reviewer" });
  });

  it("fails closed on a stored policy that no longer parses, and upgrades version-1 policies on read", async () => {
    await createModel(services.prisma, { actor: people.owner!, name: "badpolicy" });
    await services.prisma.model.update({ where: { name: "badpolicy" }, data: { policy: { promotion: { requiredApprovals: { prod: 1 }, waivers: [{ check: "fairness", reason: "x" }] } } } });
    const bad = await getModelPolicy(services.prisma, { name: "badpolicy" });
    expect(bad.invalid).toMatch(/promotion\.requiredApprovals\.prod: prod always needs at least two/);
    expect(bad.effective.promotion).toEqual({ requiredApprovals: { staging: 0, prod: 2 }, waivers: [] });

    await services.prisma.model.update({ where: { name: "badpolicy" }, data: { policy: { thresholds: { fairness: { minDemographicParityRatio: 0.85 } } } } });
    const v1 = await getModelPolicy(services.prisma, { name: "badpolicy" });
    expect(v1.invalid).toBeUndefined();
    expect(v1.overrides.schemaVersion).toBe(2);
    expect(v1.effective.thresholds.fairness!.minDemographicParityRatio).toBe(0.85);
  });

  it("never stores two open requests for one version and stage (database constraint)", async () => {
    await createModel(services.prisma, { actor: people.owner!, name: "unique" });
    await upload("unique", "1.0.0");
    const results = await Promise.allSettled([1, 2, 3].map(() => request("unique", "1.0.0", "staging")));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    for (const r of results) if (r.status === "rejected") expect([(r.reason as AppError).kind, (r.reason as AppError).code]).toEqual(["conflict", "request_exists"]);
  });

  it("feeds the review pages: a version's next-stage gates before and after the request, the comparison with prod, the model's stages", async () => {
    await createModel(services.prisma, { actor: people.owner!, name: "review-pages" });
    await inProd("review-pages", "1.0.0");
    const candidate = await inStaging("review-pages", "1.1.0", {
      features: [
        { name: "age", type: "int", min: 18, max: 120 },
        { name: "income", type: "float", min: 0 },
      ],
    });

    // Before a request: the gates for prod as they stand, no approvals counted.
    const before = await getVersionPromotion(services, { model: "review-pages", version: "1.1.0" });
    expect([before.stage, before.next, before.openRequest]).toEqual(["staging", "prod", null]);
    expect(before.gates.find((g) => g.id === "schema")).toMatchObject({ status: "fail" });
    expect(before.gates.find((g) => g.id === "approvals")).toMatchObject({ status: "pending", detail: expect.stringMatching(/^0 of 2/) });

    // A breaking schema change blocks the request; the review shows the same change in its schema rows.
    const r = await request("review-pages", "1.1.0", "prod");
    expect(r.status).toBe("pending_checks");
    const after = await getVersionPromotion(services, { model: "review-pages", version: "1.1.0" });
    expect(after.openRequest?.id).toBe(r.id);
    const review = await getReview(services, { id: r.id });
    expect(review.against).toBe("current");
    expect(review.current?.detail.version).toBe("1.0.0");
    expect(review.candidate.detail.manifestDigest).toBe(candidate.digest);
    expect(review.comparison?.schema.rows.find((row) => row.feature === "age")).toMatchObject({ status: "changed", breaking: true, changes: ["age: minimum raised from 0 to 18"] });
    expect(review.comparison?.schema.rows.find((row) => row.feature === "income")).toMatchObject({ status: "unchanged", breaking: false });
    expect(review.comparison?.schema.compatibility?.verdict).toBe("fail");
    expect(review.comparison?.files.find((f) => f.path === "MODEL_CARD.md")?.status).toBe("unchanged");
    expect(review.candidate.card?.text).toContain("## Intended use");

    // A prod version has no next stage.
    expect(await getVersionPromotion(services, { model: "review-pages", version: "1.0.0" })).toMatchObject({ stage: "prod", next: null, gates: [] });

    const stages = await getModelStages(services.prisma, { model: "review-pages" });
    expect(stages.aliases.map((a) => `${a.name}=${a.version}`)).toEqual(["prod=1.0.0", "staging=1.1.0"]);
    expect(stages.columns.map((c) => `${c.version}:${c.stage}`)).toEqual(["1.1.0:staging", "1.0.0:prod"]);
    expect(stages.columns[0]!.openRequests).toEqual([{ id: r.id, to: "prod", status: "pending_checks" }]);
    expect(stages.columns[0]!.checks.map((c) => c.verdict)).toEqual(["pass", "pass", "pass", "pass"]);
    expect(stages.formerProds).toEqual([]);

    // Once promoted, the review keeps comparing with the prod it replaced.
    await cancelPromotion(services.prisma, { actor: people.owner!, id: r.id });
    await inProd("review-pages", "2.0.0", {
      features: [
        { name: "age", type: "int", min: 18, max: 120 },
        { name: "income", type: "float", min: 0 },
      ],
    });
    const promoted = (await listPromotions(services.prisma, { model: "review-pages", status: "promoted", to: "prod", limit: 5 })).items.find((p) => p.version === "2.0.0")!;
    const record = await getReview(services, { id: promoted.id });
    expect([record.against, record.current?.detail.version]).toEqual(["replaced", "1.0.0"]);
    expect((await getModelStages(services.prisma, { model: "review-pages" })).formerProds.map((f) => f.version)).toEqual(["1.0.0"]);
  });
});
