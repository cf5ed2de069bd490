// The validation check (docs/checks.md): can the registry run this artifact, does it keep the
// manifest's promises (schema, test vectors), is it deterministic, does it stay finite over the schema's
// range, and how fast is it. Every problem is a finding; the verdict is pass only when none is an error.
import { DEFAULT_ATOL, DEFAULT_RTOL } from "./tolerances.ts";
import { performance } from "node:perf_hooks";
import onnxProto from "onnx-proto";
import { z } from "zod";
import type { Manifest } from "../../registry/envelope.ts";
import { ModelRunError, rowsToBatch } from "../model/load-model.ts";
import type { CheckContext, CheckFunction, CheckOutcome, Finding, LoadedModel, Predictions, RowBatch } from "../types.ts";

const { onnx } = onnxProto;
type InputSchema = NonNullable<Manifest["inputSchema"]>;
type Feature = InputSchema["features"][number];

/**
 * What onnxruntime-node 1.30 loads, taken from its own refusals: "max supported IR version: 13",
 * "official support for domain ai.onnx is till opset 26"; IR 3 / opset 7 are the oldest it accepts.
 */
export const SUPPORTED_IR_VERSIONS = { min: 3, max: 13 } as const;
export const SUPPORTED_ONNX_OPSETS = { min: 7, max: 26 } as const;

/** Findings listed per kind before the rest are only counted (a broken model can fail thousands of cases). */
const MAX_FINDINGS_PER_KIND = 50;
/** Test vector files are JSON read into memory; anything larger is not a test vector file. */
const MAX_TEST_VECTOR_BYTES = 64 * 1024 * 1024;
const LATENCY_PLAN = [
  { batch: 1, runs: 50 },
  { batch: 1024, runs: 10 },
] as const;

type Run = {
  ctx: CheckContext;
  findings: Finding[];
  metrics: Record<string, unknown>;
};

export const runValidationCheck: CheckFunction = async (ctx) => {
  const run: Run = { ctx, findings: [], metrics: {} };
  const { manifest } = ctx;
  if (manifest.artifact.format !== "onnx") {
    return {
      verdict: "not_applicable",
      summary: `artifact is ${manifest.artifact.format}, not ONNX: the registry stores and serves it but never executes it`,
      metrics: { format: manifest.artifact.format },
      findings: [],
    };
  }
  let stage = "parsing";
  try {
    ctx.progress(0, "parsing the ONNX file");
    const parsed = await parseArtifact(run);
    if (!parsed) return finish(run);

    stage = "loading";
    checkpoint(ctx, 0.1, "loading the model with onnxruntime");
    const model = await loadModel(run);
    if (!model) return finish(run);

    stage = "test vectors";
    checkpoint(ctx, 0.2, "running test vectors");
    const vectors = await checkTestVectors(run, model);

    stage = "schema probing";
    checkpoint(ctx, 0.4, "probing the schema's range");
    const probes = await probeSchema(run, model);

    stage = "determinism";
    checkpoint(ctx, 0.55, "running again to check determinism");
    await checkDeterminism(run, model, [vectors, probes].filter((r): r is BatchRun => r !== undefined));

    stage = "latency";
    checkpoint(ctx, 0.65, "measuring latency");
    await measureLatency(run, model);

    ctx.progress(1, "done");
    return finish(run);
  } catch (error) {
    if (ctx.signal.aborted) {
      run.findings.push({ severity: "error", code: "time_limit_exceeded", message: `validation stopped during ${stage}: the run exceeded its time limit` });
      return { ...finish(run), verdict: "error" };
    }
    const message = error instanceof Error ? error.message : String(error);
    ctx.log(`unexpected error during ${stage}: ${error instanceof Error ? (error.stack ?? message) : message}`);
    run.findings.push({ severity: "error", code: "check_crashed", message: `validation could not complete ${stage}: ${message}` });
    return { ...finish(run), verdict: "error" };
  }
};

function checkpoint(ctx: CheckContext, fraction: number, message: string): void {
  ctx.signal.throwIfAborted();
  ctx.progress(fraction, message);
  ctx.log(message);
}

function finish(run: Run): CheckOutcome {
  const errors = run.findings.filter((f) => f.severity === "error");
  const verdict = errors.length > 0 ? "fail" : "pass";
  return { verdict, summary: summarize(run, errors), metrics: run.metrics, findings: run.findings };
}

