// The adversarial check (docs/checks.md): black-box, because an inference runtime has no
// gradients. Three parts, all deterministic given ctx.seed:
//  1. bounded random noise — each sampled evaluation row is perturbed K times, every numeric feature
//     by uniform noise within ±ε × its schema range; the flip rate gates the check;
//  2. a finite-difference gradient-sign attack (FGSM without autograd) — reports robust accuracy at ε;
//     an int feature moves by ε × range rounded to whole units (at least 1 when ε × range ≥ 0.5, 0 below:
//     no other integer is that close), and is probed at least one unit either side;
//  3. the uploader's adversarial vectors must keep their expected labels; any change gates the check.
// Only a reservoir sample of the evaluation set is held and predicted, so the cost is bounded by
// thresholds.adversarial.sampleSize, not by the size of the set.
import { z } from "zod";
import type { Manifest } from "../../registry/envelope.ts";
import { delimiterFor, inferEvaluationFormat, readEvaluationBatches } from "../data/read-evaluation.ts";
import { rowsToBatch } from "../model/load-model.ts";
import type { CheckContext, CheckFunction, CheckOutcome, Column, Finding, LoadedModel, Predictions, RowBatch } from "../types.ts";
import { createRandom, type Random } from "../random.ts";

/** Noisy copies of each sampled row: enough to estimate a per-row flip probability, cheap to batch. */
export const PERTURBATIONS_PER_ROW = 5;
/** Finite-difference step as a fraction of a feature's range: small against ε, large against float32 noise.
 * Int features are probed at least one whole unit apart (see integerStep): the runner rounds int
 * inputs, so a sub-unit probe would read the same value twice and report a zero slope. */
const FINITE_DIFFERENCE_STEP = 1e-3;
/** Upper bound on cells (rows × features) predicted for the attack's probes; with 2·F probes of F
 * features per row the cost is quadratic in F, so very wide models attack fewer rows (recorded). */
const ATTACK_PROBE_CELLS = 20_000_000;
/** Rows per predict call: large enough to amortise a call, small enough to check the abort signal. */
const CHUNK_CELLS = 2_000_000;
const MAX_CHUNK_ROWS = 16_384;
/** Harness files are JSON read whole; anything bigger is not a hand-written harness. */
const MAX_VECTOR_FILE_BYTES = 64 * 1024 * 1024;

type InputSchema = NonNullable<Manifest["inputSchema"]>;
type Feature = InputSchema["features"][number];

/** A numeric feature with a finite, non-empty schema range: the only kind noise and attack touch. */
type AttackedFeature = { name: string; integer: boolean; min: number; max: number; range: number };

export type AdversarialMetrics = {
  epsilon: number;
  seed: number;
  /** Rows read from the evaluation set (all of them: the reservoir sees every row once). */
  evaluationRows: number;
  sampledRows: number;
  perturbationsPerRow: number;
  perturbedRows: number;
  flips: number;
  /** flips / perturbedRows; null when there was no evaluation set to perturb. */
  flipRate: number | null;
  maxFlipRate: number;
  /** Rows the gradient-sign attack ran on (all sampled rows unless the model is very wide). */
  attackedRows: number;
  /** Attacked rows whose label was present (accuracy is measured on these). */
  labeledRows: number;
  cleanAccuracy: number | null;
  /** A row is robust when it is classified correctly both clean and after the attack. */
  robustAccuracy: number | null;
  /** Fraction of attacked rows whose prediction the attack changed. */
  attackFlipRate: number | null;
  /** "scores" (central differences on the positive score) or "labels" (no score output: sign of the
   * decision change at ±ε). */
  gradientEstimate: "scores" | "labels" | null;
  attackedFeatures: string[];
  /** Numeric features without both min and max: no range to scale ε by, so left untouched. */
  unboundedFeatures: string[];
  harness: { cases: number; failed: number } | null;
};

