// What predict and replay run: a version's ONNX artifact, loaded once per digest into an onnxruntime
// session bound to the version's input schema, warmed with one row so the first real request does not
// pay the runtime's lazy initialisation, and kept while it is among the most recently used.
// A version is immutable, so what is cached per version (manifest, schema, session) never goes stale;
// what may change — which version an alias points at, the checks' verdicts, the owners — is read from
// the database (resolveServingTarget), reused for at most PREDICT_TARGET_CACHE_MS.
import type { Readable } from "node:stream";
import { ModelRunError } from "../checks/model/model-run-error.ts";
import type { LoadedModel, Predictions } from "../checks/types.ts";
import { queryRows } from "../db/client.ts";
import type { Tx } from "../db/types.ts";
import { AppError, conflict, notFound, unprocessable } from "../errors/app-error.ts";
import type { Manifest } from "../registry/envelope.ts";
import type { ObjectStore } from "../storage/index.ts";
import type { Row } from "./input-digest.ts";

export type InputSchema = NonNullable<Manifest["inputSchema"]>;

/** The version a predict call runs, with what decides whether it may: stage, owners, check verdicts. */
export type ServingTarget = {
  versionId: string;
  modelId: string;
  model: string;
  version: string;
  manifestDigest: string;
  stage: string;
  owners: string[];
  security: string | null;
  validation: string | null;
};

const targetColumns = `
  v."id" AS "versionId", v."modelId", m."name" AS "model", v."version", v."manifestDigest", v."stage"::text AS "stage",
  ARRAY(SELECT o."userId"::text FROM "ModelOwner" o WHERE o."modelId" = m."id") AS "owners",
  (SELECT c."verdict"::text FROM "CheckRun" c WHERE c."versionId" = v."id" AND c."kind" = 'security' AND c."status" = 'finished'
     ORDER BY c."finishedAt" DESC, c."id" DESC LIMIT 1) AS "security",
  (SELECT c."verdict"::text FROM "CheckRun" c WHERE c."versionId" = v."id" AND c."kind" = 'validation' AND c."status" = 'finished'
     ORDER BY c."finishedAt" DESC, c."id" DESC LIMIT 1) AS "validation"`;

/**
 * One round trip: the version an alias (or a version string) names now, with its latest finished
 * verdicts. Through queryRows (the pg pool directly on Postgres): this is predict's hot path, and
 * Prisma's raw-query pipeline costs ~0.2 ms more per statement (bench/RESULTS.md, alias resolution).
 */
export async function resolveServingTarget(db: Tx, where: { model: string; alias?: string; version?: string }): Promise<ServingTarget> {
  const rows =
    where.version !== undefined
      ? await queryRows<ServingTarget>(
          db,
          `SELECT ${targetColumns} FROM "Model" m JOIN "ModelVersion" v ON v."modelId" = m."id" AND v."version" = $2 WHERE m."name" = $1`,
          [where.model, where.version],
        )
      : await queryRows<ServingTarget>(
          db,
          `SELECT ${targetColumns} FROM "Model" m JOIN "Alias" a ON a."modelId" = m."id" AND a."name" = $2
             JOIN "ModelVersion" v ON v."id" = a."versionId" WHERE m."name" = $1`,
          [where.model, where.alias ?? "prod"],
        );
  if (rows[0]) return rows[0];
  const model = await db.model.findUnique({ where: { name: where.model }, select: { id: true } });
  if (!model) throw notFound("model_not_found", `no model named '${where.model}'`);
  if (where.version !== undefined) throw notFound("version_not_found", `model '${where.model}' has no version '${where.version}'`);
  throw notFound("alias_not_found", `model '${where.model}' has no '${where.alias ?? "prod"}' alias${(where.alias ?? "prod") === "prod" ? " (nothing has been promoted to prod)" : ""}`);
}