function summarize(run: Run, errors: Finding[]): string {
  if (errors.length > 0) {
    const more = errors.length > 1 ? ` (+${errors.length - 1} more problem${errors.length > 2 ? "s" : ""})` : "";
    return `${errors[0]!.message}${more}`;
  }
  const m = run.metrics as { testVectors?: { cases: number }; probes?: { rows: number }; deterministic?: boolean | null; latency?: { batch1?: { p50Ms: number } } };
  const parts = [
    m.testVectors ? `${m.testVectors.cases} test vectors reproduced` : "no test vectors",
    m.probes ? `${m.probes.rows} schema probes finite` : undefined,
    m.deterministic ? "deterministic" : undefined,
    m.latency?.batch1 ? `p50 ${m.latency.batch1.p50Ms.toFixed(2)} ms at batch 1` : undefined,
  ];
  return parts.filter(Boolean).join("; ");
}

function error(run: Run, code: string, message: string, details?: Record<string, unknown>): void {
  run.findings.push({ severity: "error", code, message, ...(details ? { details } : {}) });
}

// ---------------------------------------------------------------------------------------------
// Parsing: decoded independently of the runtime, so a reviewer learns which IR/opset the file declares
// even when the runtime refuses it.

type ParsedModel = { irVersion: number; opsets: Record<string, number> };

function toNumber(value: number | { toNumber(): number } | null | undefined): number {
  if (value === null || value === undefined) return 0;
  return typeof value === "number" ? value : value.toNumber();
}

async function parseArtifact(run: Run): Promise<ParsedModel | undefined> {
  const { ctx } = run;
  const path = ctx.manifest.artifact.path;
  const bytes = await ctx.files.readBytes(path, ctx.thresholds.security.maxArtifactBytes);
  run.metrics.artifactBytes = bytes.length;
  let model: onnxProto.onnx.ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (e) {
    error(run, "invalid_onnx", `not a valid ONNX model: ${e instanceof Error ? e.message : String(e)}`);
    return undefined;
  }
  // Decoded messages always carry their repeated fields (empty arrays by default).
  const graph = model.graph as onnxProto.onnx.GraphProto | null | undefined;
  if (!graph || (graph.node.length === 0 && graph.output.length === 0)) {
    error(run, "invalid_onnx", "not a valid ONNX model: the file has no graph");
    return undefined;
  }
  const irVersion = toNumber(model.irVersion);
  const opsets: Record<string, number> = {};
  for (const o of model.opsetImport) opsets[o.domain === "" || !o.domain ? "ai.onnx" : o.domain] = toNumber(o.version);
  const onnxOpset = opsets["ai.onnx"];
  run.metrics.irVersion = irVersion;
  run.metrics.opsets = opsets;
  run.metrics.producer = [model.producerName, model.producerVersion].filter(Boolean).join(" ") || undefined;
  run.metrics.graph = {
    inputs: graph.input.map((i) => i.name),
    outputs: graph.output.map((o) => o.name),
    nodes: graph.node.length,
  };
  ctx.log(`ONNX IR version ${irVersion}, opsets ${JSON.stringify(opsets)}`);

  let supported = true;
  if (irVersion < SUPPORTED_IR_VERSIONS.min || irVersion > SUPPORTED_IR_VERSIONS.max) {
    supported = false;
    error(run, "unsupported_ir_version", `ONNX IR version ${irVersion} is outside what the registry's onnxruntime supports (${SUPPORTED_IR_VERSIONS.min}–${SUPPORTED_IR_VERSIONS.max})`, {
      irVersion,
      supported: SUPPORTED_IR_VERSIONS,
    });
  }
  if (onnxOpset === undefined) {
    // Models made only of ai.onnx.ml operators are legal; there is nothing to check then.
    ctx.log("the model imports no ai.onnx opset");
  } else if (onnxOpset < SUPPORTED_ONNX_OPSETS.min || onnxOpset > SUPPORTED_ONNX_OPSETS.max) {
    supported = false;
    error(run, "unsupported_opset", `ai.onnx opset ${onnxOpset} is outside what the registry's onnxruntime supports (${SUPPORTED_ONNX_OPSETS.min}–${SUPPORTED_ONNX_OPSETS.max})`, {
      opset: onnxOpset,
      supported: SUPPORTED_ONNX_OPSETS,
    });
  }
  const declared = ctx.manifest.opset;
  if (declared !== undefined && declared !== onnxOpset) {
    error(run, "opset_mismatch", `the manifest declares opset ${declared}, but the model imports ai.onnx opset ${onnxOpset ?? "none"}`, {
      declared,
      actual: onnxOpset ?? null,
    });
  }
  return supported ? { irVersion, opsets } : undefined;
}

