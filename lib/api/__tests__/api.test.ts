// The REST contract over real HTTP against the started app (Postgres + S3 protocol), as a CI client
// sees it: every hostile input gets a problem+json 4xx and changes nothing.
import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { validate as validateOpenApi } from "@readme/openapi-parser";
import { canonicalJson } from "@/lib/integrity/canonical-json";
import { verifyEnvelope } from "@/lib/integrity/signing";
import { startApp, TEST_BOOTSTRAP_TOKEN, type AppServer } from "@/lib/testing/app-server";
import { createTestDatabase, type TestDatabase } from "@/lib/testing/db";
import { startS3Server, type TestS3 } from "@/lib/testing/s3-server";
import { envelopeForm, sampleEnvelope, sha256 } from "./envelope-fixture";
import { hostileCases } from "@/lib/checks/testing/hostile-envelopes";
import { sampleEnvelope as checkedEnvelope } from "@/lib/checks/testing/sample-envelope";
import { existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";

let db: TestDatabase;
let s3: TestS3;
let app: AppServer;
const MAX_UPLOAD = 4 * 1024 * 1024;

beforeAll(async () => {
  [db, s3] = await Promise.all([createTestDatabase({ migrate: false }), startS3Server()]);
  // Without a Postgres server (createTestDatabase said so) the app runs on its embedded PGlite.
  app = await startApp({ ...(db.url ? { DATABASE_URL: db.url } : {}), ...s3.env, MAX_UPLOAD_BYTES: String(MAX_UPLOAD), CHECK_CONCURRENCY: "2" });
});

afterAll(async () => {
  if (process.env.DEBUG_APP_OUTPUT) console.log(app?.output());
  await app?.stop();
  await Promise.all([s3?.stop(), db?.drop()]);
});

type Json = Record<string, any>;

async function api(path: string, init: RequestInit & { token?: string | null } = {}): Promise<{ status: number; body: Json; headers: Headers }> {
  const headers = new Headers(init.headers);
  const token = init.token === undefined ? TEST_BOOTSTRAP_TOKEN : init.token;
  if (token) headers.set("authorization", `Bearer ${token}`);
  if (typeof init.body === "string" && !headers.has("content-type")) headers.set("content-type", "application/json");
  const res = await fetch(app.url + path, { ...init, headers });
  const text = await res.text();
  return { status: res.status, body: parseBody(text), headers: res.headers };
}

function parseBody(text: string): Json {
  try {
    return text ? (JSON.parse(text) as Json) : {};
  } catch {
    return { raw: text };
  }
}

const post = (path: string, body: unknown, token?: string | null) => api(path, { method: "POST", body: JSON.stringify(body), token });

async function upload(model: string, form: FormData, init: { token?: string | null; headers?: Record<string, string> } = {}) {
  return api(`/api/v1/models/${model}/versions`, { method: "POST", body: form, ...init });
}

function expectProblem(res: { status: number; body: Json; headers: Headers }, status: number, code?: string) {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.headers.get("content-type")).toMatch(/^application\/problem\+json/);
  expect(res.body).toMatchObject({ status, type: expect.stringMatching(/^urn:model-registry:problem:/), title: expect.any(String), detail: expect.any(String) });
  if (code) expect(res.body.code).toBe(code);
}

/** What must not change when a request is refused, seen through the API like any client. */
async function snapshot(model: string) {
  // Workers keep writing check results in the background, so the audit log is compared by the
  // actions a refused upload could have written, not by its total length.
  const [versions, registered, requested, audit, health] = await Promise.all([
    api(`/api/v1/models/${model}/versions?limit=200`),
    api("/api/v1/audit?action=version.registered&limit=200"),
    api("/api/v1/audit?action=checks.requested&limit=200"),
    api("/api/v1/audit/verify"),
    api("/api/v1/health", { token: null }),
  ]);
  expect(health.status).toBe(200);
  return {
    versions: versions.body.items.map((v: Json) => `${v.version}:${v.manifestDigest}`),
    registered: registered.body.items.length,
    checksRequested: requested.body.items.length,
    chainOk: audit.body.ok,
  };
}

