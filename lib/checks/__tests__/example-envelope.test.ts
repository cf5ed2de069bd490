// examples/credit-risk is the envelope docs/envelope.md sends newcomers to. These tests keep it
// honest: its manifest passes the real schema, its files are there with the declared digests, the
// build script reproduces it byte for byte, and pushed the way the CLI pushes it, the registry
// accepts it and all four checks pass with the default policy — run in process over the files the
// upload stored (real Postgres, the filesystem object store), as the sandboxed child runs them.
import { createHash, generateKeyPairSync } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildCreditRiskEnvelope } from "../../../examples/credit-risk/build.ts";
import { splitFrontMatter } from "../../registry/card/front-matter.ts";
import { envelopeForm } from "../../api/__tests__/envelope-fixture.ts";
import type { Actor } from "../../auth/roles.ts";
import { collectEnvelope } from "../../cli/envelope-files.ts";
import { parseConfig } from "../../config/index.ts";
import { createSigner } from "../../integrity/signing.ts";
import { declaredFileProblems, declaredFiles, manifestSchema } from "../../registry/envelope.ts";
import { createModel } from "../../registry/models.ts";
import { uploadVersion } from "../../registry/upload-version.ts";
import { getVersionDetail } from "../../registry/versions.ts";
import { FilesystemObjectStore } from "../../storage/filesystem.ts";
import { createTestDatabase, type TestDatabase } from "../../testing/db.ts";
import type { GroupMetrics } from "../fairness/fairness-metrics.ts";
import type { AdversarialMetrics } from "../adversarial/adversarial-check.ts";
import { listCheckRuns } from "../list-check-runs.ts";
import { claimCheckRun, finishCheckRun } from "../record-check-result.ts";
import { requestChecksOnRegistration } from "../request-checks.ts";
import { runClaimedCheck } from "../run-check.ts";
import { defaultThresholds } from "../../policy/thresholds.ts";

const exampleDir = fileURLToPath(new URL("../../../examples/credit-risk/", import.meta.url));
const read = (file: string) => readFileSync(path.join(exampleDir, file));
const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");
const manifest = manifestSchema.parse(JSON.parse(read("manifest.json").toString("utf8")));

describe("the example envelope", () => {
  it("passes the envelope schema and declares one file in every role", () => {
    expect(declaredFileProblems(manifest)).toEqual([]);
    expect(Object.fromEntries(declaredFiles(manifest))).toEqual({
      "model.onnx": "artifact",
      "test_vectors.json": "testVectors",
      "eval.csv": "evaluation",
      "adversarial.json": "adversarial",
      "MODEL_CARD.md": "card",
    });
  });

  it("has every declared file, with the digests the manifest declares", () => {
    const declared = Object.entries(manifest.files ?? {}).filter(([, f]) => f.sha256 !== undefined);
    expect(declared.map(([p]) => p)).toEqual(["model.onnx"]);
    for (const [file, { sha256: expected }] of declared) expect(sha256(read(file)), file).toBe(expected);
    for (const file of declaredFiles(manifest).keys()) expect(read(file).length, file).toBeGreaterThan(0);
  });

  it("is what examples/credit-risk/build.ts writes, byte for byte", () => {
    const { files } = buildCreditRiskEnvelope();
    expect(Object.keys(files).sort()).toEqual(["MODEL_CARD.md", "adversarial.json", "eval.csv", "manifest.json", "model.onnx", "test_vectors.json"]);
    for (const [file, bytes] of Object.entries(files)) {
      expect(read(file).equals(bytes), `${file} differs from a fresh build: run npx tsx examples/credit-risk/build.ts`).toBe(true);
    }
  });

  it("has a model card whose front matter and sections the version page shows", () => {
    const { frontMatter, body } = splitFrontMatter(read("MODEL_CARD.md").toString("utf8"));
    expect(frontMatter?.map((e) => e.key)).toEqual(["license", "language", "library_name", "pipeline_tag", "tags", "owner"]);
    for (const section of ["Intended use", "Limitations", "Fairness notes", "Owner"]) expect(body).toContain(`## ${section}\n`);
  });
});