// ---------------------------------------------------------------------------------------------
// Loading: binds the model to the schema; every contract mismatch surfaces here as a ModelRunError.

async function loadModel(run: Run): Promise<LoadedModel | undefined> {
  if (!run.ctx.manifest.inputSchema) {
    run.findings.push({
      severity: "warning",
      code: "no_input_schema",
      message: "the manifest declares no inputSchema, so inputs cannot be checked against a contract, the schema cannot be probed, and fairness/adversarial checks cannot run",
    });
  }
  try {
    const model = await run.ctx.loadModel();
    run.metrics.inputs = model.inputNames;
    run.metrics.outputs = model.outputNames;
    return model;
  } catch (e) {
    if (e instanceof ModelRunError) {
      error(run, e.code, e.message);
      return undefined;
    }
    throw e;
  }
}

// ---------------------------------------------------------------------------------------------
// Test vectors

const testVectorFileSchema = z.object({
  atol: z.number().nonnegative().optional(),
  rtol: z.number().nonnegative().optional(),
  cases: z.array(z.object({ inputs: z.record(z.string(), z.json()), expected: z.record(z.string(), z.json()) })),
});
export type TestVectorFile = z.infer<typeof testVectorFileSchema>;

type BatchRun = { name: string; batch: RowBatch; predictions: Predictions };

async function checkTestVectors(run: Run, model: LoadedModel): Promise<BatchRun | undefined> {
  const { ctx } = run;
  const path = ctx.manifest.testVectors;
  if (!path) {
    // Not a failure: many pipelines cannot produce reference outputs yet, and probing still runs.
    run.findings.push({
      severity: "warning",
      code: "no_test_vectors",
      message: "the manifest declares no test vectors, so the registry cannot confirm the model reproduces the outputs it had in training",
    });
    return undefined;
  }
  let file: TestVectorFile;
  try {
    const text = (await ctx.files.readBytes(path, MAX_TEST_VECTOR_BYTES)).toString("utf8");
    const parsed = testVectorFileSchema.safeParse(JSON.parse(text));
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      error(run, "test_vectors_invalid", `test vectors '${path}' are malformed at ${issue.path.join(".") || "(root)"}: ${issue.message}`);
      return undefined;
    }
    file = parsed.data;
  } catch (e) {
    error(run, "test_vectors_invalid", `test vectors '${path}' could not be read: ${e instanceof Error ? e.message : String(e)}`);
    return undefined;
  }
  const limit = ctx.thresholds.validation.maxTestVectorCases;
  const cases = file.cases.slice(0, limit);
  if (file.cases.length > limit) {
    run.findings.push({
      severity: "warning",
      code: "test_vectors_truncated",
      message: `only the first ${limit} of ${file.cases.length} test vector cases were evaluated`,
    });
  }
  const atol = file.atol ?? DEFAULT_ATOL;
  const rtol = file.rtol ?? DEFAULT_RTOL;
  let batch: RowBatch;
  let predictions: Predictions;
  try {
    batch = rowsToBatch(
      cases.map((c) => c.inputs as Record<string, unknown>),
      ctx.manifest.inputSchema,
    );
    predictions = await model.predict(batch);
  } catch (e) {
    if (!(e instanceof ModelRunError)) throw e;
    error(run, e.code === "bad_input_value" ? "test_vectors_invalid" : e.code, `test vectors could not be run: ${e.message}`);
    return undefined;
  }
  const comparison = compareTestVectors(cases, predictions, { atol, rtol });
  const listed = comparison.mismatches.slice(0, MAX_FINDINGS_PER_KIND);
  for (const m of listed) {
    error(run, "test_vector_mismatch", m.message, { case: m.caseIndex, output: m.output, expected: m.expected, actual: m.actual, absError: m.absError, atol, rtol });
  }
  const failed = comparison.failedCases.size;
  if (comparison.mismatches.length > listed.length) {
    error(run, "test_vector_mismatch", `${comparison.mismatches.length - listed.length} more test vector mismatches are not listed (${failed} of ${cases.length} cases fail)`);
  }
  run.metrics.testVectors = { cases: cases.length, passed: cases.length - failed, failed, maxAbsError: comparison.maxAbsError, atol, rtol };
  ctx.log(`test vectors: ${cases.length - failed}/${cases.length} reproduced, max abs error ${comparison.maxAbsError}`);
  return { name: "test vectors", batch, predictions };
}

