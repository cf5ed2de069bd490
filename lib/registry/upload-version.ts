// Registering a version from an uploaded envelope. The whole upload is one unit: bytes are streamed
// into content-addressed storage first (write-once, digests verified on the fly), and only then one
// database transaction creates the version, its file references and the audit event. Any failure
// before that commit leaves no version and no reference; bytes already stored are unreferenced
// blobs that the garbage collector removes after its grace period (lib/registry/collect-garbage.ts).
// What a registered version sets off (its checks) is not the registry's business: the caller hands
// in a hook (UploadDeps.onVersionRegistered), which the composition root wires to lib/checks.
import type { Readable } from "node:stream";
import { recordAuditEvent } from "../audit/record-event.ts";
import { credentialOf } from "../audit/credential.ts";
import type { Actor } from "../auth/roles.ts";
import type { Config } from "../config/index.ts";
import type { Db, Tx } from "../db/types.ts";
import { Prisma } from "../db/types.ts";
import { AppError, badRequest, conflict, unprocessable } from "../errors/app-error.ts";
import { discardUnreadBody, readMultipart } from "../http/multipart.ts";
import { canonicalJson } from "../integrity/canonical-json.ts";
import { sha256Hex } from "../integrity/digest.ts";
import { buildStatement, signStatement, type Signer } from "../integrity/signing.ts";
import { Sha256Meter } from "../storage/hashing.ts";
import { BlobTooLargeError, DigestMismatchError, type ObjectStore } from "../storage/index.ts";
import { declaredFiles, mediaTypeFor, parseManifestText, type FileRole, type Manifest } from "./envelope.ts";
import { assertBlobsStillStored } from "./collect-garbage.ts";
import { authorizeModelAction } from "./models.ts";
import { parseVersion } from "./rules.ts";
import { findVersion, type VersionDetail } from "./versions.ts";

export type UploadVersionOptions = {
  actor: Actor;
  model: string;
  contentType: string | null;
  contentLength: number | null;
  body: ReadableStream<Uint8Array> | Readable | null;
  idempotencyKey?: string;
};

/** A version just created, inside the transaction that creates it. */
export type RegisteredVersion = { actor: Actor; modelId: string; model: string; versionId: string; version: string; manifestDigest: string };

/**
 * Runs inside the upload's transaction, after the version, its files and its audit event are
 * written, so what it writes commits or fails with the version. It returns the step to run once the
 * transaction committed, which must not throw (the version exists by then).
 */
export type VersionRegisteredHook = (tx: Tx, registered: RegisteredVersion) => Promise<() => Promise<void>>;

export type UploadDeps = {
  prisma: Db;
  store: ObjectStore;
  config: Pick<Config, "limits">;
  signer: Signer;
  /** Queues the new version's checks (lib/checks/request-checks.ts, requestChecksOnRegistration). */
  onVersionRegistered: VersionRegisteredHook;
};

/** `versionId` is the row id, for what other layers keep about the version (lib/checks/version-view.ts adds its checks). */
export type UploadResult = { status: 200 | 201; versionId: string; version: VersionDetail; replayed: boolean };

type StoredFile = { path: string; role: FileRole; digest: string; size: number; mediaType: string };

export async function uploadVersion(deps: UploadDeps, opts: UploadVersionOptions): Promise<UploadResult> {
  try {
    return await receiveEnvelope(deps, opts);
  } catch (error) {
    discardUnreadBody(opts.body);
    throw error;
  }
}