describe("the example envelope pushed to a registry", () => {
  const admin: Actor = { type: "bootstrap", id: "bootstrap", email: "bootstrap@localhost", role: "admin", scopes: ["read", "write", "review", "admin"] };
  let db: TestDatabase;
  let dataDir: string;
  let store: FilesystemObjectStore;

  beforeAll(async () => {
    db = await createTestDatabase();
    dataDir = mkdtempSync(path.join(os.tmpdir(), "registry-example-"));
    store = new FilesystemObjectStore(path.join(dataDir, "objects"));
    await store.ensureReady();
  });
  afterAll(async () => {
    await db?.drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it("is accepted, and all four checks pass with the default policy", async () => {
    // What `model-registry push ./examples/credit-risk --model credit-risk` sends: the CLI's own
    // validation and hashing, then a multipart request built independently of the server's code.
    const envelope = await collectEnvelope({ dir: exampleDir, model: "credit-risk" });
    const files = Object.fromEntries(envelope.files.map((f) => [f.path, readFileSync(f.absolutePath)]));
    const request = new Request("http://registry.test/upload", { method: "POST", body: envelopeForm(envelope.manifest, files) });
    const signer = createSigner(generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" }).toString());
    await createModel(db.prisma, { actor: admin, name: "credit-risk" });
    const uploaded = await uploadVersion(
      { prisma: db.prisma, store, signer, config: parseConfig({ DATA_DIR: dataDir }), onVersionRegistered: requestChecksOnRegistration() },
      { actor: admin, model: "credit-risk", contentType: request.headers.get("content-type"), contentLength: null, body: request.body },
    );
    expect(uploaded.status).toBe(201);
    expect(uploaded.version.files.map((f) => [f.path, f.sha256])).toEqual(envelope.files.map((f) => [f.path, f.sha256]).sort(([a], [b]) => (a! < b! ? -1 : 1)));

    // The runs the upload queued, with the thresholds and seed it recorded, run as a worker would.
    const queued = await db.prisma.checkRun.findMany({ where: { version: { model: { name: "credit-risk" } } }, select: { id: true } });
    expect(queued).toHaveLength(4);
    for (const { id } of queued) {
      const run = await claimCheckRun(db.prisma, { runId: id, workerId: "example-envelope-test" });
      expect(run).not.toBeNull();
      const log: string[] = [];
      const startedAt = new Date();
      const outcome = await runClaimedCheck(run!, store, { log: (line) => log.push(line), progress: () => {}, signal: AbortSignal.timeout(60_000) });
      await finishCheckRun(db.prisma, { runId: id, workerId: "example-envelope-test", outcome, log: log.join("\n"), startedAt });
    }

    const checks = await listCheckRuns(db.prisma, { model: "credit-risk", version: "1.0.0" });
    const byKind = Object.fromEntries(checks.latest.map((r) => [r.kind, r]));
    expect(
      Object.fromEntries(checks.latest.map((r) => [r.kind, r.verdict])),
      JSON.stringify(checks.latest.map((r) => [r.kind, r.summary, r.findings]), null, 1),
    ).toEqual({ validation: "pass", fairness: "pass", adversarial: "pass", security: "pass" });
    expect(checks.state).toBe("passed");
    expect((await getVersionDetail(db.prisma, "credit-risk", "1.0.0")).status).toBe("checked");
    // The default policy, not some override, is what the example passes.
    expect(byKind.fairness!.thresholds).toMatchObject(defaultThresholds.fairness);
    expect(byKind.adversarial!.thresholds).toMatchObject(defaultThresholds.adversarial);

    // Nothing was skipped: every test vector and adversarial vector ran, and fairness judged both groups.
    const testVectors = JSON.parse(read("test_vectors.json").toString("utf8")) as { cases: unknown[] };
    const adversarialVectors = JSON.parse(read("adversarial.json").toString("utf8")) as { cases: unknown[] };
    expect(byKind.validation!.metrics).toMatchObject({ testVectors: { cases: testVectors.cases.length, failed: 0 }, deterministic: true });
    const adversarial = byKind.adversarial!.metrics as AdversarialMetrics;
    expect(adversarial.harness).toEqual({ cases: adversarialVectors.cases.length, failed: 0 });
    expect(adversarial.evaluationRows).toBe(600);
    expect(adversarial.flipRate).toBeLessThanOrEqual(defaultThresholds.adversarial.maxFlipRate);
    expect(adversarial.unboundedFeatures).toEqual([]);

    // The per-group rates the check measured through onnxruntime equal the build's float64 reference
    // (the numbers the model card quotes).
    const fairness = byKind.fairness!.metrics as { rows: number; attributes: { sex: { judgedGroups: string[]; groups: Record<string, GroupMetrics> } } };
    expect(fairness.rows).toBe(600);
    expect(fairness.attributes.sex.judgedGroups).toEqual(["F", "M"]);
    const { bySex } = buildCreditRiskEnvelope();
    for (const [group, expected] of Object.entries(bySex)) {
      const measured = fairness.attributes.sex.groups[group]!;
      expect(measured.n, group).toBe(expected.n);
      expect(measured.selectionRate, group).toBeCloseTo(expected.selectionRate, 12);
      expect(measured.truePositiveRate, group).toBeCloseTo(expected.truePositiveRate, 12);
      expect(measured.falsePositiveRate, group).toBeCloseTo(expected.falsePositiveRate, 12);
    }
  });
});