export type TestVectorMismatch = {
  caseIndex: number;
  output: string;
  expected: unknown;
  actual: unknown;
  absError: number | null;
  message: string;
};

/**
 * Compares each case's expected outputs with the predictions' row: numbers within |a-e| <= atol + rtol·|e|
 * (booleans count as 0/1), strings exactly. Expected values may be scalars or (nested) arrays.
 */
export function compareTestVectors(
  cases: readonly { expected: Record<string, unknown> }[],
  predictions: Predictions,
  tolerance: { atol: number; rtol: number },
): { mismatches: TestVectorMismatch[]; failedCases: Set<number>; maxAbsError: number } {
  const mismatches: TestVectorMismatch[] = [];
  const failedCases = new Set<number>();
  let maxAbsError = 0;
  const fail = (m: Omit<TestVectorMismatch, "message">, why: string) => {
    failedCases.add(m.caseIndex);
    mismatches.push({ ...m, message: `test vector case ${m.caseIndex}: '${m.output}' ${why}` });
  };
  cases.forEach((c, caseIndex) => {
    for (const [output, expectedValue] of Object.entries(c.expected)) {
      const tensor = predictions.outputs[output];
      if (!tensor) {
        fail({ caseIndex, output, expected: expectedValue, actual: null, absError: null }, `is not an output of the model (outputs: ${Object.keys(predictions.outputs).join(", ")})`);
        continue;
      }
      const width = predictions.size === 0 ? 0 : tensor.data.length / predictions.size;
      const row: (number | string)[] = Number.isInteger(width) ? [...tensor.data.slice(caseIndex * width, (caseIndex + 1) * width)] : [];
      const actual: unknown = row.length === 1 ? row[0] : row;
      const expected = flatten(expectedValue);
      if (row.length !== expected.length) {
        fail({ caseIndex, output, expected: expectedValue, actual, absError: null }, `expected ${expected.length} value(s) ${JSON.stringify(expectedValue)}, got ${row.length}: ${show(actual)}`);
        continue;
      }
      let worst = 0;
      let ok = true;
      expected.forEach((e, k) => {
        const a = row[k];
        if (typeof a === "string") {
          if (String(e) !== a) ok = false;
          return;
        }
        const en = typeof e === "boolean" ? Number(e) : e;
        if (typeof en !== "number" || typeof a !== "number") {
          ok = false;
          return;
        }
        const diff = Math.abs(a - en);
        if (Number.isNaN(diff)) {
          ok = false;
          worst = Infinity;
          return;
        }
        worst = Math.max(worst, diff);
        if (diff > tolerance.atol + tolerance.rtol * Math.abs(en)) ok = false;
      });
      if (Number.isFinite(worst)) maxAbsError = Math.max(maxAbsError, worst);
      if (!ok) fail({ caseIndex, output, expected: expectedValue, actual, absError: Number.isFinite(worst) ? worst : null }, `expected ${JSON.stringify(expectedValue)}, got ${show(actual)}`);
    }
  });
  return { mismatches, failedCases, maxAbsError };
}

function flatten(value: unknown): unknown[] {
  return Array.isArray(value) ? value.flatMap(flatten) : [value];
}

function show(value: unknown): string {
  // NaN is what a broken model produces most often, and JSON.stringify would print it as null.
  if (Array.isArray(value)) return `[${value.map(show).join(", ")}]`;
  return typeof value === "number" ? String(value) : JSON.stringify(value);
}

// ---------------------------------------------------------------------------------------------
// Schema probing

export type Probe = { feature: string; probe: string; value: unknown };