async function receiveEnvelope(deps: UploadDeps, opts: UploadVersionOptions): Promise<UploadResult> {
  const { prisma, store, config } = deps;
  const { maxUploadBytes, maxManifestBytes, maxFilesPerVersion } = config.limits;
  if (opts.contentLength !== null && opts.contentLength > maxUploadBytes)
    throw new AppError("payload_too_large", "upload_too_large", `the upload is ${opts.contentLength} bytes; the limit is ${maxUploadBytes}`);
  const idempotency = opts.idempotencyKey === undefined ? undefined : idempotencyScope(opts.actor, opts.idempotencyKey);
  // Before a byte of the body is read: a refused upload costs the server nothing.
  const modelId = (await authorizeModelAction(prisma, opts.actor, "version.upload", opts.model)).id;

  let manifest: Manifest | undefined;
  let manifestHash = "";
  // Set when this credential already used the key: the request can then only be a replay, so its
  // files are hashed to prove it is the same request, not stored again.
  let earlier: IdempotencyRecord | null = null;
  let declared = new Map<string, FileRole>();
  const stored = new Map<string, StoredFile>();
  let budget = maxUploadBytes;

  const parts = readMultipart(opts.body, opts.contentType, { maxFieldBytes: maxManifestBytes, maxParts: maxFilesPerVersion + 1 });
  for await (const part of parts) {
    if (!manifest) {
      if (part.name !== "manifest")
        throw badRequest("manifest_first", "the first part of the envelope must be 'manifest' (manifest.json)");
      const text = part.kind === "field" ? part.value : await readSmall(part.stream, maxManifestBytes);
      manifest = parseManifest(text, opts.model);
      manifestHash = sha256Hex(`${opts.model}\n${canonicalJson(manifest)}`);
      if (idempotency) {
        earlier = await findIdempotencyRecord(prisma, idempotency);
        // Refused before any file is read; the files of a matching manifest are compared at the end.
        if (earlier) assertSameRequest(earlier, manifestHash);
      }
      if (!earlier) await assertVersionIsNew(prisma, modelId, opts.model, manifest.version);
      declared = declaredFiles(manifest);
      continue;
    }
    if (part.kind === "field")
      throw unprocessable("unexpected_field", `'${part.name}' must be sent as a file part`, [{ path: part.name, message: "expected a file" }]);
    const role = declared.get(part.name);
    if (!role) {
      part.stream.resume();
      throw unprocessable("undeclared_file", `'${part.name}' is not declared in the manifest; every uploaded file must be declared (training data never is)`, [
        { path: `files.${part.name}`, message: "not declared in the manifest" },
      ]);
    }
    if (stored.has(part.name)) {
      part.stream.resume();
      throw unprocessable("duplicate_file", `'${part.name}' was sent twice`, [{ path: `files.${part.name}`, message: "sent twice" }]);
    }
    const expected = manifest.files?.[part.name];
    const blob = await receiveFile(earlier ? "hash-only" : store, part.stream, part.name, expected?.sha256, budget, maxUploadBytes);
    if (expected?.size !== undefined && expected.size !== blob.size)
      throw unprocessable("size_mismatch", `'${part.name}' is ${blob.size} bytes; the manifest says ${expected.size}`, [
        { path: `files.${part.name}.size`, message: `expected ${expected.size}, received ${blob.size}` },
      ]);
    budget -= blob.size;
    stored.set(part.name, { path: part.name, role, digest: blob.digest, size: blob.size, mediaType: mediaTypeFor(part.name, expected?.mediaType) });
  }

  if (!manifest) throw badRequest("manifest_missing", "the envelope has no 'manifest' part");
  const missing = [...declared.keys()].filter((p) => !stored.has(p));
  if (missing.length)
    throw unprocessable(
      "missing_file",
      `the manifest declares file(s) that were not uploaded: ${missing.join(", ")}`,
      missing.map((p) => ({ path: `files.${p}`, message: "declared but not uploaded" })),
    );

  const files = [...stored.values()];
  const requestHash = requestHashOf(manifestHash, files);
  if (earlier) return replay(prisma, earlier, manifestHash, requestHash);
  return commitVersion(deps, { ...opts, modelId, manifest, idempotency, manifestHash, requestHash, files });
}

function parseManifest(text: string, model: string): Manifest {
  const parsed = parseManifestText(text, model, "the upload's model");
  if ("manifest" in parsed) return parsed.manifest;
  const { code, message, problems } = parsed.refusal;
  throw unprocessable(code, message, problems.length ? problems : undefined);
}

async function assertVersionIsNew(prisma: Db, modelId: string, model: string, version: string) {
  const existing = await prisma.modelVersion.findUnique({ where: { modelId_version: { modelId, version } }, select: { id: true } });
  if (existing) throw conflict("version_exists", `${model}@${version} already exists; versions are immutable, publish a new version`);
}