async function createUserWithToken(email: string, role: string, scopes: string[]) {
  const user = await post("/api/v1/users", { email, name: email, role });
  expect(user.status).toBe(201);
  const token = await post("/api/v1/tokens", { name: `${role}-token`, scopes, userEmail: email });
  expect(token.status).toBe(201);
  return token.body.token as string;
}

describe("system endpoints", () => {
  it("health reports database, storage and queue without auth", async () => {
    const res = await api("/api/v1/health", { token: null });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: "ok", db: { ok: true, kind: db.url ? "postgres" : "pglite" }, storage: { ok: true, driver: "s3" } });
    expect(["unknown", true, false]).toContain(res.body.storage.objectLock);
  });

  it("serves an OpenAPI 3.1 document that a standard validator accepts and that lists the contract", async () => {
    const res = await api("/api/v1/openapi.json", { token: null });
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe("3.1.0");
    const validation = await validateOpenApi(structuredClone(res.body) as never);
    expect(validation).toMatchObject({ valid: true });
    for (const path of [
      "/api/v1/models",
      "/api/v1/models/{name}",
      "/api/v1/models/{name}/versions",
      "/api/v1/models/{name}/versions/{version}",
      "/api/v1/models/{name}/versions/{version}/files/{path}",
      "/api/v1/models/{name}/aliases/{alias}",
      "/api/v1/audit",
      "/api/v1/audit/verify",
      "/api/v1/users",
      "/api/v1/tokens",
      "/api/v1/tokens/{id}",
    ])
      expect(Object.keys(res.body.paths)).toContain(path);
  });
});

describe("authentication", () => {
  it.each([
    ["no header", undefined],
    ["garbage token", "Bearer nope"],
    ["wrong scheme", `Basic ${TEST_BOOTSTRAP_TOKEN}`],
  ])("refuses %s with 401", async (_label, header) => {
    const res = await fetch(`${app.url}/api/v1/models`, { headers: header ? { authorization: header } : {} });
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toMatch(/^Bearer/);
  });

  it("refuses expired and revoked tokens, and a token never exceeds its user's role", async () => {
    const viewerToken = await createUserWithToken("viewer@example.com", "viewer", ["read"]);
    expect((await api("/api/v1/models", { token: viewerToken })).status).toBe(200);
    expectProblem(await post("/api/v1/models", { name: "viewer-made" }, viewerToken), 403, "insufficient_scope");
    expectProblem(await post("/api/v1/tokens", { name: "x", scopes: ["write"], userEmail: "viewer@example.com" }), 403, "scope_exceeds_role");

    const list = await api("/api/v1/tokens", { token: viewerToken });
    const tokenId = list.body.items[0].id as string;
    expect(list.body.items.every((t: Json) => !("token" in t) && !("hash" in t))).toBe(true);
    expect((await api(`/api/v1/tokens/${tokenId}`, { method: "DELETE", token: viewerToken })).status).toBe(200);
    expectProblem(await api("/api/v1/models", { token: viewerToken }), 401, "token_revoked");

    const expiresAt = Date.now() + 4000;
    const short = await post("/api/v1/tokens", { name: "short", scopes: ["read"], userEmail: "viewer@example.com", expiresAt: new Date(expiresAt).toISOString() });
    expect(short.status).toBe(201);
    expect((await api("/api/v1/models", { token: short.body.token })).status).toBe(200);
    await new Promise((r) => setTimeout(r, Math.max(0, expiresAt - Date.now()) + 100));
    expectProblem(await api("/api/v1/models", { token: short.body.token }), 401, "token_expired");
  });

  it("keeps other users' tokens invisible", async () => {
    const a = await createUserWithToken("a@example.com", "contributor", ["read", "write"]);
    const b = await createUserWithToken("b@example.com", "contributor", ["read"]);
    const aTokens = await api("/api/v1/tokens", { token: a });
    const bTokens = await api("/api/v1/tokens", { token: b });
    expect(aTokens.body.items.map((t: Json) => t.id)).not.toEqual(expect.arrayContaining(bTokens.body.items.map((t: Json) => t.id)));
    expectProblem(await api(`/api/v1/tokens/${aTokens.body.items[0].id}`, { method: "DELETE", token: b }), 404, "token_not_found");
    expectProblem(await api("/api/v1/users", { token: a }), 403);
  });
});