/**
 * One row per probe: every feature at a typical value (range midpoint, first category, false), except
 * the probed one, which sits at min, max, just outside (1% of the range; at least 1 for ints), missing
 * (when nullable), each category, or true. The first row is the all-typical baseline.
 */
export function buildSchemaProbes(schema: InputSchema, maxRows = Infinity): { probes: Probe[]; rows: Record<string, unknown>[] } {
  const baseline = Object.fromEntries(schema.features.map((f) => [f.name, typicalValue(f)]));
  const probes: Probe[] = [{ feature: "(all)", probe: "typical values", value: null }];
  for (const f of schema.features) {
    for (const [probe, value] of probeValues(f)) probes.push({ feature: f.name, probe, value });
  }
  const kept = probes.slice(0, maxRows);
  return { probes: kept, rows: kept.map((p) => (p.feature === "(all)" ? { ...baseline } : { ...baseline, [p.feature]: p.value })) };
}

function typicalValue(f: Feature): unknown {
  switch (f.type) {
    case "bool":
      return false;
    case "category":
      return f.categories?.[0] ?? null;
    default: {
      const { min, max } = f;
      let v = min !== undefined && max !== undefined ? (min + max) / 2 : (min ?? max ?? 0);
      if (f.type === "int") v = Math.round(v);
      return v;
    }
  }
}

function probeValues(f: Feature): [string, unknown][] {
  const out: [string, unknown][] = [];
  if (f.type === "int" || f.type === "float") {
    const { min, max } = f;
    const span = min !== undefined && max !== undefined ? max - min : Math.abs(min ?? max ?? 0);
    let step = span > 0 ? span * 0.01 : 1;
    // An int input rounds what it is fed, so "just outside" must be at least one whole step away.
    if (f.type === "int") step = Math.max(1, Math.ceil(step));
    if (min !== undefined) out.push(["min", min], ["just below min", min - step]);
    if (max !== undefined) out.push(["max", max], ["just above max", max + step]);
  } else if (f.type === "bool") {
    out.push(["true", true]);
  } else {
    for (const c of (f.categories ?? []).slice(1, 100)) out.push([`category ${JSON.stringify(c)}`, c]);
  }
  if (f.nullable) out.push(["missing", null]);
  return out;
}

async function probeSchema(run: Run, model: LoadedModel): Promise<BatchRun | undefined> {
  const { ctx } = run;
  const schema = ctx.manifest.inputSchema;
  if (!schema) return undefined;
  const { probes, rows } = buildSchemaProbes(schema, ctx.thresholds.validation.maxTestVectorCases);
  const batch = rowsToBatch(rows, schema);
  let predictions: Predictions;
  try {
    predictions = await model.predict(batch);
  } catch (e) {
    if (!(e instanceof ModelRunError)) throw e;
    await findCrashingProbes(run, model, probes, rows, e);
    run.metrics.probes = { rows: probes.length, failing: null };
    return undefined;
  }
  const failing = nonFiniteRows(predictions);
  let listed = 0;
  for (const [row, where] of failing) {
    if (listed++ >= MAX_FINDINGS_PER_KIND) break;
    const p = probes[row]!;
    error(run, "probe_non_finite_output", `probing '${p.feature}' at ${p.probe} (${show(p.value)}) gives ${where.value} in output '${where.output}'`, {
      feature: p.feature,
      probe: p.probe,
      value: p.value,
      output: where.output,
    });
  }
  if (failing.size > MAX_FINDINGS_PER_KIND) error(run, "probe_non_finite_output", `${failing.size - MAX_FINDINGS_PER_KIND} more probes give non-finite outputs (not listed)`);
  run.metrics.probes = { rows: probes.length, failing: failing.size };
  ctx.log(`schema probes: ${probes.length - failing.size}/${probes.length} finite`);
  return { name: "schema probes", batch, predictions };
}

/** Row index → the first non-finite value found in it (numeric outputs only). */
function nonFiniteRows(predictions: Predictions): Map<number, { output: string; value: string }> {
  const rows = new Map<number, { output: string; value: string }>();
  for (const [output, { data }] of Object.entries(predictions.outputs)) {
    if (!(data instanceof Float64Array) || predictions.size === 0) continue;
    const width = data.length / predictions.size;
    if (!Number.isInteger(width)) continue;
    for (let i = 0; i < data.length; i++) {
      const v = data[i]!;
      if (Number.isFinite(v)) continue;
      const row = Math.floor(i / width);
      if (!rows.has(row)) rows.set(row, { output, value: String(v) });
    }
  }
  return new Map([...rows].sort((a, b) => a[0] - b[0]));
}

