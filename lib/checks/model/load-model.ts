// Runs an ONNX artifact with onnxruntime-node, bound to the manifest's input schema: columnar RowBatches
// in, Predictions out. Every failure a model author can cause (wrong inputs, ZipMap, a broken file, a
// value the model cannot take) becomes a ModelRunError whose message a reviewer can act on.
import { availableParallelism } from "node:os";
import * as ort from "onnxruntime-node";
import type { Manifest } from "../../registry/envelope.ts";
import type { Column, LoadedModel, Predictions, RowBatch } from "../types.ts";
import { ModelRunError } from "./model-run-error.ts";

export type InputSchema = NonNullable<Manifest["inputSchema"]>;
type Feature = InputSchema["features"][number];

export { ModelRunError, type ModelErrorCode } from "./model-run-error.ts";

export const DEFAULT_BATCH_SIZE = 65_536;
export const DEFAULT_MODEL_CACHE_SIZE = 2;

export type LoadOnnxModelOptions = {
  inputSchema?: Manifest["inputSchema"];
  /** sha256 of the artifact; when given, the session is cached under it (see releaseModel). */
  digest?: string;
  /** Rows per session.run; larger batches are split and the results concatenated. */
  batchSize?: number;
};

// ---------------------------------------------------------------------------------------------
// Session cache: loading a session costs far more than running a tabular model, and every check of a
// version loads the same artifact. Sessions hold native memory, so evicted ones are released at once.

type CachedSession = { session: Promise<ort.InferenceSession>; released: boolean };
const sessions = new Map<string, CachedSession>();
let maxCachedSessions = DEFAULT_MODEL_CACHE_SIZE;

/** Sets how many sessions stay cached (least recently used ones beyond that are released). */
export function configureModelCache(options: { maxSessions: number }): void {
  if (!Number.isInteger(options.maxSessions) || options.maxSessions < 1) throw new Error("maxSessions must be a positive integer");
  maxCachedSessions = options.maxSessions;
  evictBeyondLimit();
}

/** Releases the cached session of an artifact (no-op when it is not cached). */
export async function releaseModel(digest: string): Promise<void> {
  const entry = sessions.get(digest);
  if (!entry) return;
  sessions.delete(digest);
  await releaseEntry(entry);
}

/** Releases every cached session (end of a sandboxed check run, tests). */
export async function releaseAllModels(): Promise<void> {
  await Promise.all([...sessions.keys()].map((digest) => releaseModel(digest)));
}

/** Digests currently cached, least recently used first. */
export function cachedModelDigests(): string[] {
  return [...sessions.keys()];
}

async function releaseEntry(entry: CachedSession): Promise<void> {
  entry.released = true;
  try {
    await (await entry.session).release();
  } catch {
    // A session that failed to load has nothing to release.
  }
}

function evictBeyondLimit(): void {
  while (sessions.size > maxCachedSessions) {
    const [oldest, entry] = sessions.entries().next().value as [string, CachedSession];
    sessions.delete(oldest);
    void releaseEntry(entry);
  }
}

function acquireSession(bytes: Uint8Array, digest: string | undefined): CachedSession {
  if (digest === undefined) return { session: createSession(bytes), released: false };
  const cached = sessions.get(digest);
  if (cached) {
    // Re-insert to mark it most recently used.
    sessions.delete(digest);
    sessions.set(digest, cached);
    return cached;
  }
  const entry: CachedSession = { session: createSession(bytes), released: false };
  sessions.set(digest, entry);
  // A failed load must not stay cached, or a retry would see the old failure forever.
  entry.session.catch(() => {
    if (sessions.get(digest) === entry) sessions.delete(digest);
  });
  evictBeyondLimit();
  return entry;
}

// Checks run in a child process next to the web server on 2-core machines, and tabular models are
// tiny: leaving one core free (one intra-op thread there) keeps the server responsive and timings stable.
const sessionOptions: ort.InferenceSession.SessionOptions = {
  graphOptimizationLevel: "all",
  intraOpNumThreads: Math.max(1, Math.min(4, availableParallelism() - 1)),
  interOpNumThreads: 1,
  executionMode: "sequential",
  logSeverityLevel: 3,
};

/**
 * Caps onnxruntime's intra-op threads for sessions created from now on in this process (the server
 * process sets PREDICT_THREADS, so predict never takes every core from the requests around it).
 */
