// Uploads through the real service against real Postgres and an S3-protocol store: what the registry
// refuses at the door (media types that cannot be headers, unbounded free-form JSON, truncated
// bodies), what an Idempotency-Key replays, and that every refusal stores nothing.
import { randomBytes, createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiToken, authenticateBearer } from "../auth/tokens.ts";
import { createUser } from "../auth/users.ts";
import { requestChecksOnRegistration } from "../checks/request-checks.ts";
import type { Actor } from "../auth/roles.ts";
import { parseConfig } from "../config/index.ts";
import type { Db } from "../db/types.ts";
import { AppError, type ErrorKind } from "../errors/app-error.ts";
import { loadSigner } from "../integrity/signing.ts";
import { createObjectStore, type ObjectStore } from "../storage/index.ts";
import { createTestDatabase, type TestDatabase } from "../testing/db.ts";
import { startS3Server, type TestS3 } from "../testing/s3-server.ts";
import { downloadVersionFile } from "./download-file.ts";
import { FREE_FORM_LIMITS } from "./free-form.ts";
import { createModel, setModelOwners } from "./models.ts";
import { uploadVersion, type UploadDeps } from "./upload-version.ts";

const MODEL = "uploads";
const admin: Actor = { type: "bootstrap", id: "bootstrap", email: "bootstrap@localhost", role: "admin", scopes: ["read", "write", "review", "admin"] };

let db: TestDatabase;
let s3: TestS3;
let store: ObjectStore;
let keysDir: string;
let deps: UploadDeps;
/** Two tokens of one contributor, for the per-credential scope of Idempotency-Key. */
let ciToken: Actor;
let otherToken: Actor;

const sha256 = (data: Buffer | string) => createHash("sha256").update(data).digest("hex");

type Json = Record<string, any>;
type Envelope = { manifest: Json; files: Record<string, Buffer> };

/** A small envelope; `declareDigests: false` leaves files[*].sha256 out, as a hand-written manifest would. */
function envelope(version: string, { declareDigests = false } = {}): Envelope {
  const files = { "model.onnx": randomBytes(4096), "notes.txt": Buffer.from(`notes for ${version}\n`) };
  const manifest: Json = {
    name: MODEL,
    version,
    artifact: { path: "model.onnx", format: "onnx" },
    files: { "notes.txt": { mediaType: "text/plain; charset=utf-8" } },
  };
  if (declareDigests) for (const [p, bytes] of Object.entries(files)) manifest.files[p] = { ...manifest.files[p], sha256: sha256(bytes) };
  return { manifest, files };
}

/** multipart/form-data built by undici's FormData (not the registry's code), manifest first. */
async function encode({ manifest, files }: Envelope, manifestText = JSON.stringify(manifest)) {
  const form = new FormData();
  form.append("manifest", manifestText);
  for (const [p, bytes] of Object.entries(files)) form.append(p, new Blob([new Uint8Array(bytes)]), p);
  const request = new Request("http://registry.test/upload", { method: "POST", body: form });
  return { contentType: request.headers.get("content-type")!, bytes: Buffer.from(await request.arrayBuffer()) };
}

async function upload(env: Envelope, { actor = admin, key, manifestText, uploadDeps = deps }: { actor?: Actor; key?: string; manifestText?: string; uploadDeps?: UploadDeps } = {}) {
  const { contentType, bytes } = await encode(env, manifestText);
  return uploadRaw(contentType, Readable.from([bytes]), { actor, key, uploadDeps });
}

function uploadRaw(contentType: string, body: Readable, { actor = admin, key, uploadDeps = deps }: { actor?: Actor; key?: string; uploadDeps?: UploadDeps } = {}) {
  return uploadVersion(uploadDeps, { actor, model: MODEL, contentType, contentLength: null, body, idempotencyKey: key });
}

/** The AppError an upload was refused with (fails the test if it was accepted). */
async function refusal(result: Promise<unknown>): Promise<AppError> {
  const outcome = await result.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  if (!("error" in outcome)) throw new Error(`expected a refusal, got ${JSON.stringify(outcome.value).slice(0, 300)}`);
  if (!(outcome.error instanceof AppError)) throw outcome.error;
  return outcome.error;
}

function expectRefused(error: AppError, kind: ErrorKind, code: string, paths?: string[]) {
  expect({ kind: error.kind, code: error.code }, error.message).toEqual({ kind, code });
  if (paths) expect(error.errors?.map((e) => e.path)).toEqual(paths);
}

