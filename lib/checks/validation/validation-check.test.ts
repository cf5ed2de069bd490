import { afterEach, describe, expect, it } from "vitest";
import { releaseAllModels } from "../model/load-model.ts";
import { createTestContext } from "../testing/context.ts";
import {
  buildLinearClassifier,
  buildLinearClassifierWithVersions,
  buildNaNModel,
  buildPerFeatureInputClassifier,
  buildZipMapClassifier,
  truncateModel,
} from "../testing/onnx-builders.ts";
import type { Finding } from "../types.ts";
import { buildSchemaProbes, runValidationCheck } from "./validation-check.ts";

const featureNames = ["age", "income", "debt_ratio"];
const weights = [0.02, -0.00003, 2.5];
const bias = -0.5;
const features = [
  { name: "age", type: "int", min: 18, max: 90 },
  { name: "income", type: "float", min: 0, max: 200_000 },
  { name: "debt_ratio", type: "float", min: 0, max: 1 },
] as const;

type Row = { age: number; income: number; debt_ratio: number };

const inputs: Row[] = Array.from({ length: 20 }, (_, i) => ({ age: 20 + 3 * i, income: 5_000 + 9_000 * i, debt_ratio: ((i * 7) % 10) / 10 }));

/** Reference outputs by plain arithmetic from the weights — the model is never asked. */
function expectedFor(row: Row): { label: number; probabilities: [number, number] } {
  const z = bias + weights[0]! * row.age + weights[1]! * row.income + weights[2]! * row.debt_ratio;
  const p = 1 / (1 + Math.exp(-z));
  return { label: p >= 0.5 ? 1 : 0, probabilities: [1 - p, p] };
}

function testVectors(rows: Row[] = inputs) {
  return { atol: 1e-6, rtol: 1e-4, cases: rows.map((row) => ({ inputs: row, expected: expectedFor(row) })) };
}

function manifest(overrides: Record<string, unknown> = {}) {
  return {
    name: "credit-risk",
    version: "1.0.0",
    artifact: { path: "model.onnx", format: "onnx" },
    opset: 17,
    inputSchema: { features, tensor: "x", outputs: { label: "label", score: "probabilities", positiveClass: 1 } },
    testVectors: "test_vectors.json",
    ...overrides,
  };
}

function context(model: Uint8Array, options: { manifest?: Record<string, unknown>; vectors?: unknown; timeoutMs?: number } = {}) {
  const files: Record<string, Uint8Array | string> = { "model.onnx": model };
  if (options.vectors !== null) files["test_vectors.json"] = JSON.stringify(options.vectors ?? testVectors());
  return createTestContext({ manifest: manifest(options.manifest), files, timeoutMs: options.timeoutMs });
}

const goodModel = () => buildLinearClassifier({ features: featureNames, weights, bias });
const errors = (findings: Finding[]) => findings.filter((f) => f.severity === "error");

afterEach(async () => {
  await releaseAllModels();
});