export function configureModelThreads(intraOpNumThreads: number): void {
  if (!Number.isInteger(intraOpNumThreads) || intraOpNumThreads < 1) throw new Error("intraOpNumThreads must be a positive integer");
  sessionOptions.intraOpNumThreads = intraOpNumThreads;
}

async function createSession(bytes: Uint8Array): Promise<ort.InferenceSession> {
  // onnxruntime resolves external data against the process's working directory when a model is loaded
  // from bytes; the registry never lets a model make the runtime read files, whatever their path.
  const external = findExternalDataLocations(bytes);
  if (external.length > 0) {
    throw new ModelRunError(
      `the model references external data (${external.map((l) => `'${l}'`).join(", ")}); the registry only runs self-contained ONNX files — re-export with the weights embedded (onnx.save_model(model, path, save_as_external_data=False))`,
      "external_data",
    );
  }
  try {
    return await ort.InferenceSession.create(bytes, sessionOptions);
  } catch (error) {
    const message = errorMessage(error);
    if (/protobuf parsing failed|invalid model|No graph|not a valid/i.test(message))
      throw new ModelRunError(`not a valid ONNX model: ${message}`, "invalid_onnx", { cause: error });
    throw new ModelRunError(`onnxruntime cannot load the model: ${message}`, "runtime_cannot_load", { cause: error });
  }
}

function errorMessage(error: unknown): string {
  const raw = error instanceof Error ? error.message : String(error);
  // Runtime messages start with a C++ source location that means nothing to a reviewer.
  return raw.replace(/^\/onnxruntime_src\/\S+ .*?\) /s, "").trim();
}

// ---------------------------------------------------------------------------------------------
// Binding a session to the schema

/**
 * Loads an ONNX model from bytes and binds it to the input schema. Throws ModelRunError when the file is
 * not a valid model, has a non-tensor output (ZipMap), or its inputs/outputs do not match the schema.
 */
export async function loadOnnxModel(bytes: Uint8Array, opts: LoadOnnxModelOptions = {}): Promise<LoadedModel> {
  const entry = acquireSession(bytes, opts.digest);
  const session = await entry.session;
  const batchSize = opts.batchSize ?? DEFAULT_BATCH_SIZE;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error("batchSize must be a positive integer");

  let outputs: OutputInfo[], feeds: InputPlan, binding: OutputBinding;
  try {
    outputs = describeOutputs(session);
    feeds = planInputs(session, opts.inputSchema);
    binding = bindOutputs(session, opts.inputSchema);
  } catch (error) {
    // Nobody else can reach an uncached session, so free its native memory now.
    if (opts.digest === undefined) await session.release();
    throw error;
  }

  return {
    inputNames: session.inputNames,
    outputNames: session.outputNames,
    async predict(batch: RowBatch): Promise<Predictions> {
      if (entry.released) throw new ModelRunError("the model's session was released (evicted from the model cache); load the model again", "session_released");
      checkBatch(batch, feeds.columns);
      const parts: ort.InferenceSession.ReturnType[] = [];
      for (let start = 0; start < batch.size; start += batchSize) {
        parts.push(await runSession(session, feeds.build(batch, start, Math.min(batch.size, start + batchSize))));
      }
      return toPredictions(batch.size, outputs, parts, binding);
    },
  };
}

type OutputInfo = { name: string; shape: readonly (number | string)[] };

function describeOutputs(session: ort.InferenceSession): OutputInfo[] {
  return session.outputMetadata.map((meta) => {
    if (!meta.isTensor) throw new ModelRunError(zipMapMessage(meta.name), "non_tensor_output");
    return { name: meta.name, shape: meta.shape };
  });
}

function zipMapMessage(output: string): string {
  return `the model's output '${output}' is a sequence of maps (ZipMap) which the registry cannot read; re-export without ZipMap (skl2onnx: options={id(model): {'zipmap': False}})`;
}

async function runSession(session: ort.InferenceSession, feeds: Record<string, ort.Tensor>): Promise<ort.InferenceSession.ReturnType> {
  try {
    return await session.run(feeds);
  } catch (error) {
    const message = errorMessage(error);
    if (/non tensor type/i.test(message)) throw new ModelRunError(zipMapMessage(session.outputNames.join("', '")), "non_tensor_output", { cause: error });
    throw new ModelRunError(`the model failed to run: ${message}`, "run_failed", { cause: error });
  }
}