/** Everything an upload can leave behind in the database. */
async function rows(prisma: Db = db.prisma) {
  const [versions, versionFiles, blobs, auditEvents, idempotencyRecords, checkRuns] = await Promise.all([
    prisma.modelVersion.count(),
    prisma.versionFile.count(),
    prisma.blob.count(),
    prisma.auditEvent.count(),
    prisma.idempotencyRecord.count(),
    prisma.checkRun.count(),
  ]);
  return { versions, versionFiles, blobs, auditEvents, idempotencyRecords, checkRuns };
}

/** The digests of every object in the store. */
async function objects(): Promise<string[]> {
  const digests: string[] = [];
  for await (const blob of store.listBlobs()) digests.push(blob.digest);
  return digests.sort();
}

async function snapshot() {
  return { rows: await rows(), objects: await objects() };
}

async function download(version: string, file: string) {
  const result = await downloadVersionFile({ prisma: db.prisma, store }, { model: MODEL, version, path: file, range: null, ifNoneMatch: null });
  const chunks: Buffer[] = [];
  if (result.body instanceof Readable) for await (const chunk of result.body) chunks.push(chunk as Buffer);
  const headers = new Headers(result.headers);
  return { response: { status: result.status, headers }, bytes: Buffer.concat(chunks) };
}

beforeAll(async () => {
  [db, s3] = await Promise.all([createTestDatabase(), startS3Server()]);
  keysDir = mkdtempSync(path.join(os.tmpdir(), "upload-keys-"));
  store = createObjectStore(parseConfig({ ...s3.env, DATA_DIR: keysDir }).storage);
  await store.ensureReady();
  deps = {
    prisma: db.prisma,
    store,
    signer: loadSigner({ dataDir: keysDir }),
    config: { limits: { maxUploadBytes: 8 * 1024 * 1024, maxManifestBytes: 1024 * 1024, maxFilesPerVersion: 20 } },
    // As the server wires it: the upload queues the version's checks (no queue here; nothing runs them).
    onVersionRegistered: requestChecksOnRegistration(),
  };
  await createModel(db.prisma, { actor: admin, name: MODEL });
  await createUser(db.prisma, { actor: admin, email: "ci@example.com", name: "CI", role: "contributor" });
  // A contributor uploads only to models they own (the bootstrap token's model has no owner yet).
  await setModelOwners(db.prisma, { actor: admin, name: MODEL, emails: ["ci@example.com"] });
  const tokens = await Promise.all(
    ["pipeline-a", "pipeline-b"].map((name) => createApiToken(db.prisma, { actor: admin, name, scopes: ["read", "write"], userEmail: "ci@example.com" })),
  );
  ciToken = await authenticateBearer(db.prisma, `Bearer ${tokens[0]!.token}`);
  otherToken = await authenticateBearer(db.prisma, `Bearer ${tokens[1]!.token}`);
});

afterAll(async () => {
  await store?.close?.();
  await Promise.all([db?.drop(), s3?.stop()]);
  if (keysDir) rmSync(keysDir, { recursive: true, force: true });
});

describe("media types", () => {
  it.each([
    ["a header injection", "text/plain\r\nSet-Cookie: a=1"],
    ["a non-Latin-1 character", "text/plain; charset=\"utf-8\u2028\""],
    ["a Latin-1 but non-ASCII character", "text/plaïn"],
    ["no subtype", "text"],
  ])("refuses %s and stores nothing", async (_label, mediaType) => {
    const before = await snapshot();
    const env = envelope("1.0.0");
    env.manifest.files["notes.txt"].mediaType = mediaType;
    const error = await refusal(upload(env));
    expectRefused(error, "unprocessable", "invalid_manifest", ["manifest.files.notes.txt.mediaType"]);
    expect(await snapshot()).toEqual(before);
  });

  it("serves a declared media type as the Content-Type", async () => {
    const env = envelope("1.0.0");
    env.manifest.files["notes.txt"].mediaType = 'text/plain; charset="utf-8"';
    expect((await upload(env)).status).toBe(201);
    const { response, bytes } = await download("1.0.0", "notes.txt");
    expect(response.headers.get("content-type")).toBe('text/plain; charset="utf-8"');
    expect(bytes.equals(env.files["notes.txt"]!)).toBe(true);
  });

  it("still serves a file whose stored media type predates the rule, as application/octet-stream", async () => {
    // A version registered before media types were validated: rows written as the old upload did.
    const bytes = Buffer.from("registered before the rule\n");
    const { digest } = await store.putBlob(Readable.from([bytes]));
    const bad = "text/plain\r\nSet-Cookie: a=1";
    const model = await db.prisma.model.findUniqueOrThrow({ where: { name: MODEL } });
    await db.prisma.blob.create({ data: { digest, size: BigInt(bytes.length), mediaType: bad } });
    const version = await db.prisma.modelVersion.create({
      data: { modelId: model.id, version: "0.0.1", major: 0, minor: 0, patch: 1, manifest: {}, manifestDigest: "e".repeat(64) },
    });
    await db.prisma.versionFile.create({ data: { versionId: version.id, path: "x.txt", blobDigest: digest, size: BigInt(bytes.length), mediaType: bad, role: "other" } });

    const full = await download("0.0.1", "x.txt");
    expect(full.response.status).toBe(200);
    expect(full.response.headers.get("content-type")).toBe("application/octet-stream");
    expect(full.response.headers.get("set-cookie")).toBeNull();
    expect(full.bytes.equals(bytes)).toBe(true);
  });
});