/**
 * The batch failed as a whole; rerun probes one at a time to name the ones that crash. Diagnosis only,
 * bounded, and only on this failure path — inference proper is always batched.
 */
async function findCrashingProbes(run: Run, model: LoadedModel, probes: Probe[], rows: Record<string, unknown>[], batchError: ModelRunError): Promise<void> {
  const schema = run.ctx.manifest.inputSchema;
  let found = 0;
  for (let i = 0; i < Math.min(rows.length, 200) && found < MAX_FINDINGS_PER_KIND; i++) {
    run.ctx.signal.throwIfAborted();
    try {
      await model.predict(rowsToBatch([rows[i]!], schema));
    } catch (e) {
      if (!(e instanceof ModelRunError)) throw e;
      const p = probes[i]!;
      found++;
      error(run, "probe_crash", `probing '${p.feature}' at ${p.probe} (${show(p.value)}) fails: ${e.message}`, { feature: p.feature, probe: p.probe, value: p.value });
    }
  }
  if (found === 0) error(run, "probe_crash", `schema probing fails: ${batchError.message}`);
}

// ---------------------------------------------------------------------------------------------
// Determinism

async function checkDeterminism(run: Run, model: LoadedModel, previous: BatchRun[]): Promise<void> {
  if (previous.length === 0) {
    run.metrics.deterministic = null;
    return;
  }
  for (const { name, batch, predictions } of previous) {
    const again = await model.predict(batch);
    const difference = firstDifference(predictions, again);
    if (difference) {
      error(run, "nondeterministic", `two runs of the ${name} disagree: output '${difference.output}' element ${difference.index} was ${difference.first}, then ${difference.second}`, difference);
      run.metrics.deterministic = false;
      return;
    }
  }
  run.metrics.deterministic = true;
}

function firstDifference(a: Predictions, b: Predictions): { output: string; index: number; first: string; second: string } | undefined {
  for (const [output, x] of Object.entries(a.outputs)) {
    const y = b.outputs[output];
    if (!y || y.data.length !== x.data.length) return { output, index: -1, first: `${x.data.length} values`, second: `${y?.data.length ?? 0} values` };
    for (let i = 0; i < x.data.length; i++) {
      const u = x.data[i];
      const v = y.data[i];
      // Object.is: NaN equals NaN (a stable NaN is not nondeterminism), while -0/+0 differences are reported.
      if (!Object.is(u, v)) return { output, index: i, first: String(u), second: String(v) };
    }
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Latency (informational; never gates)

async function measureLatency(run: Run, model: LoadedModel): Promise<void> {
  const { ctx } = run;
  const row = ctx.manifest.inputSchema ? buildSchemaProbes(ctx.manifest.inputSchema, 1).rows[0]! : undefined;
  if (!row) {
    run.metrics.latency = null;
    return;
  }
  const latency: Record<string, { p50Ms: number; p95Ms: number; runs: number }> = {};
  try {
    for (const { batch: size, runs } of LATENCY_PLAN) {
      const batch = rowsToBatch(Array.from({ length: size }, () => row), ctx.manifest.inputSchema);
      await model.predict(batch); // warm-up: first runs allocate
      const times: number[] = [];
      for (let i = 0; i < runs; i++) {
        ctx.signal.throwIfAborted();
        const start = performance.now();
        await model.predict(batch);
        times.push(performance.now() - start);
      }
      latency[`batch${size}`] = { p50Ms: round(percentile(times, 0.5)), p95Ms: round(percentile(times, 0.95)), runs };
    }
  } catch (e) {
    if (!(e instanceof ModelRunError)) throw e;
    run.findings.push({ severity: "info", code: "latency_not_measured", message: `latency could not be measured: ${e.message}` });
  }
  run.metrics.latency = latency;
  ctx.log(`latency: ${JSON.stringify(latency)}`);
}

/** Nearest-rank percentile. */
function percentile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