// ---------------------------------------------------------------------------------------------
// Inputs

type InputPlan = {
  /** Columns each batch must carry (feature names). */
  columns: { name: string; feature?: Feature }[];
  build(batch: RowBatch, start: number, end: number): Record<string, ort.Tensor>;
};

function describeInputs(session: ort.InferenceSession): string {
  return session.inputMetadata
    .map((m) => (m.isTensor ? `'${m.name}' (${m.type} [${m.shape.join(", ")}])` : `'${m.name}' (not a tensor)`))
    .join(", ");
}

function planInputs(session: ort.InferenceSession, schema: InputSchema | undefined): InputPlan {
  for (const meta of session.inputMetadata) {
    if (!meta.isTensor) throw new ModelRunError(`the model's input '${meta.name}' is not a tensor; the registry can only feed tensors`, "input_mismatch");
  }
  const metas = session.inputMetadata as readonly ort.InferenceSession.TensorValueMetadata[];
  if (schema?.tensor !== undefined) return planTensorInput(metas, schema, schema.tensor, describeInputs(session));
  return planPerFeatureInputs(metas, schema, describeInputs(session));
}

function planTensorInput(metas: readonly ort.InferenceSession.TensorValueMetadata[], schema: InputSchema, tensor: string, modelInputs: string): InputPlan {
  const features = schema.features;
  if (metas.length !== 1 || metas[0]!.name !== tensor) {
    throw new ModelRunError(
      `the schema declares one input tensor '${tensor}' with ${features.length} feature columns, but the model's inputs are ${modelInputs}`,
      "input_mismatch",
    );
  }
  const meta = metas[0]!;
  if (meta.shape.length !== 2 && meta.shape.length !== 0)
    throw new ModelRunError(`the schema declares '${tensor}' as a 2-D [rows, features] tensor, but the model's input is ${modelInputs}`, "input_mismatch");
  const width = meta.shape[1];
  if (typeof width === "number" && width !== features.length) {
    throw new ModelRunError(
      `the schema declares ${features.length} features (${features.map((f) => f.name).join(", ")}) for '${tensor}', but the model's input is ${modelInputs}`,
      "input_mismatch",
    );
  }
  if (meta.type !== "float32" && meta.type !== "float64")
    throw new ModelRunError(`the model's input '${tensor}' is ${meta.type}; a schema 'tensor' input must be float or double`, "input_mismatch");
  const type = meta.type;
  return {
    columns: features.map((f) => ({ name: f.name, feature: f })),
    build(batch, start, end) {
      const n = end - start;
      const F = features.length;
      const data = type === "float32" ? new Float32Array(n * F) : new Float64Array(n * F);
      features.forEach((feature, j) => {
        const values = numericValues(batch.columns.get(feature.name)!, feature, start, end);
        for (let i = 0; i < n; i++) data[i * F + j] = values[i]!;
      });
      return { [tensor]: new ort.Tensor(type, data, [n, F]) };
    },
  };
}