describe("free-form fields", () => {
  /** `levels` nested objects, the outermost counted as level 1. */
  const nested = (levels: number): Json => {
    let value: Json = { leaf: 1 };
    for (let i = 1; i < levels; i++) value = { a: value };
    return value;
  };

  it.each([
    ["metadata nested one level too deep", (m: Json) => (m.metadata = nested(FREE_FORM_LIMITS.maxDepth + 1)), `manifest.metadata${".a".repeat(FREE_FORM_LIMITS.maxDepth)}`],
    ["hyperparameters with too many keys", (m: Json) => (m.training = { hyperparameters: Object.fromEntries(Array.from({ length: 1001 }, (_, i) => [`p${i}`, i])) }), "manifest.training.hyperparameters"],
    ["seeds with a huge string", (m: Json) => (m.training = { seeds: { note: "x".repeat(10_001) } }), "manifest.training.seeds.note"],
    ["metrics with too many keys", (m: Json) => (m.metrics = Object.fromEntries(Array.from({ length: 1001 }, (_, i) => [`m${i}`, i]))), "manifest.metrics"],
    ["metadata over 64 KiB", (m: Json) => (m.metadata = { a: "x".repeat(9000), b: "x".repeat(9000), c: "x".repeat(9000), d: "x".repeat(9000), e: "x".repeat(9000), f: "x".repeat(9000), g: "x".repeat(9000), h: "x".repeat(9000) }), "manifest.metadata"],
  ])("refuses %s, naming the field, and stores nothing", async (_label, change, fieldPath) => {
    const before = await snapshot();
    const env = envelope("2.0.0");
    change(env.manifest);
    const error = await refusal(upload(env));
    expectRefused(error, "unprocessable", "invalid_manifest", [fieldPath]);
    expect(await snapshot()).toEqual(before);
  });

  it.each([
    ["metadata nested 1,687 levels (a 7 KB manifest that rendered a 17 MB page)", 1687],
    ["metadata nested 1,750 levels (overflowed the validator's stack: a 500)", 1750],
    ["a manifest nested 500,000 levels", 500_000],
  ])("refuses %s before parsing, and stores nothing", async (_label, depth) => {
    const before = await snapshot();
    const env = envelope("2.0.0");
    const text = JSON.stringify(env.manifest).replace(/}$/, `,"metadata":{"x":${"[".repeat(depth)}${"]".repeat(depth)}}}`);
    expect(text.length).toBeLessThan(deps.config.limits.maxManifestBytes);
    const error = await refusal(upload(env, { manifestText: text }));
    expectRefused(error, "unprocessable", "manifest_too_deep", ["manifest"]);
    expect(await snapshot()).toEqual(before);
  });

  it("accepts values at the limits and stores them unchanged", async () => {
    const env = envelope("2.0.0");
    env.manifest.metadata = { deep: nested(FREE_FORM_LIMITS.maxDepth - 1), list: Array(1000).fill(1.5) };
    env.manifest.training = { hyperparameters: Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`p${i}`, i])), seeds: { note: "x".repeat(10_000) } };
    const result = await upload(env);
    expect(result.status).toBe(201);
    expect(result.version.manifest.metadata).toEqual(env.manifest.metadata);
    expect(result.version.manifest.training).toEqual(env.manifest.training);
  });
});