export const runAdversarialCheck: CheckFunction = async (ctx) => {
  const { manifest } = ctx;
  if (manifest.artifact.format !== "onnx") {
    return notApplicable(
      `the artifact is '${manifest.artifact.format}'; the registry only executes ONNX models, so there is nothing to attack`,
    );
  }
  const evaluation = manifest.evaluation;
  const vectorsPath = manifest.adversarial?.vectors;
  if (!evaluation && !vectorsPath) {
    return notApplicable(
      "nothing to attack: declare an evaluation set (evaluation: { path, label, sensitive }) and/or adversarial vectors (adversarial: { epsilon, vectors })",
    );
  }
  const inputSchema = manifest.inputSchema;
  if (!inputSchema) {
    // Upload refuses an evaluation set without a schema; vectors alone are keyed by feature names
    // that only the schema maps to model inputs.
    return errorOutcome("the adversarial check needs inputSchema.features to build model inputs; declare it in the manifest");
  }

  const epsilon = manifest.adversarial?.epsilon ?? ctx.thresholds.adversarial.defaultEpsilon;
  const seed = ctx.seed;
  const { maxFlipRate } = ctx.thresholds.adversarial;
  const { attacked, unbounded } = attackableFeatures(inputSchema.features);
  const metrics: AdversarialMetrics = {
    epsilon,
    seed,
    evaluationRows: 0,
    sampledRows: 0,
    perturbationsPerRow: PERTURBATIONS_PER_ROW,
    perturbedRows: 0,
    flips: 0,
    flipRate: null,
    maxFlipRate,
    attackedRows: 0,
    labeledRows: 0,
    cleanAccuracy: null,
    robustAccuracy: null,
    attackFlipRate: null,
    gradientEstimate: null,
    attackedFeatures: attacked.map((f) => f.name),
    unboundedFeatures: unbounded,
    harness: null,
  };
  const findings: Finding[] = [];
  const names = metrics.attackedFeatures;
  const listed = names.length > 20 ? `${names.slice(0, 20).join(", ")} and ${names.length - 20} more` : names.join(", ") || "none";
  ctx.log(`adversarial: ε=${epsilon} seed=${seed} numeric features attacked: ${listed}`);
  if (unbounded.length > 0) {
    findings.push({
      severity: "warning",
      code: "adversarial_feature_unbounded",
      message: `${unbounded.length} numeric feature(s) have no min/max in the input schema, so noise and attack leave them untouched: ${unbounded.join(", ")}`,
      details: { features: unbounded },
    });
  }

  const step = async <T>(what: string, run: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false; outcome: CheckOutcome }> => {
    try {
      return { ok: true, value: await run() };
    } catch (error) {
      // A timeout is the harness's to report; turning it into "unreadable data" would mislead.
      if (ctx.signal.aborted) throw error;
      const message = error instanceof Error ? error.message : String(error);
      ctx.log(`adversarial: ${what} failed: ${message}`);
      return { ok: false, outcome: { ...errorOutcome(`${what} failed: ${message}`), metrics: { ...metrics }, findings } };
    }
  };

  if (evaluation && attacked.length === 0) {
    findings.push({
      severity: "warning",
      code: "adversarial_nothing_to_perturb",
      message:
        "no int or float feature has both min and max in the input schema, so noise and the gradient-sign attack cannot move any input; declare feature ranges for a meaningful flip rate",
    });
  }

  ctx.progress(0, "loading model");
  const loaded = await step("loading the model", () => ctx.loadModel());
  if (!loaded.ok) return loaded.outcome;
  const model = loaded.value;
  const positiveClass = inputSchema.outputs?.positiveClass;

  if (vectorsPath) {
    ctx.progress(0.05, "checking adversarial vectors");
    const harness = await step(`checking the adversarial vectors '${vectorsPath}'`, () =>
      runHarness(ctx, model, inputSchema, vectorsPath, positiveClass),
    );
    if (!harness.ok) return harness.outcome;
    metrics.harness = { cases: harness.value.cases, failed: harness.value.failures.length };
    findings.push(...harness.value.failures);
    ctx.log(`adversarial: ${metrics.harness.failed} of ${metrics.harness.cases} adversarial vectors changed label`);
  }

  if (evaluation) {
    ctx.progress(0.1, "sampling the evaluation set");
    const sampled = await step(`reading the evaluation set '${evaluation.path}'`, () =>
      sampleEvaluation(ctx, inputSchema, evaluation, createRandom(seed, "adversarial/sample")),
    );
    if (!sampled.ok) return sampled.outcome;
    const sample = sampled.value;
    metrics.evaluationRows = sample.seen;
    metrics.sampledRows = sample.batch.size;
    ctx.log(`adversarial: sampled ${sample.batch.size} of ${sample.seen} evaluation rows`);

    if (sample.batch.size === 0) {
      findings.push({
        severity: "warning",
        code: "adversarial_empty_evaluation",
        message: `the evaluation set '${evaluation.path}' has no rows, so noise and attack were not run`,
      });
    } else {
      const robustness = await step("running the model on the sampled and perturbed rows", () =>
        measureRobustness(ctx, model, sample, attacked, epsilon, seed, positiveClass, metrics, inputSchema.features.length),
      );
      if (!robustness.ok) return robustness.outcome;
      findings.push(...robustness.value);
    }
  }

  if (metrics.flipRate === null && metrics.harness === null) {
    return {
      verdict: "not_applicable",
      summary: `nothing to attack: the evaluation set '${evaluation?.path}' has no rows and no adversarial vectors are declared`,
      metrics: { ...metrics },
      findings,
    };
  }
  const harnessFailed = (metrics.harness?.failed ?? 0) > 0;
  const flipFailed = metrics.flipRate !== null && metrics.flipRate > maxFlipRate;
  const parts: string[] = [];
  if (metrics.flipRate !== null) {
    parts.push(`flip rate ${percent(metrics.flipRate)} ${flipFailed ? ">" : "≤"} ${percent(maxFlipRate)} at ε=${epsilon}`);
    if (metrics.robustAccuracy !== null && metrics.cleanAccuracy !== null)
      parts.push(`robust accuracy ${metrics.robustAccuracy.toFixed(3)} (clean ${metrics.cleanAccuracy.toFixed(3)})`);
  }
  if (metrics.harness) {
    parts.push(
      harnessFailed
        ? `${metrics.harness.failed} of ${metrics.harness.cases} adversarial vectors changed label`
        : `${metrics.harness.cases} adversarial vector(s) keep their label`,
    );
  }
  if (flipFailed) {
    findings.push({
      severity: "error",
      code: "adversarial_flip_rate_exceeded",
      message: `${metrics.flips} of ${metrics.perturbedRows} noisy rows (${percent(metrics.flipRate!)}) changed prediction under ε=${epsilon} noise; the limit is ${percent(maxFlipRate)}`,
      details: { flips: metrics.flips, perturbedRows: metrics.perturbedRows, flipRate: metrics.flipRate, maxFlipRate, epsilon },
    });
  }
  ctx.progress(1, "done");
  return {
    verdict: harnessFailed || flipFailed ? "fail" : "pass",
    summary: parts.join("; "),
    metrics: { ...metrics },
    findings,
  };
};

