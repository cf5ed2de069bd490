// The CLI as CI runs it: `node lib/cli/bin.mjs …` as a child process against the real app (embedded
// PGlite + filesystem storage), asserting on exit codes, stdout and stderr.
import { spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { chmodSync, cpSync, mkdirSync, mkdtempSync, openSync, closeSync, readFileSync, rmSync, writeFileSync, writeSync, existsSync, readdirSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot, startApp, TEST_BOOTSTRAP_TOKEN, type AppServer } from "../testing/app-server.ts";
import { sampleEnvelope } from "../checks/testing/sample-envelope.ts";
import { signIn } from "../testing/browser-session.ts";

const ARTIFACT_BYTES = 20 * 1024 * 1024 + 123;
const CI_EMAIL = "ci-bot@example.com";
const bin = path.join(repoRoot, "lib", "cli", "bin.mjs");

let app: AppServer;
let work: string;
let envelopeDir: string;

type Run = { code: number | null; stdout: string; stderr: string };

function cli(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const childEnv: Record<string, string> = { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", REGISTRY_URL: app.url, REGISTRY_TOKEN: TEST_BOOTSTRAP_TOKEN, ...env };
    const child = spawn(process.execPath, [bin, ...args], {
      cwd: work,
      env: childEnv as NodeJS.ProcessEnv,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

async function api(pathname: string, init: RequestInit & { token?: string } = {}) {
  const res = await fetch(app.url + pathname, {
    ...init,
    headers: { authorization: `Bearer ${init.token ?? TEST_BOOTSTRAP_TOKEN}`, "content-type": "application/json", ...(init.headers as Record<string, string>) },
  });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

const sha256 = (data: Buffer | string) => createHash("sha256").update(data).digest("hex");

function writeEnvelope(dir: string, version: string) {
  // ~20 MiB written in pieces, as a real export would be, so the test itself stays small in memory.
  const fd = openSync(path.join(dir, "model.onnx"), "w");
  for (let left = ARTIFACT_BYTES; left > 0; left -= 1024 * 1024) writeSync(fd, randomBytes(Math.min(left, 1024 * 1024)));
  closeSync(fd);
  writeFileSync(path.join(dir, "MODEL_CARD.md"), "---\nlicense: mit\n---\n# Credit risk\n\n## Intended use\nTests.\n");
  writeFileSync(
    path.join(dir, "test_vectors.json"),
    JSON.stringify({ atol: 1e-6, rtol: 1e-4, cases: [{ inputs: { age: 30, income: 52000 }, expected: { label: 1 } }] }),
  );
  cpSync(path.join(dir, "MODEL_CARD.md"), path.join(dir, "docs-notes.md"));
  writeFileSync(path.join(dir, "not-declared.bin"), "this file is not in the manifest and must not be uploaded");
  writeFileSync(
    path.join(dir, "manifest.json"),
    JSON.stringify({
      name: "credit-risk",
      version,
      artifact: { path: "model.onnx", format: "onnx" },
      framework: { name: "sklearn", version: "1.5.2" },
      inputSchema: { features: [{ name: "age", type: "int", min: 0, max: 120 }, { name: "income", type: "float" }] },
      testVectors: "test_vectors.json",
      card: "MODEL_CARD.md",
      files: { "docs-notes.md": {} },
    }),
  );
}

/** The object store's file for a digest, wherever its layout puts it. */
function findFile(dir: string, name: string): string {
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true }))
    if (entry.isFile() && entry.name === name) return path.join(entry.parentPath, entry.name);
  throw new Error(`no file named ${name} under ${dir}`);
}

const digestIn = (stdout: string) => /^digest:\s+sha256:([0-9a-f]{64})$/m.exec(stdout)?.[1];

beforeAll(async () => {
  app = await startApp();
  work = mkdtempSync(path.join(os.tmpdir(), "cli-it-"));
  envelopeDir = path.join(work, "dist", "model");
  mkdirSync(envelopeDir, { recursive: true });
  writeEnvelope(envelopeDir, "1.0.0");
  const created = await api("/api/v1/models", { method: "POST", body: JSON.stringify({ name: "credit-risk" }) });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  // CI's own user: tokens are minted for it, as docs/github-actions.md recommends.
  const user = await api("/api/v1/users", { method: "POST", body: JSON.stringify({ email: CI_EMAIL, name: "CI", role: "contributor" }) });
  expect(user.status, JSON.stringify(user.body)).toBe(201);
});

afterAll(async () => {
  await app?.stop();
  if (app) rmSync(app.dataDir, { recursive: true, force: true });
  if (work) rmSync(work, { recursive: true, force: true });
});

describe("push", () => {
  it("uploads the envelope and prints the version, the server's manifest digest and the URL", async () => {
    const run = await cli(["push", envelopeDir, "--model", "credit-risk"]);
    expect(run.stderr).not.toMatch(/error/);
    expect(run.code, run.stderr).toBe(0);

    const served = await api("/api/v1/models/credit-risk/versions/1.0.0");
    expect(served.status).toBe(200);
    expect(digestIn(run.stdout)).toBe(served.body.manifestDigest);
    expect(run.stdout).toMatch(/^version: credit-risk@1\.0\.0$/m);
    expect(run.stdout).toContain(`url:     ${app.url}/api/v1/models/credit-risk/versions/1.0.0`);
    // Not a terminal: one plain line per file, on stderr.
    expect(run.stderr).toMatch(/sent model\.onnx \(20\.0 MiB, [\d.]+ MB\/s\)/);
    expect(run.stderr).toMatch(/sent MODEL_CARD\.md/);

    const files = Object.fromEntries((served.body.files as { path: string; sha256: string; size: number }[]).map((f) => [f.path, f]));
    expect(Object.keys(files).sort()).toEqual(["MODEL_CARD.md", "docs-notes.md", "model.onnx", "test_vectors.json"]);
    expect(files["model.onnx"]).toMatchObject({ size: ARTIFACT_BYTES, sha256: sha256(readFileSync(path.join(envelopeDir, "model.onnx"))) });
  });

  it("replays a retried push of the same envelope instead of failing", async () => {
    const first = await api("/api/v1/models/credit-risk/versions/1.0.0");
    const run = await cli(["push", envelopeDir, "--model", "credit-risk"]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^version: credit-risk@1\.0\.0 \(replayed\)$/m);
    expect(digestIn(run.stdout)).toBe(first.body.manifestDigest);
  });

  it("fails with the server's 409 when different bytes are pushed under an existing version", async () => {
    const changed = path.join(work, "changed");
    cpSync(envelopeDir, changed, { recursive: true });
    writeFileSync(path.join(changed, "test_vectors.json"), JSON.stringify({ cases: [] }));
    const run = await cli(["push", changed, "--model", "credit-risk"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^error: credit-risk@1\.0\.0 already exists; versions are immutable, publish a new version \(HTTP 409 version_exists\)$/m);
    expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(run.stdout).toBe("");

    // An explicit key names one upload: reusing it for different content is refused (422), not replayed.
    const keyedDir = path.join(work, "keyed");
    cpSync(envelopeDir, keyedDir, { recursive: true });
    const manifest = JSON.parse(readFileSync(path.join(keyedDir, "manifest.json"), "utf8"));
    writeFileSync(path.join(keyedDir, "manifest.json"), JSON.stringify({ ...manifest, version: "1.1.0" }));
    const keyed = await cli(["push", keyedDir, "--model", "credit-risk", "--idempotency-key", "release-1.1.0"]);
    expect(keyed.code, keyed.stderr).toBe(0);
    writeFileSync(path.join(keyedDir, "test_vectors.json"), JSON.stringify({ cases: [] }));
    const reused = await cli(["push", keyedDir, "--model", "credit-risk", "--idempotency-key", "release-1.1.0"]);
    expect(reused.code).toBe(1);
    // The CLI declares every file's digest, so other bytes make another manifest.
    expect(reused.stderr).toMatch(/^error: this Idempotency-Key was used for a different upload \(another manifest\); use a new key \(HTTP 422 idempotency_key_reused\)$/m);
  });

  it("prints the server's JSON with --json and creates a missing model with --create-model", async () => {
    const other = path.join(work, "other");
    cpSync(envelopeDir, other, { recursive: true });
    const manifest = JSON.parse(readFileSync(path.join(other, "manifest.json"), "utf8"));
    writeFileSync(path.join(other, "manifest.json"), JSON.stringify({ ...manifest, name: "fraud-score", version: "0.1.0-rc.1" }));

    const missing = await cli(["push", other, "--model", "fraud-score"]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/HTTP 404/);

    const run = await cli(["push", other, "--model", "fraud-score", "--create-model", "--json"]);
    expect(run.code, run.stderr).toBe(0);
    const body = JSON.parse(run.stdout);
    expect(body).toMatchObject({ model: "fraud-score", version: "0.1.0-rc.1", manifestDigest: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(run.stderr).toMatch(/created model fraud-score/);
  });

  it("refuses an invalid manifest and a symlink out of the envelope before uploading anything", async () => {
    const bad = path.join(work, "bad");
    cpSync(envelopeDir, bad, { recursive: true });
    const manifest = JSON.parse(readFileSync(path.join(bad, "manifest.json"), "utf8"));
    writeFileSync(path.join(bad, "manifest.json"), JSON.stringify({ ...manifest, version: "2.0.0+build.1", card: "../MODEL_CARD.md" }));
    const run = await cli(["push", bad, "--model", "credit-risk"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("manifest.version: version build metadata ('+…') is not allowed");
    expect(run.stderr).toContain("manifest.card: file path must not contain '.' or '..' segments");
    expect(run.stderr).not.toMatch(/pushing/);
  });

  it("answers usage errors with exit 2", async () => {
    expect((await cli(["push", envelopeDir])).code).toBe(2);
    expect((await cli(["push", envelopeDir, "--model", "credit-risk"], { REGISTRY_TOKEN: "" })).stderr).toMatch(/needs an API token/);
    expect((await cli(["frobnicate"])).code).toBe(2);
    expect((await cli(["verify", "no-version"])).code).toBe(2);
    const help = await cli(["push", "--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: model-registry push <dir> --model <name>/);
  });
});

describe("verify", () => {
  it("downloads every file, checks digests, manifest digest and signature, and keeps verified files with --out", async () => {
    const out = path.join(work, "verified");
    const run = await cli(["verify", "credit-risk@1.0.0", "--out", out]);
    expect(run.code, run.stderr + run.stdout).toBe(0);
    for (const file of ["MODEL_CARD.md", "docs-notes.md", "model.onnx", "test_vectors.json"])
      expect(run.stdout).toMatch(new RegExp(`^✓  ${file.replace(".", "\\.")}\\s`, "m"));
    expect(run.stdout).toMatch(/^✓ {2}\(manifest\)/m);
    expect(run.stdout).toMatch(/^✓ {2}\(signature\)\s+DSSE, key [0-9a-f]{16} \(from the server\)$/m);
    expect(run.stdout).toMatch(/^verified credit-risk@1\.0\.0; files written to /m);
    expect(run.stdout).not.toContain("✗");

    expect(readFileSync(path.join(out, "model.onnx")).equals(readFileSync(path.join(envelopeDir, "model.onnx")))).toBe(true);
    expect(readdirSync(out).sort()).toEqual(["MODEL_CARD.md", "docs-notes.md", "manifest.json", "model.onnx", "signature.json", "test_vectors.json"]);
    const manifest = JSON.parse(readFileSync(path.join(out, "manifest.json"), "utf8"));
    expect(manifest.files["model.onnx"].size).toBe(ARTIFACT_BYTES);
  });

  it("verifies with a pinned public key and reports JSON", async () => {
    const key = (await fetch(`${app.url}/api/v1/signing-key`).then((r) => r.json())) as { publicKeyPem: string };
    const keyFile = path.join(work, "registry.pub.pem");
    writeFileSync(keyFile, key.publicKeyPem);
    const run = await cli(["verify", "credit-risk@1.0.0", "--public-key", keyFile, "--json"]);
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report).toMatchObject({ ok: true, keySource: "pinned", manifestDigest: { ok: true }, signature: { ok: true } });
    expect(report.files).toHaveLength(4);
  });

  it("fails when the pinned key is not the registry's, and keeps nothing in --out", async () => {
    const { generateKeyPairSync } = await import("node:crypto");
    const keyFile = path.join(work, "wrong.pub.pem");
    writeFileSync(keyFile, generateKeyPairSync("ed25519").publicKey.export({ type: "spki", format: "pem" }).toString());
    const out = path.join(work, "not-verified");
    const run = await cli(["verify", "credit-risk@1.0.0", "--public-key", keyFile, "--out", out]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^✗ {2}\(signature\)/m);
    expect(run.stderr).toMatch(/verification FAILED for credit-risk@1\.0\.0:\n {2}signature: the DSSE signature does not verify with the public key/);
    expect(existsSync(out) ? readdirSync(out) : []).toEqual([]);
  });

  it("detects bytes that changed in storage after registration, and keeps nothing in --out", async () => {
    // A version with a file no other version shares, so corrupting its blob affects only this test.
    const dir = path.join(work, "corrupt");
    cpSync(envelopeDir, dir, { recursive: true });
    const manifest = JSON.parse(readFileSync(path.join(dir, "manifest.json"), "utf8"));
    writeFileSync(path.join(dir, "manifest.json"), JSON.stringify({ ...manifest, version: "3.0.0" }));
    const card = `# card ${randomBytes(16).toString("hex")}\n`;
    writeFileSync(path.join(dir, "MODEL_CARD.md"), card);
    expect((await cli(["push", dir, "--model", "credit-risk"])).code).toBe(0);

    // Simulate bit rot / tampering on the storage volume: same length, different bytes.
    const blob = findFile(path.join(app.dataDir, "objects"), sha256(card));
    chmodSync(blob, 0o644);
    writeFileSync(blob, card.toUpperCase());

    const out = path.join(work, "corrupt-out");
    const run = await cli(["verify", "credit-risk@3.0.0", "--out", out]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^✗ {2}MODEL_CARD\.md/m);
    expect(run.stdout).toMatch(/^✓ {2}model\.onnx/m);
    expect(run.stderr).toMatch(/verification FAILED for credit-risk@3\.0\.0:\n {2}MODEL_CARD\.md: /);
    expect(existsSync(out) ? readdirSync(out) : []).toEqual([]);
  });

  it("reports an unknown version with the server's 404", async () => {
    const run = await cli(["verify", "credit-risk@9.9.9"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^error: model 'credit-risk' has no version '9\.9\.9' \(HTTP 404 version_not_found\)$/m);
  });
});

describe("checks", () => {
  it("waits for the server's checks and gates CI: exit 0 when all pass, progress on stderr", async () => {
    const dir = path.join(work, "scorer");
    mkdirSync(dir, { recursive: true });
    const { manifest, files } = sampleEnvelope("scorer-cli", "1.0.0");
    for (const [file, bytes] of Object.entries(files)) writeFileSync(path.join(dir, file), bytes);
    writeFileSync(path.join(dir, "manifest.json"), JSON.stringify(manifest));
    expect((await cli(["push", dir, "--model", "scorer-cli", "--create-model"])).code).toBe(0);

    const waited = await cli(["checks", "scorer-cli@1.0.0", "--wait", "--timeout", "3m"]);
    expect(waited.code, waited.stdout + waited.stderr).toBe(0);
    expect(waited.stdout).toMatch(/^scorer-cli@1\.0\.0: passed/m);
    for (const kind of ["validation", "fairness", "adversarial", "security"]) {
      expect(waited.stdout).toMatch(new RegExp(`^${kind}\\s+pass`, "m"));
      expect(waited.stderr).toMatch(new RegExp(`^${kind}: pass`, "m"));
    }

    const rerun = await cli(["checks", "scorer-cli@1.0.0", "--rerun", "--wait", "--json"]);
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(rerun.stderr).toContain("queued validation, fairness, adversarial, security");
    expect(JSON.parse(rerun.stdout)).toMatchObject({ state: "passed" });
  }, 240_000);

  it("exits 1 and prints the reasons when a check fails", async () => {
    // credit-risk@1.0.0's model.onnx is random bytes: validation and security must fail.
    const result = await cli(["checks", "credit-risk@1.0.0", "--wait", "--timeout", "3m"]);
    expect(result.code, result.stdout + result.stderr).toBe(1);
    expect(result.stdout).toMatch(/^credit-risk@1\.0\.0: failed/m);
    expect(result.stdout).toMatch(/validation \S+: .*not a valid ONNX model/);
    expect((await cli(["checks", "credit-risk"])).code).toBe(2);
  });
});

describe("promotion", () => {
  it("promotes through staging to prod with two reviewers' approvals on the digest, and lists and rolls back", async () => {
    const dir = path.join(work, "promo");
    mkdirSync(dir, { recursive: true });
    const { manifest, files } = sampleEnvelope("promo-cli", "1.0.0");
    files["MODEL_CARD.md"] = Buffer.from(
      "---\nowner: models@bank.example\n---\n# Promo\n## Intended use\nTests.\n## Limitations\nSynthetic data only.\n## Fairness\nSee the registry's fairness check.\n",
    );
    for (const [file, bytes] of Object.entries(files)) writeFileSync(path.join(dir, file), bytes);
    writeFileSync(path.join(dir, "manifest.json"), JSON.stringify(manifest));
    const pushed = await cli(["push", dir, "--model", "promo-cli", "--create-model"]);
    expect(pushed.code, pushed.stderr).toBe(0);
    const digest = digestIn(pushed.stdout)!;

    expect((await cli(["promote", "promo-cli@1.0.0", "--to", "prod", "--reason", "skip"])).stderr).toMatch(/stage_skipped/);
    expect((await cli(["promote", "promo-cli@1.0.0", "--to", "staging"])).code).toBe(2); // no reason
    const staging = await cli(["promote", "promo-cli@1.0.0", "--to", "staging", "--reason", "nightly build", "--wait", "--timeout", "3m"]);
    expect(staging.code, staging.stdout + staging.stderr).toBe(0);
    expect(staging.stdout).toMatch(/^promo-cli@1\.0\.0 → staging: promoted/m);

    const prod = await cli(["promote", "promo-cli@1.0.0", "--to", "prod", "--reason", "Q3 release", "--json"]);
    expect(prod.code, prod.stdout + prod.stderr).toBe(0);
    const request = JSON.parse(prod.stdout) as { id: string; status: string; manifestDigest: string };
    expect([request.status, request.manifestDigest]).toEqual(["awaiting_approval", digest]);

    const listed = await cli(["promotions", "list", "--model", "promo-cli"]);
    expect(listed.stdout).toMatch(new RegExp(`^${request.id}\\s+promo-cli@1\\.0\\.0\\s+→ prod\\s+awaiting_approval\\s+6/7 gates`, "m"));

    // Reviewers approve with tokens of their own (the bootstrap token is nobody's).
    const reviewerTokens: string[] = [];
    for (const name of ["rev-a", "rev-b"]) {
      const email = `${name}@example.com`;
      expect((await api("/api/v1/users", { method: "POST", body: JSON.stringify({ email, name, role: "reviewer", password: "reviewer-password-1" }) })).status).toBe(201);
      const { cookie } = await signIn(app.url, email, "reviewer-password-1");
      const minted = await fetch(`${app.url}/api/v1/tokens`, { method: "POST", headers: { cookie, origin: app.url, "content-type": "application/json" }, body: JSON.stringify({ name: "cli", scopes: ["read", "review"] }) });
      reviewerTokens.push(((await minted.json()) as { token: string }).token);
    }
    const wrong = await cli(["approve", request.id, "--digest", "a".repeat(64)], { REGISTRY_TOKEN: reviewerTokens[0]! });
    expect([wrong.code, wrong.stderr]).toEqual([1, expect.stringMatching(/digest_mismatch/)]);
    expect((await cli(["approve", request.id, "--digest", digest], { REGISTRY_TOKEN: TEST_BOOTSTRAP_TOKEN })).stderr).toMatch(/personal_credential_required/);
    const first = await cli(["approve", request.id, "--digest", `sha256:${digest}`, "--comment", "card read"], { REGISTRY_TOKEN: reviewerTokens[0]! });
    expect(first.stdout).toMatch(/awaiting approval/);
    const second = await cli(["approve", request.id, "--digest", digest], { REGISTRY_TOKEN: reviewerTokens[1]! });
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toMatch(/^promo-cli@1\.0\.0 → prod: promoted/m);
    expect((await api("/api/v1/models/promo-cli/aliases/prod")).body).toMatchObject({ version: "1.0.0", manifestDigest: digest });

    const rollback = await cli(["rollback", "promo-cli", "--reason", "test"]);
    expect([rollback.code, rollback.stderr]).toEqual([1, expect.stringMatching(/no earlier prod version/)]);
    expect((await cli(["promotions", "list", "--model", "promo-cli"])).stdout).toBe("no open promotion requests\n");
  }, 240_000);
});

describe("token", () => {
  it("creates a token through the API that works for the API, lists it and revokes it", async () => {
    const run = await cli(["token", "create", "--name", "ci", "--scopes", "read,write", "--expires-in", "30d", "--user-email", CI_EMAIL]);
    expect(run.code, run.stderr).toBe(0);
    const token = run.stdout.trim();
    expect(run.stdout).toBe(`${token}\n`);
    expect(token).toMatch(/^mr_[A-Za-z0-9_-]{20,}$/);
    expect(run.stderr).toMatch(/created token 'ci': id [0-9a-f-]{36}, prefix mr_\S+, scopes read,write, expires \d{4}-/);
    const id = /id ([0-9a-f-]{36})/.exec(run.stderr)![1]!;

    const models = await api("/api/v1/models", { token });
    expect(models.status).toBe(200);
    expect(models.body.items.map((m: { name: string }) => m.name)).toContain("credit-risk");

    // The new token drives the CLI too.
    const listed = await cli(["token", "list"], { REGISTRY_TOKEN: token });
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toMatch(new RegExp(`^${id}\\s+ci\\s+mr_\\S+\\s+read,write\\s+\\S+\\s+\\S+\\s+active$`, "m"));

    const revoked = await cli(["token", "revoke", id]);
    expect(revoked.code, revoked.stderr).toBe(0);
    expect(revoked.stdout).toMatch(/^revoked token /);
    expect((await api("/api/v1/models", { token })).status).toBe(401);
    const after = await cli(["token", "list", "--token", token]);
    expect(after.code).toBe(1);
    expect(after.stderr).toMatch(/^error: the API token has been revoked \(HTTP 401 token_revoked\)$/m);
  });

  it("prints the server's field errors and refuses bad arguments locally", async () => {
    const run = await cli(["token", "create", "--name", "x", "--scopes", "read", "--user-email", "not-an-email"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/\(HTTP 422 invalid_body\)\n {2}body\.userEmail: /);
    expect((await cli(["token", "create", "--name", "x", "--scopes", "read,superuser"])).code).toBe(2);
    expect((await cli(["token", "create", "--name", "x", "--scopes", "read", "--expires-in", "soon"])).code).toBe(2);
    expect((await cli(["token", "create", "--name", "x", "--scopes", "read", "--direct"])).stderr).toMatch(/--direct needs --user-email/);
  });
});

// Last: it stops the server, because embedded PGlite admits one process at a time.
describe("token create --direct", () => {
  it("refuses to open the embedded database while the server is running", async () => {
    const args = ["token", "create", "--direct", "--name", "too-early", "--scopes", "read", "--user-email", CI_EMAIL];
    const run = await cli(args, { DATA_DIR: app.dataDir, PORT: app.env.PORT!, REGISTRY_TOKEN: "" });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^error: the embedded database .* is in use by process \d+; only one process may open it/m);
    expect(run.stdout).toBe("");
  });

  it("mints a working token from the registry's own configuration while the server is stopped", async () => {
    await app.stop();
    const run = await cli(["token", "create", "--direct", "--name", "bootstrap-ci", "--scopes", "read,write", "--user-email", CI_EMAIL], {
      DATA_DIR: app.dataDir,
      PORT: app.env.PORT!,
      REGISTRY_TOKEN: "",
      LOG_LEVEL: "warn",
    });
    expect(run.code, run.stderr).toBe(0);
    const token = run.stdout.trim();
    expect(token).toMatch(/^mr_/);

    app = await startApp({ DATA_DIR: app.dataDir });
    const models = await api("/api/v1/models", { token });
    expect(models.status).toBe(200);
    const audit = await api("/api/v1/audit?limit=100", { token: TEST_BOOTSTRAP_TOKEN });
    const events = audit.body.items as { action: string; actor: { type: string; id: string }; payload: { name?: string } }[];
    expect(events.filter((e) => e.action === "token.created" && e.payload.name === "bootstrap-ci").map((e) => e.actor)).toEqual([
      expect.objectContaining({ type: "bootstrap", id: "cli" }),
    ]);
  });
});

describe("gc", () => {
  it("removes bytes no version references and keeps every version's bytes", async () => {
    // Bytes a failed upload left behind: stored, but no version references them.
    const { FilesystemObjectStore } = await import("../storage/filesystem.ts");
    const { Readable } = await import("node:stream");
    const store = new FilesystemObjectStore(path.join(app.dataDir, "objects"));
    const orphan = await store.putBlob(Readable.from([randomBytes(4096)]));
    await app.stop();
    await new Promise((r) => setTimeout(r, 1100));
    const env = { DATA_DIR: app.dataDir, REGISTRY_TOKEN: "", LOG_LEVEL: "warn" };
    const dry = await cli(["gc", "--grace", "1s", "--dry-run", "--json"], env);
    expect(dry.code, dry.stderr).toBe(0);
    expect(JSON.parse(dry.stdout)).toMatchObject({ orphans: 1, deleted: 0, dryRun: true });
    const run = await cli(["gc", "--grace", "1s", "--json"], env);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ orphans: 1, deleted: 1, bytesFreed: 4096 });
    expect(await store.statBlob(orphan.digest)).toBeNull();

    app = await startApp({ DATA_DIR: app.dataDir });
    // Every file of every version is still stored (an earlier test corrupts one on purpose, so
    // presence is checked here, not content).
    const models = await api("/api/v1/models?limit=200", { token: TEST_BOOTSTRAP_TOKEN });
    let files = 0;
    for (const model of models.body.items as { name: string }[]) {
      const versions = await api(`/api/v1/models/${model.name}/versions?limit=200`, { token: TEST_BOOTSTRAP_TOKEN });
      for (const v of versions.body.items as { version: string }[]) {
        const detail = await api(`/api/v1/models/${model.name}/versions/${v.version}`, { token: TEST_BOOTSTRAP_TOKEN });
        for (const file of detail.body.files as { sha256: string }[]) {
          expect(await store.statBlob(file.sha256)).not.toBeNull();
          files++;
        }
      }
    }
    expect(files).toBeGreaterThan(0);
  });
});