function planPerFeatureInputs(metas: readonly ort.InferenceSession.TensorValueMetadata[], schema: InputSchema | undefined, modelInputs: string): InputPlan {
  // Without a schema, each input is fed from the batch column of the same name.
  const featureNames = schema ? schema.features.map((f) => f.name) : metas.map((m) => m.name);
  const inputNames = new Set(metas.map((m) => m.name));
  const missing = featureNames.filter((f) => !inputNames.has(f));
  const extra = metas.map((m) => m.name).filter((n) => !featureNames.includes(n));
  if (missing.length > 0 || extra.length > 0) {
    const parts = [
      missing.length > 0 ? `the model has no input for ${missing.map((m) => `'${m}'`).join(", ")}` : "",
      extra.length > 0 ? `the schema has no feature for model input ${extra.map((m) => `'${m}'`).join(", ")}` : "",
    ].filter(Boolean);
    throw new ModelRunError(
      `the schema declares one input per feature (${featureNames.join(", ")}), but the model's inputs are ${modelInputs}: ${parts.join("; ")}` +
        (metas.length === 1 && featureNames.length > 1 ? ` (if the model takes one 2-D tensor, set inputSchema.tensor to '${metas[0]!.name}')` : ""),
      "input_mismatch",
    );
  }
  const byName = new Map(schema?.features.map((f) => [f.name, f]));
  for (const meta of metas) {
    const width = meta.shape[1];
    if (meta.shape.length > 2 || (typeof width === "number" && width !== 1))
      throw new ModelRunError(`the model's input '${meta.name}' has shape [${meta.shape.join(", ")}]; one input per feature must be [rows] or [rows, 1]`, "input_mismatch");
    if (!["float32", "float64", "int64", "int32", "string", "bool"].includes(meta.type))
      throw new ModelRunError(`the model's input '${meta.name}' is ${meta.type}, which the registry cannot feed`, "input_mismatch");
  }
  return {
    columns: metas.map((m) => ({ name: m.name, feature: byName.get(m.name) })),
    build(batch, start, end) {
      const n = end - start;
      const feeds: Record<string, ort.Tensor> = {};
      for (const meta of metas) {
        const column = batch.columns.get(meta.name)!;
        const feature = byName.get(meta.name);
        const dims = meta.shape.length === 1 ? [n] : [n, 1];
        feeds[meta.name] = tensorFor(meta, column, feature, start, end, dims);
      }
      return feeds;
    },
  };
}

function tensorFor(meta: ort.InferenceSession.TensorValueMetadata, column: Column, feature: Feature | undefined, start: number, end: number, dims: number[]): ort.Tensor {
  const name = meta.name;
  if (meta.type === "string") return new ort.Tensor("string", textValues(column, start, end), dims);
  const values = numericValues(column, feature ?? { name, type: "float" }, start, end);
  switch (meta.type) {
    case "float32":
      return new ort.Tensor("float32", Float32Array.from(values), dims);
    case "float64":
      return new ort.Tensor("float64", values, dims);
    case "int64":
    case "int32": {
      const ints = meta.type === "int64" ? new BigInt64Array(values.length) : new Int32Array(values.length);
      values.forEach((v, i) => {
        if (!Number.isFinite(v)) throw new ModelRunError(missingIntegerMessage(name, meta.type, start + i, v), "bad_input_value");
        // Rounded, not refused: adversarial noise and probes move int features off whole numbers.
        const r = Math.round(v);
        if (ints instanceof BigInt64Array) ints[i] = BigInt(r);
        else ints[i] = r;
      });
      return new ort.Tensor(meta.type, ints, dims);
    }
    case "bool": {
      const bools = new Uint8Array(values.length);
      values.forEach((v, i) => {
        if (Number.isNaN(v)) throw new ModelRunError(missingIntegerMessage(name, "bool", start + i, v), "bad_input_value");
        bools[i] = v !== 0 ? 1 : 0;
      });
      return new ort.Tensor("bool", bools, dims);
    }
    default:
      throw new ModelRunError(`the model's input '${name}' is ${meta.type}, which the registry cannot feed`, "input_mismatch");
  }
}

function missingIntegerMessage(input: string, type: string, row: number, value: number): string {
  return Number.isNaN(value)
    ? `row ${row} has no value for '${input}', but the model's input is ${type} and cannot represent a missing value`
    : `row ${row} has ${value} for '${input}', which the model's ${type} input cannot represent`;
}

/** Numbers for a numeric tensor: bool → 0/1, category → its index in `categories`, missing → NaN. */
function numericValues(column: Column, feature: Feature, start: number, end: number): Float64Array {
  const out = new Float64Array(end - start);
  if (feature.type === "category" && feature.categories) {
    const index = new Map(feature.categories.map((c, i) => [String(c), i]));
    for (let i = start; i < end; i++) {
      const raw = column.kind === "number" ? (Number.isNaN(column.values[i]!) ? null : String(column.values[i])) : column.values[i]!;
      if (raw === null || raw === "") {
        out[i - start] = NaN;
        continue;
      }
      const k = index.get(raw);
      if (k === undefined)
        throw new ModelRunError(`row ${i} has '${raw}' for '${feature.name}', which is not one of its declared categories (${feature.categories.join(", ")})`, "bad_input_value");
      out[i - start] = k;
    }
    return out;
  }
  if (column.kind === "number") {
    out.set(column.values.subarray(start, end));
    return out;
  }
  for (let i = start; i < end; i++) out[i - start] = parseNumber(column.values[i] ?? null, feature, i);
  return out;
}