// ---------------------------------------------------------------------------------------------
// Harness vectors

const vectorFileSchema = z.object({
  cases: z.array(
    z.object({
      inputs: z.record(z.string(), z.unknown()),
      expectedLabel: z.union([z.number(), z.string(), z.boolean()]),
    }),
  ),
});

async function runHarness(
  ctx: CheckContext,
  model: LoadedModel,
  inputSchema: InputSchema,
  path: string,
  positiveClass: string | number | undefined,
): Promise<{ cases: number; failures: Finding[] }> {
  const bytes = await ctx.files.readBytes(path, MAX_VECTOR_FILE_BYTES);
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString("utf8"));
  } catch (error) {
    throw new Error(`not valid JSON (${error instanceof Error ? error.message : String(error)})`, { cause: error });
  }
  const parsed = vectorFileSchema.safeParse(json);
  if (!parsed.success) {
    throw new Error(`expected { "cases": [ { "inputs": {…}, "expectedLabel": … } ] }: ${z.prettifyError(parsed.error)}`);
  }
  const cases = parsed.data.cases;
  if (cases.length === 0) return { cases: 0, failures: [] };
  const predictions = await model.predict(rowsToBatch(cases.map((c) => c.inputs), inputSchema));
  const failures: Finding[] = [];
  cases.forEach((c, index) => {
    const expected = labelText(c.expectedLabel);
    let actual: string | number | null;
    let kept: boolean;
    if (predictions.labels === undefined) {
      // No label output: all the model says is positive or not, so compare on that.
      const positive = predictions.predictedPositive[index] === 1;
      actual = positive ? (positiveClass ?? 1) : `not ${positiveClass ?? 1}`;
      kept = isPositive(expected, positiveClass) === positive;
    } else {
      const value = predictions.labels[index];
      actual = value === undefined || (typeof value === "number" && Number.isNaN(value)) ? null : value;
      kept = actual !== null && sameLabel(expected, actual);
    }
    if (kept) return;
    failures.push({
      severity: "error",
      code: "adversarial_vector_label_changed",
      message: `adversarial vector #${index} was predicted ${JSON.stringify(actual)}, expected ${JSON.stringify(c.expectedLabel)}`,
      details: { index, inputs: c.inputs, expected: c.expectedLabel, actual },
    });
  });
  return { cases: cases.length, failures };
}