describe("runValidationCheck", () => {
  it("passes a good model whose test vectors reproduce", async () => {
    // The fixtures only make sense if both classes occur.
    expect(new Set(inputs.map((r) => expectedFor(r).label))).toEqual(new Set([0, 1]));
    const ctx = context(goodModel());
    const outcome = await runValidationCheck(ctx);
    expect(errors(outcome.findings)).toEqual([]);
    expect(outcome.verdict).toBe("pass");
    expect(outcome.summary).toMatch(/^20 test vectors reproduced; \d+ schema probes finite; deterministic; p50 [\d.]+ ms at batch 1$/);
    expect(outcome.metrics).toMatchObject({
      irVersion: 8,
      opsets: { "ai.onnx": 17 },
      inputs: ["x"],
      outputs: ["label", "probabilities"],
      testVectors: { cases: 20, passed: 20, failed: 0 },
      probes: { failing: 0 },
      deterministic: true,
    });
    const metrics = outcome.metrics as { testVectors: { maxAbsError: number }; probes: { rows: number } };
    expect(metrics.testVectors.maxAbsError).toBeLessThan(1e-6);
    // Baseline + min/max/just outside for each of the three ranged features.
    expect(metrics.probes.rows).toBe(1 + 3 * 4);
    const fractions = ctx.progressReports.map((p) => p.fraction);
    expect(fractions).toEqual([...fractions].sort((a, b) => a - b));
    expect(fractions.at(-1)).toBe(1);
    expect(ctx.logs.length).toBeGreaterThan(0);
  });

  it("records latency percentiles at batch 1 and 1024", async () => {
    const outcome = await runValidationCheck(context(goodModel()));
    const latency = outcome.metrics.latency as Record<string, { p50Ms: number; p95Ms: number; runs: number }>;
    for (const [key, runs] of [["batch1", 50], ["batch1024", 10]] as const) {
      expect(latency[key]!.runs).toBe(runs);
      expect(latency[key]!.p50Ms).toBeGreaterThanOrEqual(0);
      expect(latency[key]!.p95Ms).toBeGreaterThanOrEqual(latency[key]!.p50Ms);
    }
  });

  it("fails on wrong test vectors, listing each failing case with expected and actual", async () => {
    const vectors = testVectors();
    const wrong = vectors.cases[3]!;
    wrong.expected.probabilities = [0.25, 0.75];
    const flipped = vectors.cases[7]!;
    flipped.expected.label = 1 - flipped.expected.label;
    const outcome = await runValidationCheck(context(goodModel(), { vectors }));
    expect(outcome.verdict).toBe("fail");
    expect(outcome.metrics.testVectors).toMatchObject({ cases: 20, passed: 18, failed: 2 });
    const mismatches = outcome.findings.filter((f) => f.code === "test_vector_mismatch");
    expect(mismatches.map((f) => [f.details!.case, f.details!.output])).toEqual([
      [3, "probabilities"],
      [7, "label"],
    ]);
    const actualP = expectedFor(inputs[3]!).probabilities;
    const details = mismatches[0]!.details as { expected: number[]; actual: number[] };
    expect(details.expected).toEqual([0.25, 0.75]);
    expect(details.actual[0]).toBeCloseTo(actualP[0], 6);
    expect(details.actual[1]).toBeCloseTo(actualP[1], 6);
    expect(mismatches[0]!.message).toMatch(/^test vector case 3: 'probabilities' expected \[0\.25,0\.75\], got \[0\.\d+, 0\.\d+\]$/);
    expect(mismatches[1]!.message).toBe(`test vector case 7: 'label' expected ${flipped.expected.label}, got ${1 - flipped.expected.label}`);
    expect(outcome.summary).toMatch(/^test vector case 3: .* \(\+1 more problem\)$/);
  });

  it("lists at most 50 mismatches but counts them all", async () => {
    const rows = Array.from({ length: 80 }, (_, i) => ({ age: 20 + (i % 60), income: 1000 * i, debt_ratio: 0.5 }));
    const vectors = { atol: 1e-6, rtol: 0, cases: rows.map((row) => ({ inputs: row, expected: { probabilities: [0.5, 0.5] } })) };
    const outcome = await runValidationCheck(context(goodModel(), { vectors }));
    const mismatches = outcome.findings.filter((f) => f.code === "test_vector_mismatch");
    expect(mismatches).toHaveLength(51);
    expect(mismatches.at(-1)!.message).toBe("30 more test vector mismatches are not listed (80 of 80 cases fail)");
    expect(outcome.metrics.testVectors).toMatchObject({ cases: 80, failed: 80 });
  });

  it("fails a model that produces NaN at the schema's edges, naming feature and probe", async () => {
    const model = buildNaNModel({ features: featureNames, weights, bias, nanFeature: "age", min: 18, max: 90 });
    const outcome = await runValidationCheck(context(model));
    expect(outcome.verdict).toBe("fail");
    // Inside the range the model is fine, so only probing can find this.
    expect(outcome.metrics.testVectors).toMatchObject({ failed: 0 });
    const probes = outcome.findings.filter((f) => f.code === "probe_non_finite_output").map((f) => f.message);
    expect(probes).toEqual([
      "probing 'age' at min (18) gives NaN in output 'probabilities'",
      "probing 'age' at just below min (17) gives NaN in output 'probabilities'",
      "probing 'age' at max (90) gives NaN in output 'probabilities'",
      "probing 'age' at just above max (91) gives NaN in output 'probabilities'",
    ]);
    expect(outcome.metrics.probes).toMatchObject({ failing: 4 });
  });

  it("fails a nullable feature whose missing value makes the output NaN", async () => {
    const nullable = [features[0], features[1], { ...features[2], nullable: true }];
    const outcome = await runValidationCheck(context(goodModel(), { manifest: { inputSchema: { features: nullable, tensor: "x" } } }));
    expect(outcome.verdict).toBe("fail");
    expect(errors(outcome.findings).map((f) => f.message)).toEqual(["probing 'debt_ratio' at missing (null) gives NaN in output 'probabilities'"]);
  });

  it("fails a ZipMap model with the export-without-ZipMap advice", async () => {
    const outcome = await runValidationCheck(context(buildZipMapClassifier({ features: featureNames, weights, bias })));
    expect(outcome.verdict).toBe("fail");
    expect(outcome.findings).toContainEqual({
      severity: "error",
      code: "non_tensor_output",
      message:
        "the model's output 'output_probability' is a sequence of maps (ZipMap) which the registry cannot read; re-export without ZipMap (skl2onnx: options={id(model): {'zipmap': False}})",
    });
    expect(outcome.summary).toContain("re-export without ZipMap");
  });

  it("fails when the model's input does not match the schema", async () => {
    const model = buildLinearClassifier({ features: featureNames, weights, bias, inputName: "float_input" });
    const outcome = await runValidationCheck(context(model));
    expect(outcome.verdict).toBe("fail");
    const finding = outcome.findings.find((f) => f.code === "input_mismatch");
    expect(finding?.message).toMatch(/'x'.*'float_input'/);
  });

  it("fails when the schema has a different number of features than the tensor", async () => {
    const model = buildLinearClassifier({ features: ["age", "income"], weights: [0.02, -0.00003], bias });
    const outcome = await runValidationCheck(context(model, { vectors: null, manifest: { testVectors: undefined } }));
    expect(outcome.verdict).toBe("fail");
    expect(outcome.findings.find((f) => f.code === "input_mismatch")?.message).toMatch(/declares 3 features .* \[N, 2\]/);
  });

  it("fails a truncated file as not a valid ONNX model", async () => {
    const outcome = await runValidationCheck(context(truncateModel(goodModel())));
    expect(outcome.verdict).toBe("fail");
    expect(outcome.summary).toMatch(/^not a valid ONNX model: /);
    expect(outcome.findings[0]).toMatchObject({ severity: "error", code: "invalid_onnx" });
  });

  it("fails an IR version the runtime does not support, before loading it", async () => {
    const model = buildLinearClassifierWithVersions({ features: featureNames, weights, bias, irVersion: 99, opset: 17 });
    const outcome = await runValidationCheck(context(model));
    expect(outcome.verdict).toBe("fail");
    expect(outcome.findings.map((f) => f.code)).toEqual(["unsupported_ir_version"]);
    expect(outcome.metrics.irVersion).toBe(99);
  });

  it("fails when the manifest's opset differs from the model's", async () => {
    const outcome = await runValidationCheck(context(goodModel(), { manifest: { opset: 13 } }));
    expect(outcome.verdict).toBe("fail");
    expect(errors(outcome.findings)).toEqual([
      { severity: "error", code: "opset_mismatch", message: "the manifest declares opset 13, but the model imports ai.onnx opset 17", details: { declared: 13, actual: 17 } },
    ]);
  });

  it("fails a model whose two runs disagree", async () => {
    const ctx = context(goodModel());
    const load = ctx.loadModel.bind(ctx);
    const seen = new WeakSet<object>();
    // A wrapper that nudges a repeated run, standing in for a model with a nondeterministic kernel.
    ctx.loadModel = async () => {
      const model = await load();
      return {
        ...model,
        inputNames: model.inputNames,
        outputNames: model.outputNames,
        async predict(batch) {
          const predictions = await model.predict(batch);
          if (seen.has(batch)) (predictions.outputs.probabilities!.data as Float64Array)[1]! += 1e-7;
          seen.add(batch);
          return predictions;
        },
      };
    };
    const outcome = await runValidationCheck(ctx);
    expect(outcome.verdict).toBe("fail");
    expect(outcome.metrics.deterministic).toBe(false);
    expect(errors(outcome.findings).map((f) => f.code)).toEqual(["nondeterministic"]);
    expect(errors(outcome.findings)[0]!.message).toMatch(/^two runs of the test vectors disagree: output 'probabilities' element 1 was /);
  });

  it("passes without test vectors but warns", async () => {
    const outcome = await runValidationCheck(context(goodModel(), { vectors: null, manifest: { testVectors: undefined } }));
    expect(outcome.verdict).toBe("pass");
    expect(outcome.findings).toEqual([expect.objectContaining({ severity: "warning", code: "no_test_vectors" })]);
    expect(outcome.metrics.deterministic).toBe(true);
    expect(outcome.summary).toMatch(/^no test vectors; 13 schema probes finite; deterministic/);
  });

  it("fails malformed test vectors", async () => {
    const outcome = await runValidationCheck(context(goodModel(), { vectors: { cases: [{ inputs: {} }] } }));
    expect(outcome.verdict).toBe("fail");
    expect(outcome.findings.find((f) => f.code === "test_vectors_invalid")?.message).toMatch(/malformed at cases\.0\.expected/);
  });

  it("validates a model with one input per feature", async () => {
    const model = buildPerFeatureInputClassifier({ features: featureNames, weights, bias });
    const outcome = await runValidationCheck(context(model, { manifest: { inputSchema: { features } } }));
    expect(errors(outcome.findings)).toEqual([]);
    expect(outcome.verdict).toBe("pass");
    expect(outcome.metrics.inputs).toEqual(featureNames);
  });

  it("is not applicable to non-ONNX artifacts", async () => {
    const ctx = createTestContext({
      manifest: { name: "legacy", version: "1.0.0", artifact: { path: "model.pkl", format: "pickle" } },
      files: { "model.pkl": new Uint8Array([0x80, 0x04, 0x2e]) },
    });
    const outcome = await runValidationCheck(ctx);
    expect(outcome.verdict).toBe("not_applicable");
    expect(outcome.summary).toContain("never executes it");
  });

  it("reports an error (not a fail) when the check itself cannot run", async () => {
    const ctx = createTestContext({ manifest: manifest({ testVectors: undefined }), files: {} });
    const outcome = await runValidationCheck(ctx);
    expect(outcome.verdict).toBe("error");
    expect(outcome.findings[0]).toMatchObject({ code: "check_crashed", message: "validation could not complete parsing: no file 'model.onnx' in this version" });
  });

  it("stops with an error when the time limit has passed", async () => {
    const ctx = context(goodModel(), { timeoutMs: 1 });
    await new Promise((resolve) => setTimeout(resolve, 20));
    const outcome = await runValidationCheck(ctx);
    expect(outcome.verdict).toBe("error");
    expect(outcome.findings.at(-1)).toMatchObject({ code: "time_limit_exceeded" });
  });
});

describe("buildSchemaProbes", () => {
  it("probes each bound, just outside it, missing values, bools and categories around a typical row", () => {
    const { probes, rows } = buildSchemaProbes({
      features: [
        { name: "n", type: "int", min: 0, max: 10, nullable: true },
        { name: "f", type: "float", min: -1, max: 1 },
        { name: "b", type: "bool" },
        { name: "c", type: "category", categories: ["x", "y"] },
      ],
    });
    expect(rows[0]).toEqual({ n: 5, f: 0, b: false, c: "x" });
    expect(probes.map((p) => `${p.feature}:${p.probe}=${JSON.stringify(p.value)}`)).toEqual([
      '(all):typical values=null',
      "n:min=0",
      "n:just below min=-1",
      "n:max=10",
      "n:just above max=11",
      "n:missing=null",
      "f:min=-1",
      "f:just below min=-1.02",
      "f:max=1",
      "f:just above max=1.02",
      "b:true=true",
      'c:category "y"="y"',
    ]);
    expect(rows[2]).toEqual({ n: -1, f: 0, b: false, c: "x" });
  });
});