function parseNumber(text: string | null, feature: Feature, row: number): number {
  const t = text?.trim() ?? "";
  if (t === "") return NaN;
  if (feature.type === "bool" || /^(true|false)$/i.test(t)) {
    if (/^(true|1)$/i.test(t)) return 1;
    if (/^(false|0)$/i.test(t)) return 0;
  }
  const n = Number(t);
  if (Number.isNaN(n)) {
    const hint = feature.type === "category" ? " (a category feature needs 'categories' in the schema to be fed to a numeric input)" : "";
    throw new ModelRunError(`row ${row} has '${text}' for '${feature.name}', which is not a number${hint}`, "bad_input_value");
  }
  return n;
}

/** Text for string tensors: numbers are stringified; missing values become "" (ONNX strings have no null). */
function textValues(column: Column, start: number, end: number): string[] {
  const out: string[] = new Array(end - start);
  for (let i = start; i < end; i++) {
    if (column.kind === "text") out[i - start] = column.values[i] ?? "";
    else out[i - start] = Number.isNaN(column.values[i]!) ? "" : String(column.values[i]);
  }
  return out;
}

function checkBatch(batch: RowBatch, columns: InputPlan["columns"]): void {
  for (const { name } of columns) {
    const column = batch.columns.get(name);
    if (!column) throw new ModelRunError(`the rows have no column for feature '${name}'`, "bad_input_value");
    if (column.values.length !== batch.size)
      throw new ModelRunError(`column '${name}' has ${column.values.length} values but the batch has ${batch.size} rows`, "bad_input_value");
  }
}

// ---------------------------------------------------------------------------------------------
// Outputs

type OutputBinding = { label?: string; score?: string; positiveClass: number | string };

function bindOutputs(session: ort.InferenceSession, schema: InputSchema | undefined): OutputBinding {
  const names = session.outputNames;
  const declared = schema?.outputs ?? {};
  for (const [role, name] of [["label", declared.label], ["score", declared.score]] as const) {
    if (name !== undefined && !names.includes(name))
      throw new ModelRunError(`the schema declares the ${role} output '${name}', but the model's outputs are ${names.map((n) => `'${n}'`).join(", ")}`, "output_mismatch");
  }
  const score = declared.score ?? names.find((n) => /probabilit|score/i.test(n));
  const label = declared.label ?? names.find((n) => n !== score);
  if (label === undefined && score === undefined) throw new ModelRunError("the model has no outputs", "output_mismatch");
  return { label, score, positiveClass: declared.positiveClass ?? 1 };
}

type OutputData = { dims: readonly number[]; data: Float64Array | string[] };

function toPredictions(size: number, infos: OutputInfo[], parts: ort.InferenceSession.ReturnType[], binding: OutputBinding): Predictions {
  const outputs: Record<string, OutputData> = {};
  for (const info of infos) outputs[info.name] = concatOutput(info, parts.map((p) => p[info.name]!));

  const predictions: Predictions = { size, outputs, predictedPositive: new Uint8Array(size) };
  if (binding.label !== undefined) {
    const label = outputs[binding.label]!;
    if (label.data.length !== size)
      throw new ModelRunError(`the label output '${binding.label}' has ${label.data.length} values for ${size} rows (shape [${label.dims.join(", ")}])`, "output_mismatch");
    predictions.labels = label.data;
  }
  if (binding.score !== undefined) predictions.positiveScores = positiveColumn(binding.score, outputs[binding.score]!, size, binding.positiveClass);

  const positive = predictions.predictedPositive;
  if (predictions.labels instanceof Float64Array) {
    const target = Number(binding.positiveClass);
    predictions.labels.forEach((v, i) => (positive[i] = v === target ? 1 : 0));
  } else if (predictions.labels) {
    const target = String(binding.positiveClass);
    predictions.labels.forEach((v, i) => (positive[i] = v === target ? 1 : 0));
  } else if (predictions.positiveScores) {
    predictions.positiveScores.forEach((v, i) => (positive[i] = v >= 0.5 ? 1 : 0));
  }
  return predictions;
}