function labelText(value: string | number | boolean): string {
  return typeof value === "boolean" ? (value ? "1" : "0") : String(value);
}

/** "1", "1.0" and 1 are the same class; text labels compare exactly. */
function sameLabel(a: string, b: string | number): boolean {
  const bText = String(b);
  if (a === bText) return true;
  const x = numeric(a);
  const y = typeof b === "number" ? b : numeric(bText);
  return x !== null && y !== null && x === y;
}

function numeric(text: string): number | null {
  const t = text.trim();
  if (t === "") return null;
  if (t === "true") return 1;
  if (t === "false") return 0;
  const n = Number(t);
  return Number.isFinite(n) ? n : null;
}

function isPositive(label: string, positiveClass: string | number | undefined): boolean {
  return sameLabel(label, positiveClass ?? 1);
}

// ---------------------------------------------------------------------------------------------
// Sampling

type Sample = {
  /** Feature columns only: what the model sees. */
  batch: RowBatch;
  /** The evaluation label per sampled row as text; null when missing. */
  labels: (string | null)[];
  seen: number;
};

async function sampleEvaluation(
  ctx: CheckContext,
  inputSchema: InputSchema,
  evaluation: NonNullable<Manifest["evaluation"]>,
  random: Random,
): Promise<Sample> {
  const featureColumns = inputSchema.features.map((f) => ({ name: f.name, kind: columnKind(f) }));
  // The label might also be a feature name in odd schemas; read the column once.
  const labelIsFeature = featureColumns.some((c) => c.name === evaluation.label);
  const columns = labelIsFeature ? featureColumns : [...featureColumns, { name: evaluation.label, kind: "text" as const }];
  const reservoir = new Reservoir(Math.max(0, Math.floor(ctx.thresholds.adversarial.sampleSize)), columns, random);
  const format = inferEvaluationFormat(evaluation.path, evaluation.format);
  if (!format) throw new Error(`its name does not say whether it is CSV or JSON lines; declare evaluation.format ("csv" or "jsonl")`);
  const totalBytes = ctx.files.list.get(evaluation.path)?.size ?? 0;
  let bytesRead = 0;
  // Counting bytes as they pass costs one step per chunk, and is the only measure of how far the
  // single pass over the set has got.
  async function* counted(stream: AsyncIterable<Uint8Array | string>): AsyncGenerator<Uint8Array | string> {
    for await (const chunk of stream) {
      bytesRead += chunk.length;
      yield chunk;
    }
  }
  const source = counted(await ctx.files.open(evaluation.path));
  let batches = 0;
  for await (const batch of readEvaluationBatches({
    source,
    format,
    columns,
    signal: ctx.signal,
    ...(format === "csv" ? { delimiter: delimiterFor(evaluation.path) } : {}),
  })) {
    ctx.signal.throwIfAborted();
    reservoir.offer(batch);
    if (++batches % 4 === 0 && totalBytes > 0)
      ctx.progress(0.1 + 0.3 * Math.min(1, bytesRead / totalBytes), `sampling the evaluation set: ${reservoir.seen} rows read`);
  }
  const all = reservoir.toBatch();
  const labelColumn = all.columns.get(evaluation.label);
  const labels: (string | null)[] = [];
  for (let i = 0; i < all.size; i++) labels.push(labelColumn ? cellText(labelColumn, i) : null);
  const features = new Map<string, Column>();
  for (const c of featureColumns) features.set(c.name, all.columns.get(c.name)!);
  return { batch: { size: all.size, columns: features }, labels, seen: reservoir.seen };
}

