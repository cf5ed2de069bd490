// The contract between the check harness (queue worker → sandboxed child process) and the four checks.
// A check is a pure-ish async function of a CheckContext: it reads the envelope's files through the
// context, never touches the database, and returns a CheckOutcome that the harness stores as a CheckRun.
import type { Readable } from "node:stream";
import type { Manifest } from "../registry/envelope.ts";
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

/** Thresholds for the gates; resolved from the stage policy + per-model overrides before a run. */
export type Thresholds = {
  fairness: {
    /** Demographic parity ratio (min selection rate / max selection rate) must be >= this. */
    minDemographicParityRatio: number;
    /** Equalized odds difference (max of TPR gap and FPR gap across groups) must be <= this. */
    maxEqualizedOddsDifference: number;
    /** Groups with fewer rows than this are reported and flagged "too small", not judged. */
    minGroupSize: number;
  };
  adversarial: {
    /** Used when the manifest declares no adversarial.epsilon. Fraction of each feature's schema range. */
    defaultEpsilon: number;
    /** Fraction of predictions that may change under ε-bounded random noise. */
    maxFlipRate: number;
    /** Rows sampled from the evaluation set for noise and attack (keeps the check bounded). */
    sampleSize: number;
  };
  security: {
    /**
     * Largest ONNX model the registry loads into memory, in bytes: by the checks that run it and by
     * the security check, which decodes it to follow its external data. Other files are scanned as
     * streams up to CheckLimits.maxScanBytes instead.
     */
    maxArtifactBytes: number;
    /** Module prefixes a pickle may import (e.g. "numpy", "sklearn."); anything else + a call opcode is dangerous. */
    pickleAllowList: string[];
  };
  validation: {
    /** Largest number of probe rows / test vector cases evaluated. */
    maxTestVectorCases: number;
  };
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

/** Default gate thresholds (documented in docs/envelope.md, "Stage policy"): DP ratio ≥ 0.8, EOD ≤ 0.1, flip rate ≤ 5%. */
export const defaultThresholds: Thresholds = {
  fairness: { minDemographicParityRatio: 0.8, maxEqualizedOddsDifference: 0.1, minGroupSize: 30 },
  adversarial: { defaultEpsilon: 0.05, maxFlipRate: 0.05, sampleSize: 2000 },
  security: {
    maxArtifactBytes: 2 * 1024 ** 3,
    // Semantics: lib/checks/security/pickle-scan.ts (header). "a.b.c" = exactly that import;
    // "pkg." = classes (CapitalisedName) and Cython/sklearn reconstruction helpers in pkg.*; a deny
    // list (numpy file I/O, *testing*, sklearn.datasets…) wins over both.
    pickleAllowList: [
      // numpy: only what numpy's own pickling writes (arrays, scalars, dtypes, masked and record
      // arrays, random generators), for numpy 1.x (numpy.core) and 2.x (numpy._core).
      ...["numpy.core", "numpy._core"].flatMap((m) => [`${m}.multiarray._reconstruct`, `${m}.multiarray.scalar`, `${m}.numeric._frombuffer`]),
      "numpy._core._internal._convert_to_stringdtype_kwargs",
      "numpy.dtype",
      "numpy.ndarray",
      "numpy.ma.MaskedArray",
      "numpy.ma.core.MaskedArray",
      "numpy.ma.core._mareconstruct",
      "numpy.rec.recarray",
      "numpy.record",
      ...["bool_", "bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "float16", "float32", "float64",
        "longdouble", "complex64", "complex128", "clongdouble", "object_", "str_", "bytes_", "void", "datetime64", "timedelta64",
        "int_", "intc", "uint", "uintc", "longlong", "ulonglong"].map((t) => `numpy.${t}`),
      "numpy.random._pickle.__randomstate_ctor",
      "numpy.random._pickle.__generator_ctor",
      "numpy.random._pickle.__bit_generator_ctor",
      "numpy.random.__RandomState_ctor",
      "numpy.random.mtrand.RandomState",
      "numpy.random._generator.Generator",
      "numpy.random._mt19937.MT19937",
      "numpy.random._pcg64.PCG64",
      "numpy.random._pcg64.PCG64DXSM",
      "numpy.random._philox.Philox",
      "numpy.random._sfc64.SFC64",
      "numpy.random.bit_generator.SeedSequence",
      "numpy.random.bit_generator.__pyx_unpickle_SeedSequence",
      "joblib.numpy_pickle.NumpyArrayWrapper",
      "sklearn.",
      "scipy.sparse.",
      // scipy.sparse classes are lower-case, so the prefix entry does not admit them.
      ...["csr", "csc", "coo", "bsr", "dia", "dok", "lil"].flatMap((f) => [
        `scipy.sparse._${f}.${f}_matrix`,
        `scipy.sparse._${f}.${f}_array`,
        `scipy.sparse.${f}.${f}_matrix`,
        `scipy.sparse._arrays.${f}_array`,
      ]),
      "collections.OrderedDict",
      "collections.defaultdict",
      "builtins.dict",
      "builtins.list",
      "builtins.set",
      "builtins.frozenset",
      "builtins.tuple",
      "builtins.slice",
      "builtins.complex",
      "builtins.bytearray",
      "copy_reg._reconstructor",
      "copyreg._reconstructor",
      "torch._utils._rebuild_tensor_v2",
      "torch._utils._rebuild_parameter",
      "torch.FloatStorage",
      "torch.DoubleStorage",
      "torch.LongStorage",
      "torch.IntStorage",
      "torch.HalfStorage",
      "torch.BFloat16Storage",
      "_codecs.encode",
    ],
  },
  validation: { maxTestVectorCases: 10_000 },
};