/**
 * One file part: stored (write-once, digest verified as it streams), or only hashed when the request
 * replays an earlier one, whose bytes are stored already. Either way, within the upload's byte budget.
 */
async function receiveFile(
  target: ObjectStore | "hash-only",
  stream: Readable,
  path: string,
  expectedSha256: string | undefined,
  budget: number,
  limit: number,
): Promise<{ digest: string; size: number }> {
  try {
    if (target !== "hash-only") return await target.putBlob(stream, { expectedSha256, maxBytes: budget });
    const meter = new Sha256Meter(budget);
    for await (const chunk of stream) meter.update(chunk as Buffer);
    if (expectedSha256 !== undefined && meter.digest() !== expectedSha256) throw new DigestMismatchError(expectedSha256, meter.digest());
    return { digest: meter.digest(), size: meter.size };
  } catch (error) {
    stream.resume();
    if (error instanceof DigestMismatchError)
      throw unprocessable("digest_mismatch", `'${path}' does not match the sha256 declared in the manifest: ${error.message}`, [
        { path: `files.${path}.sha256`, message: "does not match the uploaded bytes" },
      ]);
    if (error instanceof BlobTooLargeError) throw new AppError("payload_too_large", "upload_too_large", `the upload exceeds the limit of ${limit} bytes`);
    throw error;
  }
}