function cellText(column: Column, row: number): string | null {
  if (column.kind === "text") return column.values[row] ?? null;
  const v = column.values[row]!;
  return Number.isNaN(v) ? null : String(v);
}

/** How a feature travels in a RowBatch: categories as text (their values may be strings), the rest as numbers. */
function columnKind(feature: Feature): "number" | "text" {
  return feature.type === "category" ? "text" : "number";
}

/**
 * Vitter's Algorithm L: a uniform sample of `capacity` rows from a stream of unknown length, drawing
 * O(capacity · log(n / capacity)) random numbers instead of one per row, so a million-row set costs
 * a few thousand draws. Rows are copied out of each batch, so no batch is retained. Which rows are
 * kept depends only on the seed and row positions, never on how the stream is cut into batches.
 * Exported so that its uniformity can be tested directly.
 */
export class Reservoir {
  size = 0;
  seen = 0;
  private readonly data = new Map<string, Float64Array | (string | null)[]>();
  private w = 0;
  private nextIndex = 0;

  constructor(
    private readonly capacity: number,
    private readonly columns: { name: string; kind: "number" | "text" }[],
    private readonly random: Random,
  ) {
    for (const c of columns) this.data.set(c.name, c.kind === "number" ? new Float64Array(capacity) : new Array<string | null>(capacity).fill(null));
  }

  offer(batch: RowBatch): void {
    const start = this.seen;
    const end = start + batch.size;
    let i = 0;
    while (this.size < this.capacity && i < batch.size) {
      this.copy(batch, i++, this.size++);
      if (this.size === this.capacity) {
        this.w = Math.exp(Math.log(this.random.nextPositive()) / this.capacity);
        this.nextIndex = start + i + this.skip();
      }
    }
    if (this.size === this.capacity && this.capacity > 0) {
      while (this.nextIndex < end) {
        this.copy(batch, this.nextIndex - start, this.random.int(this.capacity));
        this.w *= Math.exp(Math.log(this.random.nextPositive()) / this.capacity);
        this.nextIndex += 1 + this.skip();
      }
    }
    this.seen = end;
  }

  /** Rows to pass over before the next replacement (geometric with parameter w). */
  private skip(): number {
    const s = Math.floor(Math.log(this.random.nextPositive()) / Math.log(1 - this.w));
    return Number.isFinite(s) && s >= 0 ? s : Number.MAX_SAFE_INTEGER;
  }

  private copy(batch: RowBatch, from: number, to: number): void {
    for (const c of this.columns) {
      const source = batch.columns.get(c.name);
      const target = this.data.get(c.name)!;
      if (target instanceof Float64Array) {
        target[to] = source === undefined ? NaN : source.kind === "number" ? source.values[from]! : toNumber(source.values[from] ?? null);
      } else {
        target[to] = source === undefined ? null : source.kind === "text" ? (source.values[from] ?? null) : numberText(source.values[from]!);
      }
    }
  }

  toBatch(): RowBatch {
    const columns = new Map<string, Column>();
    for (const c of this.columns) {
      const values = this.data.get(c.name)!;
      columns.set(
        c.name,
        values instanceof Float64Array
          ? { kind: "number", values: values.slice(0, this.size) }
          : { kind: "text", values: values.slice(0, this.size) },
      );
    }
    return { size: this.size, columns };
  }
}