describe("models", () => {
  it("creates, reads, updates and refuses duplicates and bad names", async () => {
    const created = await post("/api/v1/models", { name: "credit-risk", description: "PD model", tags: ["finance"] });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: "credit-risk", description: "PD model", tags: ["finance"], versionCount: 0 });
    expectProblem(await post("/api/v1/models", { name: "credit-risk" }), 409, "model_exists");
    for (const name of ["../etc", "a..b", "UPPER", "-x", "", "a/b"]) expectProblem(await post("/api/v1/models", { name }), 422, "invalid_body");
    expectProblem(await post("/api/v1/models", { name: "ok-name", owner: "someone" }), 422, "invalid_body");
    expectProblem(await api("/api/v1/models", { method: "POST", body: "{not json", headers: { "content-type": "application/json" } }), 400, "malformed_json");
    expectProblem(await api("/api/v1/models", { method: "POST", body: "name=x", headers: { "content-type": "application/x-www-form-urlencoded" } }), 415);

    const patched = await api("/api/v1/models/credit-risk", { method: "PATCH", body: JSON.stringify({ description: "Probability of default", tags: ["finance", "pd"] }) });
    expect(patched.body).toMatchObject({ description: "Probability of default", tags: ["finance", "pd"] });
    expectProblem(await api("/api/v1/models/credit-risk", { method: "PATCH", body: JSON.stringify({ name: "renamed" }) }), 422);
    expectProblem(await api("/api/v1/models/no-such-model"), 404, "model_not_found");
    expectProblem(await api("/api/v1/models/..%2F..%2Fetc"), 400, "invalid_params");
  });

  it("pages with a cursor and searches", async () => {
    for (const n of ["page-a", "page-b", "page-c", "page-d", "page-e"]) expect((await post("/api/v1/models", { name: n, tags: ["paging"] })).status).toBe(201);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: { body: Json } = await api(`/api/v1/models?q=page-&limit=2${cursor ? `&cursor=${cursor}` : ""}`);
      expect(res.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...res.body.items.map((m: Json) => m.name));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(["page-a", "page-b", "page-c", "page-d", "page-e"]);
    expect((await api("/api/v1/models?q=paging")).body.items).toHaveLength(5);
    expectProblem(await api("/api/v1/models?cursor=zzz"), 400, "invalid_cursor");
    expectProblem(await api("/api/v1/models?cursor=%%%"), 400, "invalid_encoding");
    expectProblem(await api("/api/v1/models?limit=100000"), 400, "invalid_query");
  });
});