describe("Idempotency-Key", () => {
  it("replays an identical request without storing anything again", async () => {
    const env = envelope("3.0.0");
    const first = await upload(env, { actor: ciToken, key: "build-3" });
    expect(first).toMatchObject({ status: 201, replayed: false });
    const before = await snapshot();
    const again = await upload(env, { actor: ciToken, key: "build-3" });
    expect(again).toMatchObject({ status: 201, replayed: true });
    expect(again.version.manifestDigest).toBe(first.version.manifestDigest);
    expect(await snapshot()).toEqual(before);
  });

  it("refuses the same manifest with different bytes (it used to replay the first upload's digests)", async () => {
    const env = envelope("3.1.0");
    expect((await upload(env, { actor: ciToken, key: "build-31" })).status).toBe(201);
    const before = await snapshot();
    const changed = { ...env, files: { ...env.files, "model.onnx": randomBytes(4096) } };
    const error = await refusal(upload(changed, { actor: ciToken, key: "build-31" }));
    expectRefused(error, "unprocessable", "idempotency_key_reused");
    expect(error.message).toContain("(the same manifest, other file bytes)");
    // The different bytes were only hashed, never stored: not even an orphan object for the GC.
    expect(await snapshot()).toEqual(before);
    expect(await objects()).not.toContain(sha256(changed.files["model.onnx"]));
  });

  it("refuses a different manifest before reading any file", async () => {
    const env = envelope("3.2.0");
    expect((await upload(env, { actor: ciToken, key: "build-32" })).status).toBe(201);
    const before = await snapshot();
    const other = envelope("3.2.1");
    const { contentType, bytes } = await encode(other);
    // The body stalls in the middle of the first file: only a refusal that never waits for it can answer.
    let finish!: () => void;
    const stalled = new Promise<void>((resolve) => (finish = resolve));
    async function* body() {
      yield bytes.subarray(0, bytes.indexOf(other.files["model.onnx"]!) + 100);
      await stalled;
    }
    try {
      const error = await refusal(uploadRaw(contentType, Readable.from(body()), { actor: ciToken, key: "build-32" }));
      expectRefused(error, "unprocessable", "idempotency_key_reused");
      expect(error.message).toContain("(another manifest)");
    } finally {
      finish();
    }
    expect(await snapshot()).toEqual(before);
  });

  it("is scoped per credential: another token of the same user does not replay", async () => {
    const env = envelope("3.3.0");
    const first = await upload(env, { actor: ciToken, key: "build-33" });
    expect(first.replayed).toBe(false);
    expectRefused(await refusal(upload(env, { actor: otherToken, key: "build-33" })), "conflict", "version_exists");
    // The same key from the other token is free for its own upload.
    expect(await upload(envelope("3.3.1"), { actor: otherToken, key: "build-33" })).toMatchObject({ status: 201, replayed: false });
    expect(await upload(env, { actor: ciToken, key: "build-33" })).toMatchObject({ status: 201, replayed: true });
    const records = await db.prisma.idempotencyRecord.findMany({ where: { key: "build-33" }, orderBy: { createdAt: "asc" } });
    expect(records.map((r) => r.credential)).toEqual([`token:${ciToken.tokenId}`, `token:${otherToken.tokenId}`]);
  });

  it.each([["empty", ""], ["too long", "x".repeat(201)], ["not ASCII", "build\u00e9"]])("refuses a key that is %s", async (_label, key) => {
    const before = await snapshot();
    expectRefused(await refusal(upload(envelope("3.4.0"), { key })), "bad_request", "invalid_idempotency_key");
    expect(await snapshot()).toEqual(before);
  });

  describe("two concurrent uploads with one key", () => {
    /**
     * Holds both request bodies after their manifest until both requests have looked the key up and
     * found nothing, so both stream their files and race to commit. The client is the real one,
     * extended only to observe when the lookups finished.
     */
    function racingDeps() {
      let release!: () => void;
      const bothLookedUp = new Promise<void>((resolve) => (release = resolve));
      let lookups = 0;
      const prisma = db.prisma.$extends({
        query: {
          idempotencyRecord: {
            async findUnique({ args, query }) {
              const record = await query(args);
              if (++lookups === 2) release();
              return record;
            },
          },
        },
      }) as unknown as Db;
      const held = async (env: Envelope) => {
        const { contentType, bytes } = await encode(env);
        const firstFile = bytes.indexOf(Buffer.from('name="model.onnx"'));
        async function* body() {
          yield bytes.subarray(0, firstFile);
          await bothLookedUp;
          yield bytes.subarray(firstFile);
        }
        return { contentType, body: Readable.from(body()) };
      };
      return { uploadDeps: { ...deps, prisma }, held };
    }

    it("registers one version; the identical request replays it", async () => {
      const { uploadDeps, held } = racingDeps();
      const env = envelope("4.0.0");
      const before = await rows();
      const bodies = await Promise.all([held(env), held(env)]);
      const results = await Promise.all(bodies.map((b) => uploadRaw(b.contentType, b.body, { actor: ciToken, key: "race-1", uploadDeps })));
      expect(results.map((r) => r.replayed).sort()).toEqual([false, true]);
      expect(results[0]!.version.manifestDigest).toBe(results[1]!.version.manifestDigest);
      const after = await rows();
      expect(after.versions - before.versions).toBe(1);
      expect(after.idempotencyRecords - before.idempotencyRecords).toBe(1);
    });

    it("registers one version; the request with other bytes is refused", async () => {
      const { uploadDeps, held } = racingDeps();
      const a = envelope("4.1.0");
      const b = { ...a, files: { ...a.files, "model.onnx": randomBytes(4096) } };
      const before = await rows();
      const bodies = await Promise.all([held(a), held(b)]);
      const outcomes = await Promise.allSettled(bodies.map((x) => uploadRaw(x.contentType, x.body, { actor: ciToken, key: "race-2", uploadDeps })));
      const won = outcomes.filter((o) => o.status === "fulfilled");
      const lost = outcomes.filter((o): o is PromiseRejectedResult => o.status === "rejected");
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(1);
      expectRefused(lost[0]!.reason as AppError, "unprocessable", "idempotency_key_reused");
      const after = await rows();
      expect(after.versions - before.versions).toBe(1);
      expect(after.auditEvents - before.auditEvents).toBe(2); // version.registered + checks.requested of the winner
      // Both streamed (neither knew of the other): the loser's bytes are an unreferenced object the GC removes.
      const loserBytes = outcomes[0]!.status === "rejected" ? a.files["model.onnx"]! : b.files["model.onnx"]!;
      expect(await objects()).toContain(sha256(loserBytes));
      expect(await db.prisma.blob.findUnique({ where: { digest: sha256(loserBytes) } })).toBeNull();
    });
  });
});