function positiveColumn(name: string, output: OutputData, size: number, positiveClass: number | string): Float64Array {
  if (!(output.data instanceof Float64Array)) throw new ModelRunError(`the score output '${name}' holds text, not numbers`, "output_mismatch");
  const data = output.data;
  if (data.length === size) return data;
  const classes = size === 0 ? (output.dims[1] ?? 0) : data.length / size;
  if (!Number.isInteger(classes) || output.dims.length !== 2)
    throw new ModelRunError(`the score output '${name}' has shape [${output.dims.join(", ")}]; expected [rows], [rows, 1] or [rows, classes]`, "output_mismatch");
  // Class k is column k for integer labels 0..C-1 (sklearn); otherwise a binary model's positive class is column 1.
  const p = Number(positiveClass);
  let column: number;
  if (Number.isInteger(p) && p >= 0 && p < classes) column = p;
  else if (classes === 2) column = 1;
  else throw new ModelRunError(`cannot tell which of the ${classes} columns of '${name}' is the positive class '${positiveClass}'`, "output_mismatch");
  const out = new Float64Array(size);
  for (let i = 0; i < size; i++) out[i] = data[i * classes + column]!;
  return out;
}

function concatOutput(info: OutputInfo, tensors: ort.Tensor[]): OutputData {
  if (tensors.length === 0) {
    // An empty batch never reaches the runtime; report the declared shape with zero rows.
    const dims = info.shape.map((d, i) => (i === 0 || typeof d !== "number" ? 0 : d));
    return { dims, data: new Float64Array(0) };
  }
  const first = tensors[0]!;
  const dims = [...first.dims];
  if (dims.length > 0) dims[0] = tensors.reduce((sum, t) => sum + (t.dims[0] ?? 0), 0);
  if (first.type === "string") return { dims, data: tensors.flatMap((t) => t.data as string[]) };
  const data = new Float64Array(tensors.reduce((sum, t) => sum + t.size, 0));
  let offset = 0;
  for (const t of tensors) {
    const values = t.data;
    if (values instanceof BigInt64Array || values instanceof BigUint64Array) {
      for (let i = 0; i < values.length; i++) data[offset + i] = Number(values[i]);
    } else if (typeof values !== "string" && !Array.isArray(values)) {
      // Typed arrays of every numeric kind (bool arrives as Uint8Array of 0/1).
      data.set(values as ArrayLike<number>, offset);
    } else {
      throw new ModelRunError(`the output '${info.name}' has an unsupported element type ${t.type}`, "output_mismatch");
    }
    offset += t.size;
  }
  return { dims, data };
}

// ---------------------------------------------------------------------------------------------
// Rows → batch

/**
 * JSON rows keyed by feature name (test vectors, adversarial vectors, probes, predict requests) → a
 * columnar batch. Category features become text columns (numbers are stringified, so categories [1, 2]
 * match rows with 1 or "1"); every other feature becomes a number column (booleans → 1/0, numeric
 * strings parsed). null/undefined → missing. Anything else is a ModelRunError naming row and feature.
 */
export function rowsToBatch(rows: readonly Record<string, unknown>[], inputSchema: Manifest["inputSchema"]): RowBatch {
  const features: { name: string; type: Feature["type"] }[] = inputSchema
    ? inputSchema.features
    : [...new Set(rows.flatMap((r) => Object.keys(r)))].map((name) => ({ name, type: "float" as const }));
  const columns = new Map<string, Column>();
  for (const feature of features) {
    if (feature.type === "category") {
      const values = rows.map((row, i) => {
        const v = row[feature.name];
        if (v === null || v === undefined) return null;
        if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") return String(v);
        throw new ModelRunError(`row ${i} has ${JSON.stringify(v)} for '${feature.name}'; a category must be a string or number`, "bad_input_value");
      });
      columns.set(feature.name, { kind: "text", values });
    } else {
      const values = new Float64Array(rows.length);
      rows.forEach((row, i) => {
        const v = row[feature.name];
        if (v === null || v === undefined) values[i] = NaN;
        else if (typeof v === "number") values[i] = v;
        else if (typeof v === "boolean") values[i] = v ? 1 : 0;
        else if (typeof v === "string") values[i] = parseNumber(v, { name: feature.name, type: feature.type }, i);
        else throw new ModelRunError(`row ${i} has ${JSON.stringify(v)} for '${feature.name}', which is not a number`, "bad_input_value");
      });
      columns.set(feature.name, { kind: "number", values });
    }
  }
  return { size: rows.length, columns };
}