describe("versions", () => {
  const model = "uploads";
  let envelope: ReturnType<typeof sampleEnvelope>;

  beforeAll(async () => {
    expect((await post("/api/v1/models", { name: model })).status).toBe(201);
    envelope = sampleEnvelope(model, "1.0.0");
  });

  it("registers an envelope atomically and serves every file byte-identical", async () => {
    const res = await upload(model, envelopeForm(envelope.manifest, envelope.files));
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    // Checks are queued in the upload's own transaction, so a new version is already "checking".
    expect(res.body).toMatchObject({ model, version: "1.0.0", status: "checking", stage: "dev", checks: { state: "running" } });
    // The identity is the sha256 of the canonical manifest with every file's digest and size.
    const files = Object.fromEntries(Object.entries(envelope.files).map(([p, b]) => [p, { sha256: sha256(b), size: b.length }]));
    for (const [p, f] of Object.entries(files)) expect(res.body.manifest.files[p]).toMatchObject(f);
    expect(res.body.manifestDigest).toBe(sha256(canonicalJson(res.body.manifest)));
    const key = await api("/api/v1/signing-key", { token: null });
    expect(verifyEnvelope(res.body.signature, key.body.publicKeyPem)).toBe(true);

    for (const [path, bytes] of Object.entries(envelope.files)) {
      const download = await fetch(`${app.url}/api/v1/models/${model}/versions/1.0.0/files/${path}`, { headers: { authorization: `Bearer ${TEST_BOOTSTRAP_TOKEN}` } });
      expect(download.status).toBe(200);
      expect(download.headers.get("etag")).toBe(`"sha256:${sha256(bytes)}"`);
      expect(Buffer.from(await download.arrayBuffer()).equals(bytes)).toBe(true);
    }
  });

  it("supports Range and conditional requests", async () => {
    const bytes = envelope.files["model.onnx"]!;
    const url = `${app.url}/api/v1/models/${model}/versions/1.0.0/files/model.onnx`;
    const auth = { authorization: `Bearer ${TEST_BOOTSTRAP_TOKEN}` };
    const partial = await fetch(url, { headers: { ...auth, range: "bytes=100-199" } });
    expect(partial.status).toBe(206);
    expect(partial.headers.get("content-range")).toBe(`bytes 100-199/${bytes.length}`);
    expect(Buffer.from(await partial.arrayBuffer()).equals(bytes.subarray(100, 200))).toBe(true);
    const suffix = await fetch(url, { headers: { ...auth, range: "bytes=-10" } });
    expect(Buffer.from(await suffix.arrayBuffer()).equals(bytes.subarray(bytes.length - 10))).toBe(true);
    expect((await fetch(url, { headers: { ...auth, range: `bytes=${bytes.length}-` } })).status).toBe(416);
    const etag = `"sha256:${sha256(bytes)}"`;
    expect((await fetch(url, { headers: { ...auth, "if-none-match": etag } })).status).toBe(304);
    expectProblem(await api(`/api/v1/models/${model}/versions/1.0.0/files/nope.bin`), 404, "file_not_found");
    expectProblem(await api(`/api/v1/models/${model}/versions/9.9.9/files/model.onnx`), 404, "version_not_found");
  });

  it("lists and gets versions; aliases are 404 until promotions exist", async () => {
    const one = await api(`/api/v1/models/${model}/versions/1.0.0`);
    expect(one.body.files.map((f: Json) => f.path).sort()).toEqual(Object.keys(envelope.files).sort());
    const second = sampleEnvelope(model, "1.1.0-rc.1");
    expect((await upload(model, envelopeForm(second.manifest, second.files))).status).toBe(201);
    const page1 = await api(`/api/v1/models/${model}/versions?limit=1`);
    expect(page1.body.items.map((v: Json) => v.version)).toEqual(["1.1.0-rc.1"]);
    const page2 = await api(`/api/v1/models/${model}/versions?limit=1&cursor=${page1.body.nextCursor}`);
    expect(page2.body.items.map((v: Json) => v.version)).toEqual(["1.0.0"]);
    expectProblem(await api(`/api/v1/models/${model}/aliases/prod`), 404, "alias_not_found");
  });

  it("returns the first result for a retried upload with the same Idempotency-Key", async () => {
    const env = sampleEnvelope(model, "2.0.0");
    const headers = { "idempotency-key": "retry-2.0.0" };
    const first = await upload(model, envelopeForm(env.manifest, env.files), { headers });
    const again = await upload(model, envelopeForm(env.manifest, env.files), { headers });
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(again.body.manifestDigest).toBe(first.body.manifestDigest);
    const other = sampleEnvelope(model, "2.0.1");
    expectProblem(await upload(model, envelopeForm(other.manifest, other.files), { headers }), 422, "idempotency_key_reused");
  });

  describe("refuses hostile input with problem+json and changes nothing", () => {
    const cases: [string, () => { manifest: Json; files: Record<string, Buffer>; form?: FormData }, number, string][] = [
      ["invalid semver", () => mutate((m) => (m.version = "1.0")), 422, "invalid_manifest"],
      ["build metadata", () => mutate((m) => (m.version = "1.0.0+build")), 422, "invalid_manifest"],
      ["duplicate version", () => ({ ...sampleEnvelope(model, "1.0.0") }), 409, "version_exists"],
      ["path traversal in a manifest path", () => mutate((m) => (m.card = "../../etc/passwd")), 422, "invalid_manifest"],
      ["absolute path", () => mutate((m) => (m.artifact.path = "/etc/passwd")), 422, "invalid_manifest"],
      ["path traversal in a part name", () => withExtraPart("../evil.sh"), 422, "undeclared_file"],
      ["undeclared file (training data)", () => withExtraPart("train.csv"), 422, "undeclared_file"],
      ["declared training data", () => mutate((m, f) => ((m.files["train.parquet"] = {}), (f["train.parquet"] = Buffer.from("x")))), 422, "invalid_manifest"],
      ["digest mismatch", () => mutate((m) => (m.files["model.onnx"].sha256 = "0".repeat(64))), 422, "digest_mismatch"],
      ["missing declared file", () => mutate((_m, f) => delete f["MODEL_CARD.md"]), 422, "missing_file"],
      ["unknown manifest field", () => mutate((m) => (m.trainingData = "s3://bucket/train.csv")), 422, "invalid_manifest"],
      ["manifest for another model", () => mutate((m) => (m.name = "other-model")), 422, "invalid_manifest"],
      ["oversize upload", () => mutate((m, f) => ((f["model.onnx"] = Buffer.alloc(MAX_UPLOAD + 1)), delete m.files["model.onnx"].sha256)), 413, "upload_too_large"],
    ];

    function mutate(change: (m: Json, f: Record<string, Buffer>) => unknown) {
      const env = sampleEnvelope(model, "3.0.0");
      const manifest = structuredClone(env.manifest) as Json;
      change(manifest, env.files);
      return { manifest, files: env.files };
    }
    function withExtraPart(name: string) {
      const env = sampleEnvelope(model, "3.0.0");
      return { ...env, files: { ...env.files, [name]: Buffer.from("#!/bin/sh\nrm -rf /\n") } };
    }

    it.each(cases)("%s", async (_label, make, status, code) => {
      const before = await snapshot(model);
      const { manifest, files } = make();
      expectProblem(await upload(model, envelopeForm(manifest, files)), status, code);
      expect(await snapshot(model)).toEqual(before);
    });

    it("a manifest that is not the first part", async () => {
      const before = await snapshot(model);
      const env = sampleEnvelope(model, "3.0.0");
      const form = new FormData();
      form.append("model.onnx", new Blob([new Uint8Array(env.files["model.onnx"]!)]), "model.onnx");
      form.append("manifest", JSON.stringify(env.manifest));
      expectProblem(await upload(model, form), 400, "manifest_first");
      expect(await snapshot(model)).toEqual(before);
    });

    it("an oversize upload streamed without Content-Length", async () => {
      const before = await snapshot(model);
      const env = sampleEnvelope(model, "3.0.0");
      delete (env.manifest.files as Json)["model.onnx"].sha256;
      const form = envelopeForm(env.manifest, { ...env.files, "model.onnx": Buffer.alloc(MAX_UPLOAD + 1024, 7) });
      // Re-send the form as a stream so the request is chunked: the limit must hold while reading.
      const encoded = new Response(form);
      const res = await fetch(`${app.url}/api/v1/models/${model}/versions`, {
        method: "POST",
        headers: { authorization: `Bearer ${TEST_BOOTSTRAP_TOKEN}`, "content-type": encoded.headers.get("content-type")! },
        body: encoded.body,
        duplex: "half",
      } as RequestInit);
      expect(res.status).toBe(413);
      expect((await res.json()).code).toBe("upload_too_large");
      expect(await snapshot(model)).toEqual(before);
    });

    it("a body that is not multipart", async () => {
      expectProblem(await api(`/api/v1/models/${model}/versions`, { method: "POST", body: JSON.stringify({}) }), 415, "multipart_required");
    });

    it("a truncated multipart body", async () => {
      const before = await snapshot(model);
      const env = sampleEnvelope(model, "3.0.0");
      const boundary = "----trunc";
      const body = `--${boundary}\r\ncontent-disposition: form-data; name="manifest"\r\n\r\n${JSON.stringify(env.manifest)}\r\n--${boundary}\r\ncontent-disposition: form-data; name="model.onnx"; filename="model.onnx"\r\ncontent-type: application/octet-stream\r\n\r\nhalf of a model`;
      expectProblem(await api(`/api/v1/models/${model}/versions`, { method: "POST", body, headers: { "content-type": `multipart/form-data; boundary=${boundary}` } }), 400, "malformed_multipart");
      expect(await snapshot(model)).toEqual(before);
    });

    it("a client that disconnects mid-upload", async () => {
      const before = await snapshot(model);
      const env = sampleEnvelope(model, "3.0.0", { artifactSize: 1024 * 1024 });
      const boundary = "----gone";
      const head = `--${boundary}\r\ncontent-disposition: form-data; name="manifest"\r\n\r\n${JSON.stringify(env.manifest)}\r\n--${boundary}\r\ncontent-disposition: form-data; name="model.onnx"; filename="model.onnx"\r\n\r\n`;
      const { port } = new URL(app.url);
      await new Promise<void>((resolve) => {
        const socket = connect(Number(port), "127.0.0.1", () => {
          socket.write(
            `POST /api/v1/models/${model}/versions HTTP/1.1\r\nhost: 127.0.0.1\r\nauthorization: Bearer ${TEST_BOOTSTRAP_TOKEN}\r\ncontent-type: multipart/form-data; boundary=${boundary}\r\ncontent-length: 3000000\r\n\r\n`,
          );
          socket.write(head);
          socket.write(env.files["model.onnx"]!.subarray(0, 300_000), () => setTimeout(() => (socket.destroy(), resolve()), 200));
        });
        socket.on("error", () => resolve());
      });
      await new Promise((r) => setTimeout(r, 500));
      expect(await snapshot(model)).toEqual(before);
      // The registry is fine afterwards and the same upload now succeeds.
      expect((await upload(model, envelopeForm(env.manifest, env.files))).status).toBe(201);
    });
  });

  it("accepts the manifest as a file part too (curl -F manifest=@manifest.json)", async () => {
    const env = sampleEnvelope(model, "4.0.0");
    expect((await upload(model, envelopeForm(env.manifest, env.files, { manifestAsFile: true }))).status).toBe(201);
  });

  it("needs the write scope", async () => {
    const reader = await createUserWithToken("reader@example.com", "viewer", ["read"]);
    const env = sampleEnvelope(model, "5.0.0");
    expectProblem(await upload(model, envelopeForm(env.manifest, env.files), { token: reader }), 403, "insufficient_scope");
  });
});

