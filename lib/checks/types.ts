// The contract between the check harness (queue worker → sandboxed child process) and the four checks.
// A check is a pure-ish async function of a CheckContext: it reads the envelope's files through the
// context, never touches the database, and returns a CheckOutcome that the harness stores as a CheckRun.
import type { Readable } from "node:stream";
import type { Manifest } from "../registry/envelope.ts";
import type { Thresholds } from "../policy/thresholds.ts";
import type { ByteRange } from "../storage/types.ts";

export const checkKinds = ["validation", "fairness", "adversarial", "security"] as const;
export type CheckKind = (typeof checkKinds)[number];

export const verdicts = ["pass", "fail", "error", "not_applicable"] as const;
export type Verdict = (typeof verdicts)[number];

/** One thing a reviewer should read: a failing test vector, a dangerous pickle import, a group too small… */
export type Finding = {
  severity: "info" | "warning" | "error";
  /** Machine-readable, stable: e.g. "test_vector_mismatch", "pickle_dangerous_import". */
  code: string;
  /** One sentence a reviewer understands without reading code. */
  message: string;
  /** Structured evidence (expected vs actual, offsets, group names…). JSON only. */
  details?: Record<string, unknown>;
};

export type CheckOutcome = {
  verdict: Verdict;
  /** One line for tables and the API summary, e.g. "equalized odds difference 0.21 > 0.10 (race)". */
  summary: string;
  /** JSON-only numbers and tables (per-group rates, latency percentiles…). */
  metrics: Record<string, unknown>;
  findings: Finding[];
};

/** A column of a batch: numbers (NaN = missing) or text (null = missing). */
export type Column = { kind: "number"; values: Float64Array } | { kind: "text"; values: (string | null)[] };

/**
 * A batch of rows in columnar form: `columns.get(feature)` has `size` values. Evaluation data, test
 * vectors, probes and adversarial rows all travel as batches so that inference is never one call per row.
 */
export type RowBatch = { size: number; columns: Map<string, Column> };

/** What a model produced for a batch, already mapped through the manifest's `inputSchema.outputs`. */
export type Predictions = {
  size: number;
  /** The label output as numbers when numeric (NaN if not produced), else text labels. */
  labels?: Float64Array | string[];
  /** Score of the positive class per row (from the score output), when the model has one. */
  positiveScores?: Float64Array;
  /** 1 when the row is predicted as the positive class, else 0. Always present. */
  predictedPositive: Uint8Array;
  /** Every output tensor, flattened, for test-vector comparison: name → { dims, data }. */
  outputs: Record<string, { dims: readonly number[]; data: Float64Array | string[] }>;
};

/** A loaded ONNX model bound to the manifest's input schema. Created by lib/checks/model. */
export interface LoadedModel {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  /** Runs one batch (the runner splits large batches internally). Throws ModelRunError with a clear message. */
  predict(batch: RowBatch): Promise<Predictions>;
}

/** Read access to one version's files (by envelope path), in the sandboxed child. */
export interface EnvelopeFiles {
  /** Every stored file: path → size and sha256. */
  readonly list: ReadonlyMap<string, { size: number; sha256: string }>;
  /**
   * Streams a file, verified against its digest as it flows; with `range` (inclusive, inside the
   * file), only those bytes, unverified (a partial read cannot be). Unknown path → Error.
   */
  open(path: string, range?: ByteRange): Promise<Readable>;
  /** Reads a whole file into memory; refuses files larger than `maxBytes`. */
  readBytes(path: string, maxBytes: number): Promise<Buffer>;
}

/**
 * Resource bounds of the process running the check (configuration, not policy: they cannot make a
 * check pass, only stop it from finishing).
 */
export type CheckLimits = {
  /** Largest file the security check scans, in bytes (CHECK_MAX_SCAN_BYTES, default MAX_UPLOAD_BYTES). */
  maxScanBytes: number;
};

export type CheckContext = {
  manifest: Manifest;
  files: EnvelopeFiles;
  thresholds: Thresholds;
  limits: CheckLimits;
  /** Seed for every random choice (recorded in the CheckRun); same seed ⇒ same result. */
  seed: number;
  /** Loads the envelope's ONNX artifact with the manifest's input schema (cached per artifact digest). */
  loadModel(): Promise<LoadedModel>;
  /** Appends a line to the run's log (stored with the result). */
  log(line: string): void;
  /** Reports progress (0..1) with a short message; shown in the UI while the check runs. */
  progress(fraction: number, message: string): void;
  /** Aborted when the run exceeds its time limit; long loops should check it between batches. */
  signal: AbortSignal;
};

export type CheckFunction = (ctx: CheckContext) => Promise<CheckOutcome>;