/** Refuses a version the registry must not execute: its security or validation check has not passed. */
export function assertRunnable(target: ServingTarget): void {
  const failing = (["security", "validation"] as const).filter((k) => target[k] !== "pass");
  if (failing.length === 0) return;
  const said = failing.map((k) => `${k}: ${target[k] === null ? "not finished" : target[k]}`).join(", ");
  throw conflict("checks_not_passed", `version ${target.version} of '${target.model}' is not run by the registry until its security and validation checks pass (${said})`);
}

/** A loaded version: its schema and session. */
export type Runnable = {
  versionId: string;
  manifest: Manifest;
  schema: InputSchema;
  artifactDigest: string;
  run(rows: readonly Row[]): Promise<Predictions>;
};

/** Runs rows on a loaded version; replaced in tests to simulate a runtime that answers differently. */
export type ModelRunner = (runnable: Runnable, rows: readonly Row[]) => Promise<Predictions>;
export const runOnSession: ModelRunner = (runnable, rows) => runnable.run(rows);

const MAX_CACHED_TARGETS = 1000;

export class ServingModels {
  private readonly loaded = new Map<string, Promise<Runnable>>();
  private readonly targets = new Map<string, { until: number; target: Promise<ServingTarget> }>();

  // onnxruntime's native library is loaded on the first predict or replay, not at start: a registry
  // that never serves a model does not carry it (measured in bench/RESULTS.md, server RSS at rest).
  private runtime: Promise<typeof import("../checks/model/load-model.ts")> | undefined;

  constructor(
    private readonly deps: { prisma: Tx; store: ObjectStore },
    private readonly options: { maxModels: number; threads: number; targetCacheMs: number },
  ) {}

  /**
   * resolveServingTarget, reused for targetCacheMs (PREDICT_TARGET_CACHE_MS): one database round trip
   * less per predict, measured as the largest cost after the socket writes (bench/RESULTS.md). The
   * decision always records the version that actually ran, so the ledger stays true either way.
   */
  target(where: { model: string; alias?: string; version?: string }): Promise<ServingTarget> {
    const ttl = this.options.targetCacheMs;
    if (ttl <= 0) return resolveServingTarget(this.deps.prisma, where);
    const key = where.version !== undefined ? `${where.model}\u0000v\u0000${where.version}` : `${where.model}\u0000a\u0000${where.alias ?? "prod"}`;
    const now = Date.now();
    const cached = this.targets.get(key);
    if (cached && cached.until > now) return cached.target;
    const target = resolveServingTarget(this.deps.prisma, where);
    this.targets.set(key, { until: now + ttl, target });
    // Failures (unknown model or alias) are not kept: the next request asks again.
    target.catch(() => this.targets.get(key)?.target === target && this.targets.delete(key));
    if (this.targets.size > MAX_CACHED_TARGETS) this.targets.delete(this.targets.keys().next().value as string);
    return target;
  }

  private loadRuntime() {
    return (this.runtime ??= import("../checks/model/load-model.ts").then((runtime) => {
      runtime.configureModelCache({ maxSessions: this.options.maxModels });
      runtime.configureModelThreads(this.options.threads);
      return runtime;
    }));
  }

  /** The version's runnable, loading (and warming) it on first use. */
  async get(versionId: string): Promise<Runnable> {
    let entry = this.loaded.get(versionId);
    if (entry) {
      this.loaded.delete(versionId);
      this.loaded.set(versionId, entry);
      return entry;
    }
    entry = this.load(versionId);
    this.loaded.set(versionId, entry);
    entry.catch(() => {
      if (this.loaded.get(versionId) === entry) this.loaded.delete(versionId);
    });
    while (this.loaded.size > this.options.maxModels) this.loaded.delete(this.loaded.keys().next().value as string);
    return entry;
  }

  /** Forgets a version whose session was released (evicted by the runtime cache); the next get reloads it. */
  forget(versionId: string): void {
    this.loaded.delete(versionId);
  }

  cachedVersionIds(): string[] {
    return [...this.loaded.keys()];
  }