// A broken body must be a 400 that stores nothing, and nothing else: a stream 'error' event with no
// listener would crash the server process (vitest reports one as an unhandled error and fails the run).
describe("truncated bodies", () => {
  async function cutBody(cut: (bytes: Buffer, boundary: string, env: Envelope) => Buffer) {
    const env = envelope("5.0.0", { declareDigests: true });
    const { contentType, bytes } = await encode(env);
    const boundary = contentType.split("boundary=")[1]!;
    return { contentType, body: cut(bytes, boundary, env) };
  }

  it.each([
    ["in the middle of the manifest", (b: Buffer) => b.subarray(0, b.indexOf(Buffer.from('"artifact"')))],
    ["in the middle of a file", (b: Buffer, _s: string, env: Envelope) => b.subarray(0, b.indexOf(env.files["model.onnx"]!) + 1000)],
    ["after the last file's bytes, before any delimiter", (b: Buffer, s: string) => b.subarray(0, b.lastIndexOf(Buffer.from(`\r\n--${s}--`)))],
    ["after the last delimiter, before its closing '--'", (b: Buffer, s: string) => b.subarray(0, b.lastIndexOf(Buffer.from(`\r\n--${s}--`)) + `\r\n--${s}`.length)],
  ])("cut %s: 400 and nothing registered", async (_label, cut) => {
    const before = await rows();
    const { contentType, body } = await cutBody(cut);
    const error = await refusal(uploadRaw(contentType, Readable.from([body])));
    expectRefused(error, "bad_request", "malformed_multipart");
    expect(await rows()).toEqual(before);
  });

  it("a body whose source fails mid-file (client gone): 400 and nothing registered", async () => {
    const before = await rows();
    const { contentType, body } = await cutBody((b, _s, env) => b.subarray(0, b.indexOf(env.files["model.onnx"]!) + 1000));
    async function* failing() {
      yield body;
      throw new Error("socket hang up");
    }
    const error = await refusal(uploadRaw(contentType, Readable.from(failing())));
    expectRefused(error, "bad_request", "upload_interrupted");
    expect(await rows()).toEqual(before);
  });

  it("the same envelope, whole, registers afterwards", async () => {
    const { contentType, body } = await cutBody((b) => b);
    expect((await uploadRaw(contentType, Readable.from([body]))).status).toBe(201);
  });
});