function toNumber(text: string | null): number {
  if (text === null) return NaN;
  return numeric(text) ?? NaN;
}

function numberText(v: number): string | null {
  return Number.isNaN(v) ? null : String(v);
}

// ---------------------------------------------------------------------------------------------
// Noise and attack

function attackableFeatures(features: Feature[]): { attacked: AttackedFeature[]; unbounded: string[] } {
  const attacked: AttackedFeature[] = [];
  const unbounded: string[] = [];
  for (const f of features) {
    if (f.type !== "int" && f.type !== "float") continue;
    if (f.min === undefined || f.max === undefined || !Number.isFinite(f.min) || !Number.isFinite(f.max)) {
      unbounded.push(f.name);
      continue;
    }
    // A single-valued range admits no perturbation at all; it is bounded, just not attackable.
    if (f.max <= f.min) continue;
    const integer = f.type === "int";
    // Clip ints to the integers inside the range, so a clipped value is still a valid int input.
    const min = integer ? Math.ceil(f.min) : f.min;
    const max = integer ? Math.floor(f.max) : f.max;
    if (max < min) continue;
    attacked.push({ name: f.name, integer, min, max, range: f.max - f.min });
  }
  return { attacked, unbounded };
}

/**
 * A perturbed value as a real input could be: noise is added, ints are rounded, and the result is
 * clipped to the schema range (values outside it are the validation check's probing, not an attack).
 * Missing values (NaN) stay missing.
 */
function perturb(value: number, delta: number, f: AttackedFeature): number {
  if (Number.isNaN(value)) return value;
  let v = value + delta;
  if (f.integer) v = Math.round(v);
  return v < f.min ? f.min : v > f.max ? f.max : v;
}

/** A batch of `rows.length` rows copied from `sample` (each sample row repeated `copies` times). */
function repeatRows(sample: RowBatch, from: number, to: number, copies: number): RowBatch {
  const size = (to - from) * copies;
  const columns = new Map<string, Column>();
  for (const [name, column] of sample.columns) {
    if (column.kind === "number") {
      const values = new Float64Array(size);
      for (let r = from, o = 0; r < to; r++) values.fill(column.values[r]!, o, (o += copies));
      columns.set(name, { kind: "number", values });
    } else {
      const values = new Array<string | null>(size);
      for (let r = from, o = 0; r < to; r++) values.fill(column.values[r] ?? null, o, (o += copies));
      columns.set(name, { kind: "text", values });
    }
  }
  return { size, columns };
}

function numberColumn(batch: RowBatch, name: string): Float64Array {
  const column = batch.columns.get(name);
  if (column?.kind !== "number") throw new Error(`feature '${name}' is not a numeric column`);
  return column.values;
}

function chunkRows(rowsPerSampleRow: number, features: number): number {
  const perRow = rowsPerSampleRow * Math.max(1, features);
  return Math.max(1, Math.min(Math.floor(MAX_CHUNK_ROWS / rowsPerSampleRow), Math.floor(CHUNK_CELLS / perRow)));
}