// ---------------------------------------------------------------------------------------------
// External data references, found by walking the protobuf wire format (no decoding of weights, so
// large models cost a scan, not a copy). Field numbers are from onnx.proto.

type Walker = (field: number, wireType: number, value: Uint8Array | number) => void;

function walkMessage(bytes: Uint8Array, visit: Walker): void {
  let pos = 0;
  const varint = (): number => {
    let result = 0;
    let shift = 0;
    for (;;) {
      if (pos >= bytes.length) throw new RangeError("truncated varint");
      const b = bytes[pos++]!;
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return result;
      shift += 7;
      if (shift > 63) throw new RangeError("varint too long");
    }
  };
  while (pos < bytes.length) {
    const key = varint();
    const field = Math.floor(key / 8);
    const wireType = key & 7;
    if (wireType === 0) visit(field, wireType, varint());
    else if (wireType === 1) pos += 8;
    else if (wireType === 5) pos += 4;
    else if (wireType === 2) {
      const length = varint();
      if (pos + length > bytes.length) throw new RangeError("truncated field");
      visit(field, wireType, bytes.subarray(pos, pos + length));
      pos += length;
    } else throw new RangeError(`unsupported wire type ${wireType}`);
  }
}

/**
 * The `location` of every tensor stored outside the file (data_location = EXTERNAL), in the main graph,
 * subgraphs, functions and training graphs. Bytes this walker cannot follow throw: this is a guard,
 * and a guard that gave up would let onnxruntime resolve references (relative to the working
 * directory) that nobody checked.
 */
export function findExternalDataLocations(modelBytes: Uint8Array): string[] {
  const locations: string[] = [];
  const decoder = new TextDecoder();
  const tensor = (bytes: Uint8Array) => {
    let external = false;
    let location = "";
    walkMessage(bytes, (field, _wire, value) => {
      if (field === 14 && value === 1) external = true;
      if (field === 13 && value instanceof Uint8Array) {
        let key = "";
        let val = "";
        walkMessage(value, (f, _w, v) => {
          if (v instanceof Uint8Array && f === 1) key = decoder.decode(v);
          if (v instanceof Uint8Array && f === 2) val = decoder.decode(v);
        });
        if (key === "location") location = val;
      }
    });
    if (external) locations.push(location || "(no location)");
  };
  const sparseTensor = (bytes: Uint8Array) =>
    walkMessage(bytes, (field, _w, v) => {
      if ((field === 1 || field === 2) && v instanceof Uint8Array) tensor(v);
    });
  const attribute = (bytes: Uint8Array) =>
    walkMessage(bytes, (field, _w, v) => {
      if (!(v instanceof Uint8Array)) return;
      if (field === 5 || field === 10) tensor(v);
      else if (field === 6 || field === 11) graph(v);
      else if (field === 22 || field === 23) sparseTensor(v);
    });
  const nodeProto = (bytes: Uint8Array) =>
    walkMessage(bytes, (field, _w, v) => {
      if (field === 5 && v instanceof Uint8Array) attribute(v);
    });
  const graph = (bytes: Uint8Array): void =>
    walkMessage(bytes, (field, _w, v) => {
      if (!(v instanceof Uint8Array)) return;
      if (field === 1) nodeProto(v);
      else if (field === 5) tensor(v);
      else if (field === 15) sparseTensor(v);
    });
  try {
    walkMessage(modelBytes, (field, _w, v) => {
      if (!(v instanceof Uint8Array)) return;
      if (field === 7) graph(v);
      else if (field === 25) walkMessage(v, (f, _w2, n) => f === 7 && n instanceof Uint8Array && nodeProto(n));
      else if (field === 20) walkMessage(v, (f, _w2, g) => (f === 1 || f === 2) && g instanceof Uint8Array && graph(g));
    });
  } catch (error) {
    throw new ModelRunError(
      `not a valid ONNX model: its protobuf could not be scanned for external data references (${error instanceof Error ? error.message : String(error)})`,
      "invalid_onnx",
    );
  }
  return locations;
}