  private async load(versionId: string): Promise<Runnable> {
    const version = await this.deps.prisma.modelVersion.findUnique({
      where: { id: versionId },
      select: { manifest: true, files: { where: { role: "artifact" }, select: { blobDigest: true, size: true } } },
    });
    if (!version) throw notFound("version_not_found", "no such version");
    const manifest = version.manifest as Manifest;
    if (manifest.artifact.format !== "onnx")
      throw unprocessable("not_executable", `the artifact is ${manifest.artifact.format}; the registry only executes ONNX models (other formats are stored, never run)`);
    if (!manifest.inputSchema) throw unprocessable("no_input_schema", "the version declares no inputSchema, so rows cannot be checked or fed to it");
    const file = version.files[0];
    if (!file) throw unprocessable("no_artifact", "the version has no stored artifact");
    const bytes = await readVerified(this.deps.store, file.blobDigest, Number(file.size));
    const schema = manifest.inputSchema;
    const { loadOnnxModel, rowsToBatch } = await this.loadRuntime();
    let model: LoadedModel;
    try {
      model = await loadOnnxModel(bytes, { inputSchema: schema, digest: file.blobDigest });
    } catch (error) {
      if (error instanceof ModelRunError) throw unprocessable(`model_${error.code}`, `the model cannot be run: ${error.message}`);
      throw error;
    }
    const runnable: Runnable = {
      versionId,
      manifest,
      schema,
      artifactDigest: file.blobDigest,
      run: (rows) => model.predict(rowsToBatch(rows, schema)),
    };
    await warmUp(runnable).catch(() => undefined);
    return runnable;
  }
}

/** The whole blob, verified against its digest as it is read (ObjectStore.getBlob); preallocated. */
export async function readVerified(store: ObjectStore, digest: string, size: number): Promise<Uint8Array> {
  const bytes = Buffer.allocUnsafe(size);
  let offset = 0;
  for await (const chunk of (await store.getBlob(digest)).stream as Readable) {
    const piece = chunk as Buffer;
    if (offset + piece.length > size) throw new AppError("internal", "artifact_size_mismatch", "the stored artifact is longer than its recorded size");
    piece.copy(bytes, offset);
    offset += piece.length;
  }
  if (offset !== size) throw new AppError("internal", "artifact_size_mismatch", "the stored artifact is shorter than its recorded size");
  return bytes;
}

/** One row inside the schema's ranges: the runtime allocates its buffers on the first run, not on a user's. */
async function warmUp(runnable: Runnable): Promise<void> {
  const row: Row = {};
  for (const f of runnable.schema.features) {
    if (f.type === "category") row[f.name] = f.categories?.[0] ?? null;
    else if (f.type === "bool") row[f.name] = false;
    else row[f.name] = f.min ?? (f.max !== undefined ? Math.min(0, f.max) : 0);
  }
  await runnable.run([row]);
}

/** Each output of row i: a scalar for [rows] or [rows, 1] outputs, else the row's values. */
export function rowOutput(predictions: Predictions, i: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, { dims, data }] of Object.entries(predictions.outputs)) {
    const width = predictions.size === 0 ? 0 : data.length / predictions.size;
    const values = Array.from(data.slice(i * width, (i + 1) * width) as ArrayLike<number | string>, jsonValue);
    out[name] = dims.length <= 1 || (dims.length === 2 && dims[1] === 1) ? values[0] : values;
  }
  return out;
}

/** The positive-class score of row i (null when the model has none or it is not a number). */
export function rowScore(predictions: Predictions, i: number): number | null {
  const s = predictions.positiveScores?.[i];
  return s === undefined || !Number.isFinite(s) ? null : s;
}

// JSON has no NaN or Infinity; the ledger stores them as null (replay compares the same way).
const jsonValue = (v: number | string): number | string | null => (typeof v === "number" && !Number.isFinite(v) ? null : v);