async function measureRobustness(
  ctx: CheckContext,
  model: LoadedModel,
  sample: Sample,
  attacked: AttackedFeature[],
  epsilon: number,
  seed: number,
  positiveClass: string | number | undefined,
  metrics: AdversarialMetrics,
  featureCount: number,
): Promise<Finding[]> {
  const findings: Finding[] = [];
  const n = sample.batch.size;
  const clean = await model.predict(sample.batch);
  ctx.signal.throwIfAborted();
  const cleanPositive = clean.predictedPositive;

  // 1. Bounded random noise.
  const K = PERTURBATIONS_PER_ROW;
  const noise = createRandom(seed, "adversarial/noise");
  const noiseChunk = chunkRows(K, featureCount);
  let flips = 0;
  for (let from = 0; from < n; from += noiseChunk) {
    const to = Math.min(n, from + noiseChunk);
    const batch = repeatRows(sample.batch, from, to, K);
    const targets = attacked.map((f) => numberColumn(batch, f.name));
    // Draw order is row → copy → feature, fixed, so the same seed gives the same noise.
    for (let o = 0; o < batch.size; o++) {
      for (let j = 0; j < attacked.length; j++) {
        const f = attacked[j]!;
        const values = targets[j]!;
        values[o] = perturb(values[o]!, noise.uniform(-epsilon * f.range, epsilon * f.range), f);
      }
    }
    const predicted = await model.predict(batch);
    for (let o = 0; o < batch.size; o++) if (predicted.predictedPositive[o] !== cleanPositive[from + Math.floor(o / K)]) flips++;
    ctx.signal.throwIfAborted();
    ctx.progress(0.4 + (0.3 * to) / n, `noise: ${to} of ${n} rows`);
  }
  metrics.perturbedRows = n * K;
  metrics.flips = flips;
  metrics.flipRate = flips / (n * K);
  ctx.log(`adversarial: noise flipped ${flips} of ${n * K} predictions (flip rate ${percent(metrics.flipRate)})`);

  // 2. Finite-difference gradient-sign attack.
  const truthPositive: (boolean | null)[] = sample.labels.map((l) => (l === null ? null : isPositive(l, positiveClass)));
  const F = attacked.length;
  const attackRows = F === 0 ? n : Math.min(n, Math.floor(ATTACK_PROBE_CELLS / (2 * F * Math.max(1, featureCount))));
  if (F > 0 && attackRows < n) {
    findings.push({
      severity: attackRows === 0 ? "warning" : "info",
      code: "adversarial_attack_subsampled",
      message: `the model has ${featureCount} features, so the gradient-sign attack ran on ${attackRows} of ${n} sampled rows to bound its 2·F probes per row`,
      details: { attackRows, sampledRows: n, features: featureCount },
    });
  }
  const useScores = clean.positiveScores !== undefined;
  metrics.gradientEstimate = F === 0 ? null : useScores ? "scores" : "labels";
  const attackedPositive = new Uint8Array(attackRows);
  if (F === 0) {
    // Nothing numeric to move: the attacked row is the clean row.
    attackedPositive.set(cleanPositive.subarray(0, attackRows));
  } else {
    const score = (p: Predictions, i: number) => (useScores ? p.positiveScores![i]! : p.predictedPositive[i]!);
    // Without a score output a tiny step almost never changes the decision, so probe at the attack
    // radius itself: the sign then says whether moving that way at ε flips the decision.
    const probeStep = useScores ? FINITE_DIFFERENCE_STEP : epsilon;
    const probeChunk = chunkRows(2 * F, featureCount);
    for (let from = 0; from < attackRows; from += probeChunk) {
      const to = Math.min(attackRows, from + probeChunk);
      const probes = repeatRows(sample.batch, from, to, 2 * F);
      for (let j = 0; j < F; j++) {
        const f = attacked[j]!;
        const values = numberColumn(probes, f.name);
        const h = f.integer ? Math.max(1, integerStep(probeStep * f.range)) : probeStep * f.range;
        for (let r = 0; r < to - from; r++) {
          const up = r * 2 * F + 2 * j;
          // Clipped to the range, so a row at the edge gets a one-sided difference (same sign).
          values[up] = clip(values[up]! + h, f);
          values[up + 1] = clip(values[up + 1]! - h, f);
        }
      }
      const probed = await model.predict(probes);
      ctx.signal.throwIfAborted();

      const adversarial = repeatRows(sample.batch, from, to, 1);
      for (let j = 0; j < F; j++) {
        const f = attacked[j]!;
        const values = numberColumn(adversarial, f.name);
        // A whole number of units for ints, so that perturb's rounding cannot swallow the step: with
        // ε·range = 0.5, Math.round(10 - 0.5) is 10, and the downward move would be lost.
        const stepSize = f.integer ? integerStep(epsilon * f.range) : epsilon * f.range;
        if (stepSize === 0) continue;
        for (let r = 0; r < to - from; r++) {
          const up = r * 2 * F + 2 * j;
          const slope = Math.sign(score(probed, up) - score(probed, up + 1));
          if (!(slope !== 0)) continue; // zero or NaN: no direction to push in
          // Push the positive score down for positive rows and up for negative ones; unlabeled rows
          // are pushed away from their clean prediction.
          const towardsPositive = truthPositive[from + r] ?? cleanPositive[from + r] === 1;
          const direction = towardsPositive ? -slope : slope;
          values[r] = perturb(values[r]!, direction * stepSize, f);
        }
      }
      const predicted = await model.predict(adversarial);
      attackedPositive.set(predicted.predictedPositive.subarray(0, to - from), from);
      ctx.signal.throwIfAborted();
      ctx.progress(0.7 + (0.3 * to) / Math.max(1, attackRows), `attack: ${to} of ${attackRows} rows`);
    }
  }

  let labeled = 0;
  let cleanCorrect = 0;
  let robustCorrect = 0;
  let attackFlips = 0;
  for (let r = 0; r < attackRows; r++) {
    if (attackedPositive[r] !== cleanPositive[r]) attackFlips++;
    const truth = truthPositive[r];
    if (truth === null || truth === undefined) continue;
    labeled++;
    const cleanOk = (cleanPositive[r] === 1) === truth;
    const attackedOk = (attackedPositive[r] === 1) === truth;
    if (cleanOk) cleanCorrect++;
    // The zero perturbation is inside the ε-ball, so a row misclassified clean is not robust either.
    if (cleanOk && attackedOk) robustCorrect++;
  }
  metrics.attackedRows = attackRows;
  metrics.labeledRows = labeled;
  metrics.cleanAccuracy = labeled > 0 ? cleanCorrect / labeled : null;
  metrics.robustAccuracy = labeled > 0 ? robustCorrect / labeled : null;
  metrics.attackFlipRate = attackRows > 0 ? attackFlips / attackRows : null;
  ctx.log(
    `adversarial: gradient-sign attack on ${attackRows} rows: clean accuracy ${fmt(metrics.cleanAccuracy)}, robust accuracy ${fmt(metrics.robustAccuracy)}, ${attackFlips} predictions changed`,
  );
  if (metrics.robustAccuracy !== null && metrics.cleanAccuracy !== null) {
    // Reported, not gated: there is no policy threshold for it, and how much accuracy an ε-attack
    // may cost depends on the use case; reviewers read it next to the flip rate.
    findings.push({
      severity: "info",
      code: "adversarial_robust_accuracy",
      message: `a gradient-sign attack at ε=${epsilon} lowers accuracy from ${metrics.cleanAccuracy.toFixed(3)} to ${metrics.robustAccuracy.toFixed(3)} on ${labeled} labeled rows`,
      details: { epsilon, cleanAccuracy: metrics.cleanAccuracy, robustAccuracy: metrics.robustAccuracy, rows: labeled, attackFlips },
    });
  }
  return findings;
}

/**
 * An attack or probe distance for an int feature in whole units: the distance rounded half up, so
 * 0.5 ≤ d < 1.5 is one unit and d < 0.5 is none (no other integer lies within d of an integer).
 * Applied as an integer offset, it moves an int value the same number of units up as down.
 */
export function integerStep(distance: number): number {
  return Number.isFinite(distance) && distance > 0 ? Math.floor(distance + 0.5) : 0;
}

function clip(v: number, f: AttackedFeature): number {
  return v < f.min ? f.min : v > f.max ? f.max : v;
}

// ---------------------------------------------------------------------------------------------

function notApplicable(summary: string): CheckOutcome {
  return { verdict: "not_applicable", summary, metrics: {}, findings: [] };
}

function errorOutcome(summary: string): CheckOutcome {
  return { verdict: "error", summary, metrics: {}, findings: [{ severity: "error", code: "adversarial_error", message: summary }] };
}

function percent(x: number): string {
  return `${(x * 100).toFixed(1)}%`;
}

function fmt(x: number | null): string {
  return x === null ? "n/a" : x.toFixed(3);
}