async function readSmall(stream: Readable, max: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += (chunk as Buffer).length;
    if (size > max) {
      stream.destroy();
      throw new AppError("payload_too_large", "manifest_too_large", `manifest.json exceeds ${max} bytes`);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** The canonical manifest: what was sent, with every file's digest, size and media type filled in. */
export function canonicalManifest(manifest: Manifest, files: StoredFile[]): Record<string, unknown> {
  const entries = [...files].sort((a, b) => (a.path < b.path ? -1 : 1));
  return JSON.parse(
    canonicalJson({
      ...manifest,
      files: Object.fromEntries(entries.map((f) => [f.path, { sha256: f.digest, size: f.size, mediaType: f.mediaType }])),
    }),
  ) as Record<string, unknown>;
}

async function commitVersion(
  deps: UploadDeps,
  input: UploadVersionOptions & {
    modelId: string;
    manifest: Manifest;
    idempotency: IdempotencyScope | undefined;
    manifestHash: string;
    requestHash: string;
    files: StoredFile[];
  },
): Promise<UploadResult> {
  const { prisma, signer } = deps;
  const { actor, model, manifest, files } = input;
  const canonical = canonicalManifest(manifest, files);
  const manifestDigest = sha256Hex(canonicalJson(canonical));
  const parsed = parseVersion(manifest.version);
  const signature = signStatement(
    signer,
    buildStatement({ model, version: parsed.version, manifestDigest, resources: files.map((f) => ({ name: f.path, digest: f.digest })) }),
  );
  let afterCommit = async () => {};
  try {
    await prisma.$transaction(async (tx) => {
      await tx.blob.createMany({
        data: files.map((f) => ({ digest: f.digest, size: BigInt(f.size), mediaType: f.mediaType })),
        skipDuplicates: true,
      });
      const vanished = await assertBlobsStillStored(tx, deps.store, files.map((f) => f.digest));
      if (vanished.length)
        throw new AppError("unavailable", "blob_vanished", "stored bytes were removed by garbage collection while the upload committed; retry the upload");
      const version = await tx.modelVersion.create({
        data: {
          modelId: input.modelId,
          version: parsed.version,
          major: parsed.major,
          minor: parsed.minor,
          patch: parsed.patch,
          prerelease: parsed.prerelease,
          manifest: canonical as object,
          manifestDigest,
          signature: signature as object,
          description: manifest.description ?? "",
          createdById: actor.type === "user" ? actor.id : null,
        },
      });
      await tx.versionFile.createMany({
        data: files.map((f) => ({ versionId: version.id, path: f.path, blobDigest: f.digest, size: BigInt(f.size), mediaType: f.mediaType, role: f.role })),
      });
      await recordAuditEvent(tx, {
        actor,
        action: "version.registered",
        subject: { type: "model_version", id: `${model}@${parsed.version}` },
        payload: { manifestDigest, files: Object.fromEntries(files.map((f) => [f.path, f.digest])) },
      });
      // Checks are asked for in the same transaction: a registered version always has its runs queued.
      afterCommit = await deps.onVersionRegistered(tx, { actor, modelId: input.modelId, model, versionId: version.id, version: parsed.version, manifestDigest });
      if (input.idempotency) {
        await tx.idempotencyRecord.create({
          data: {
            ...input.idempotency,
            manifestHash: input.manifestHash,
            requestHash: input.requestHash,
            status: 201,
            body: { model, version: parsed.version },
          },
        });
      }
    });
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
      // A concurrent request with the same Idempotency-Key committed first (both streamed their files
      // before either held a lock): this one is its replay if it is the same request, else refused.
      // The primary key on (credential, key) is what makes exactly one of them register a version.
      const record = input.idempotency && (await findIdempotencyRecord(prisma, input.idempotency));
      if (record) return replay(prisma, record, input.manifestHash, input.requestHash);
      throw conflict("version_exists", `${model}@${parsed.version} already exists; versions are immutable, publish a new version`);
    }
    throw error;
  }
  await afterCommit();
  const { id, detail } = await findVersion(prisma, model, parsed.version);
  return { status: 201, versionId: id, version: detail, replayed: false };
}

type IdempotencyScope = { credential: string; key: string };
type IdempotencyRecord = { manifestHash: string; requestHash: string; status: number; body: unknown };

/** Longest Idempotency-Key accepted; longer keys are refused rather than cut (two keys must never merge). */
export const MAX_IDEMPOTENCY_KEY_LENGTH = 200;

/**
 * Keys are scoped per credential: one API token, one browser session, or the bootstrap token. Two CI
 * pipelines of one user with their own tokens can never replay each other's uploads, and a revoked
 * token's keys die with it.
 */
function idempotencyScope(actor: Actor, key: string): IdempotencyScope {
  if (key.length === 0 || key.length > MAX_IDEMPOTENCY_KEY_LENGTH || !/^[\x20-\x7e]+$/.test(key))
    throw badRequest("invalid_idempotency_key", `Idempotency-Key must be 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} printable ASCII characters`);
  // A user actor without a token or session id (a session from before sessions had ids) falls back to the user.
  return { credential: credentialOf(actor) ?? `user:${actor.id}`, key };
}

async function findIdempotencyRecord(prisma: Db, scope: IdempotencyScope): Promise<IdempotencyRecord | null> {
  return prisma.idempotencyRecord.findUnique({ where: { credential_key: scope } });
}

/** "The same request": the same manifest (hashed with the model) and the same bytes under the same file paths. */
function requestHashOf(manifestHash: string, files: StoredFile[]): string {
  const parts = files.map((f) => [f.path, f.digest, f.size]).sort(([a], [b]) => (a! < b! ? -1 : 1));
  return sha256Hex(canonicalJson({ manifest: manifestHash, files: parts }));
}

/** Refuses a request that is not the one the key was first used for (the files only once they are hashed). */
function assertSameRequest(record: IdempotencyRecord, manifestHash: string, requestHash?: string): void {
  const difference =
    record.manifestHash !== manifestHash ? "another manifest" : requestHash !== undefined && record.requestHash !== requestHash ? "the same manifest, other file bytes" : undefined;
  if (difference) throw unprocessable("idempotency_key_reused", `this Idempotency-Key was used for a different upload (${difference}); use a new key`);
}

async function replay(prisma: Db, record: IdempotencyRecord, manifestHash: string, requestHash: string): Promise<UploadResult> {
  assertSameRequest(record, manifestHash, requestHash);
  const { model, version } = record.body as { model: string; version: string };
  const { id, detail } = await findVersion(prisma, model, version);
  return { status: record.status as 200 | 201, versionId: id, version: detail, replayed: true };
}