async function waitForChecks(model: string, version: string, timeoutMs = 120_000): Promise<Json> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await api(`/api/v1/models/${model}/versions/${version}/checks`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    if (res.body.latest.length === 4 && res.body.latest.every((r: Json) => r.status === "finished")) return res.body;
    if (Date.now() > deadline) throw new Error(`checks of ${model}@${version} did not finish: ${JSON.stringify(res.body.latest)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const verdictsOf = (checks: Json) => Object.fromEntries(checks.latest.map((r: Json) => [r.kind, r.verdict]));

describe("checks", () => {
  const model = "checked";
  beforeAll(async () => {
    expect((await post("/api/v1/models", { name: model })).status).toBe(201);
  });

  it("runs all four checks after an upload, with no request waiting on them", async () => {
    const envelope = checkedEnvelope(model, "1.0.0");
    const started = Date.now();
    const res = await upload(model, envelopeForm(envelope.manifest, envelope.files));
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(res.body.checks.latest.map((r: Json) => r.status)).toEqual(["queued", "queued", "queued", "queued"]);
    const checks = await waitForChecks(model, "1.0.0");
    expect(verdictsOf(checks), JSON.stringify(checks.latest.map((r: Json) => [r.kind, r.summary]))).toEqual({
      validation: "pass",
      fairness: "pass",
      adversarial: "pass",
      security: "pass",
    });
    const fairness = checks.latest.find((r: Json) => r.kind === "fairness");
    expect(fairness.metrics.rows).toBe(2000);
    expect(fairness.log).toMatchObject({ truncated: false });
    expect(fairness.log.text).toMatch(/running fairness for checked@1\.0\.0/);
    expect(fairness.thresholds).toMatchObject({ minDemographicParityRatio: 0.8, maxEqualizedOddsDifference: 0.1 });
    const version = await api(`/api/v1/models/${model}/versions/1.0.0`);
    expect(version.body).toMatchObject({ status: "checked", checks: { state: "passed" } });
  });

  it("reruns on request (202), keeps the history, and refuses readers, unknown versions and bad bodies", async () => {
    const rerun = await post(`/api/v1/models/${model}/versions/1.0.0/checks`, { kinds: ["security"], seed: 7 });
    expect(rerun.status, JSON.stringify(rerun.body)).toBe(202);
    expect(rerun.body.runs).toEqual([{ id: expect.any(String), kind: "security" }]);
    const checks = await waitForChecks(model, "1.0.0");
    expect(checks.latest.find((r: Json) => r.kind === "security")).toMatchObject({ id: rerun.body.runs[0].id, seed: 7, trigger: "rerun", verdict: "pass" });
    expect(checks.history.filter((r: Json) => r.kind === "security")).toHaveLength(2);

    const reader = await createUserWithToken("check-reader@example.com", "viewer", ["read"]);
    expect((await api(`/api/v1/models/${model}/versions/1.0.0/checks`, { token: reader })).status).toBe(200);
    expectProblem(await post(`/api/v1/models/${model}/versions/1.0.0/checks`, {}, reader), 403, "insufficient_scope");
    expectProblem(await post(`/api/v1/models/${model}/versions/9.9.9/checks`, {}), 404, "version_not_found");
    expectProblem(await post(`/api/v1/models/${model}/versions/1.0.0/checks`, { kinds: ["astrology"] }), 422);
    expectProblem(await post(`/api/v1/models/${model}/versions/1.0.0/checks`, { seed: -1 }), 422);
  });

  it("takes thresholds from the default policy, overridable per model by admins only (audited)", async () => {
    const policy = await api(`/api/v1/models/${model}/policy`);
    expect(policy.status).toBe(200);
    expect(policy.body.effective.thresholds.fairness).toMatchObject({ minDemographicParityRatio: 0.8, maxEqualizedOddsDifference: 0.1 });
    expect(policy.body.effective.thresholds.adversarial).toMatchObject({ maxFlipRate: 0.05 });

    const contributor = await createUserWithToken("policy-contrib@example.com", "contributor", ["read", "write"]);
    const body = JSON.stringify({ thresholds: { fairness: { maxEqualizedOddsDifference: 0.05 } } });
    expectProblem(await api(`/api/v1/models/${model}/policy`, { method: "PUT", body, token: contributor }), 403);
    expectProblem(await api(`/api/v1/models/${model}/policy`, { method: "PUT", body: JSON.stringify({ thresholds: { fairness: { minDemographicParityRatio: 2 } } }) }), 422);
    expectProblem(await api(`/api/v1/models/${model}/policy`, { method: "PUT", body: JSON.stringify({ thresholds: { fairnes: {} } }) }), 422);

    const updated = await api(`/api/v1/models/${model}/policy`, { method: "PUT", body });
    expect(updated.status, JSON.stringify(updated.body)).toBe(200);
    expect(updated.body.effective.thresholds.fairness).toMatchObject({ minDemographicParityRatio: 0.8, maxEqualizedOddsDifference: 0.05 });
    const rerun = await post(`/api/v1/models/${model}/versions/1.0.0/checks`, { kinds: ["fairness"] });
    const checks = await waitForChecks(model, "1.0.0");
    expect(checks.latest.find((r: Json) => r.kind === "fairness")).toMatchObject({ id: rerun.body.runs[0].id, thresholds: { maxEqualizedOddsDifference: 0.05 } });
    const audit = await api(`/api/v1/audit?action=model.policy_updated&subjectId=${model}`);
    const event = audit.body.items[0];
    expect(event.payload).toMatchObject({ before: {}, after: { thresholds: { fairness: { maxEqualizedOddsDifference: 0.05 } } } });
    expect((await api(`/api/v1/models/${model}/policy`, { method: "PUT", body: "{}" })).status).toBe(200);
  });

  it("gives every hostile envelope the right verdict with a message a reviewer understands", async () => {
    const hostile = "hostile";
    expect((await post("/api/v1/models", { name: hostile })).status).toBe(201);
    const touchPath = path.join(os.tmpdir(), `registry-pwned-${Date.now()}`);
    const cases = hostileCases(hostile, { touchPath });
    for (const c of cases) {
      const res = await upload(hostile, envelopeForm(c.envelope.manifest, c.envelope.files));
      expect(res.status, `${c.name}: ${JSON.stringify(res.body)}`).toBe(201);
    }
    for (const c of cases) {
      const checks = await waitForChecks(hostile, c.envelope.manifest.version as string);
      for (const [kind, want] of Object.entries(c.expect)) {
        const run = checks.latest.find((r: Json) => r.kind === kind);
        const text = `${run.summary}\n${run.findings.map((f: Json) => f.message).join("\n")}`;
        expect(run.verdict, `${c.name} / ${kind}: ${text}`).toBe(want!.verdict);
        if (want!.mentions) expect(text, `${c.name} / ${kind}`).toMatch(want!.mentions);
      }
      expect(checks.state, c.name).toBe("failed");
    }
    // The registry never executed the pickle: its payload would have created this file.
    expect(existsSync(touchPath)).toBe(false);
  }, 180_000); // nine envelopes, 36 checks through the workers: minutes on a busy 2-core machine
});

describe("audit", () => {
  it("records every change in a verifiable chain, readable by auditors only", async () => {
    const res = await api("/api/v1/audit?limit=200");
    expect(res.status).toBe(200);
    const actions = res.body.items.map((e: Json) => e.action);
    expect(actions).toEqual(expect.arrayContaining(["user.created", "token.created", "model.created", "model.updated", "version.registered", "token.revoked"]));
    for (let i = 1; i < res.body.items.length; i++) expect(res.body.items[i].prevHash).toBe(res.body.items[i - 1].hash);
    const verify = await api("/api/v1/audit/verify");
    expect(verify.body).toMatchObject({ ok: true, events: expect.any(Number) });
    expect(verify.body.events).toBeGreaterThan(5);

    const contributor = await createUserWithToken("contrib@example.com", "contributor", ["read", "write"]);
    expectProblem(await api("/api/v1/audit", { token: contributor }), 403, "auditor_required");
    const auditor = await createUserWithToken("auditor@example.com", "auditor", ["read"]);
    expect((await api("/api/v1/audit/verify", { token: auditor })).body.ok).toBe(true);
  });
});

describe("restart", () => {
  it("finds everything again after the app restarts", async () => {
    const before = await api("/api/v1/models/uploads/versions/1.0.0");
    await app.stop();
    app = await startApp({ ...app.env, DATA_DIR: app.dataDir });
    const after = await api("/api/v1/models/uploads/versions/1.0.0");
    expect(after.body.manifestDigest).toBe(before.body.manifestDigest);
    const file = await fetch(`${app.url}/api/v1/models/uploads/versions/1.0.0/files/model.onnx`, { headers: { authorization: `Bearer ${TEST_BOOTSTRAP_TOKEN}` } });
    expect(sha256(Buffer.from(await file.arrayBuffer()))).toBe(before.body.manifest.files["model.onnx"].sha256);
    expect((await api("/api/v1/audit/verify")).body.ok).toBe(true);
  });
});
