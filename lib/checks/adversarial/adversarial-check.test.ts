import { describe, expect, it } from "vitest";
import { createTestContext, type TestContextOptions } from "../testing/context.ts";
import { buildLinearClassifier, buildPerFeatureInputClassifier } from "../testing/onnx-builders.ts";
import type { CheckOutcome, RowBatch } from "../types.ts";
import { integerStep, PERTURBATIONS_PER_ROW, Reservoir, runAdversarialCheck, type AdversarialMetrics } from "./adversarial-check.ts";
import { createRandom } from "../random.ts";

type FeatureSpec = { name: string; type: "int" | "float" | "bool" | "category"; min?: number; max?: number; categories?: string[] };

const OUTPUTS = { label: "label", score: "probabilities", positiveClass: 1 };

/** x in [0, 1]; positive iff sigmoid(20·x − 20·boundary) ≥ 0.5, i.e. iff x ≥ boundary. */
function oneFeatureModel(boundary: number): Uint8Array {
  return buildLinearClassifier({ features: ["x"], weights: [20], bias: -20 * boundary });
}
const X_FEATURE: FeatureSpec[] = [{ name: "x", type: "float", min: 0, max: 1 }];

function csv(header: string[], rows: readonly (readonly (string | number)[])[]): string {
  return [header.join(","), ...rows.map((r) => r.join(","))].join("\n") + "\n";
}

function manifest(opts: {
  features: FeatureSpec[];
  evaluation?: boolean;
  evaluationPath?: string;
  vectors?: boolean;
  epsilon?: number;
  format?: string;
}): Record<string, unknown> {
  const m: Record<string, unknown> = {
    name: "adversarial-test",
    version: "1.0.0",
    artifact: { path: "model.onnx", format: opts.format ?? "onnx" },
    inputSchema: { features: opts.features, tensor: "x", outputs: OUTPUTS },
  };
  if (opts.evaluation ?? true) m.evaluation = { path: opts.evaluationPath ?? "eval.csv", label: "y", sensitive: ["g"] };
  if (opts.epsilon !== undefined || opts.vectors) {
    m.adversarial = { epsilon: opts.epsilon ?? 0.05, ...(opts.vectors ? { vectors: "adversarial.json" } : {}) };
  }
  return m;
}

async function run(options: TestContextOptions): Promise<{ outcome: CheckOutcome; metrics: AdversarialMetrics }> {
  const outcome = await runAdversarialCheck(createTestContext(options));
  return { outcome, metrics: outcome.metrics as AdversarialMetrics };
}

/** Rows (x, y, g) alternating between two x values, labelled by the side of the boundary they are on. */
function twoPointData(a: number, b: number, rows: number, boundary = 0.5): string {
  const data: (string | number)[][] = [];
  for (let i = 0; i < rows; i++) {
    const x = i % 2 === 0 ? a : b;
    data.push([x, x >= boundary ? 1 : 0, i % 3 === 0 ? "p" : "q"]);
  }
  return csv(["x", "y", "g"], data);
}

describe("runAdversarialCheck", () => {
  it("is deterministic for a seed and records the seed and ε it used", async () => {
    // 500 rows on a grid across the boundary, sampled down to 100: sampling and noise both use the seed.
    const rows = Array.from({ length: 500 }, (_, i) => {
      const x = i / 499;
      return [x, x >= 0.5 ? 1 : 0, "g"];
    });
    const options = (seed: number): TestContextOptions => ({
      manifest: manifest({ features: X_FEATURE, epsilon: 0.1 }),
      files: { "model.onnx": oneFeatureModel(0.5), "eval.csv": csv(["x", "y", "g"], rows) },
      thresholds: { adversarial: { sampleSize: 100 } },
      seed,
    });
    const first = await run(options(7));
    const again = await run(options(7));
    expect(again.outcome).toEqual(first.outcome);
    expect(first.metrics).toMatchObject({ seed: 7, epsilon: 0.1, evaluationRows: 500, sampledRows: 100, perturbationsPerRow: PERTURBATIONS_PER_ROW });
    expect(first.metrics.perturbedRows).toBe(100 * PERTURBATIONS_PER_ROW);

    const other = await run(options(8));
    expect(other.metrics.seed).toBe(8);
    expect(other.metrics.sampledRows).toBe(100);
  });

  it("gives the same result for the same rows as CSV and as JSON lines", async () => {
    const rows = Array.from({ length: 300 }, (_, i) => ({ x: (i * 37) % 300 / 299, g: "a" }));
    const labelled = rows.map((r) => ({ ...r, y: r.x >= 0.5 ? 1 : 0 }));
    const common = { thresholds: { adversarial: { sampleSize: 120 } }, seed: 3 };
    const fromCsv = await run({
      ...common,
      manifest: manifest({ features: X_FEATURE, epsilon: 0.08 }),
      files: { "model.onnx": oneFeatureModel(0.5), "eval.csv": csv(["x", "y", "g"], labelled.map((r) => [r.x, r.y, r.g])) },
    });
    const fromJsonl = await run({
      ...common,
      manifest: manifest({ features: X_FEATURE, epsilon: 0.08, evaluationPath: "eval.jsonl" }),
      files: { "model.onnx": oneFeatureModel(0.5), "eval.jsonl": labelled.map((r) => JSON.stringify(r)).join("\n") + "\n" },
    });
    expect(fromJsonl.metrics).toEqual(fromCsv.metrics);
  });

  it("passes a model whose data is far from the boundary: no flips, robust accuracy equals clean accuracy", async () => {
    // Every x is ≥ 0.3 from the boundary at 0.5 and ε·range = 0.05, so nothing can cross. One row in
    // ten carries the wrong label, so clean accuracy is exactly 0.9 and must survive the attack.
    const xs = [0.05, 0.1, 0.2, 0.8, 0.9, 0.95];
    const data = Array.from({ length: 120 }, (_, i) => {
      const x = xs[i % xs.length]!;
      const truth = x >= 0.5 ? 1 : 0;
      return [x, i % 10 === 0 ? 1 - truth : truth, "g"];
    });
    const { outcome, metrics } = await run({
      manifest: manifest({ features: X_FEATURE, epsilon: 0.05 }),
      files: { "model.onnx": oneFeatureModel(0.5), "eval.csv": csv(["x", "y", "g"], data) },
    });
    expect(outcome.verdict).toBe("pass");
    expect(metrics.sampledRows).toBe(120);
    expect(metrics.flips).toBe(0);
    expect(metrics.flipRate).toBe(0);
    expect(metrics.cleanAccuracy).toBe(0.9);
    expect(metrics.robustAccuracy).toBe(0.9);
    expect(metrics.attackFlipRate).toBe(0);
    expect(metrics.gradientEstimate).toBe("scores");
    expect(metrics.attackedFeatures).toEqual(["x"]);
    expect(outcome.findings.find((f) => f.code === "adversarial_robust_accuracy")?.severity).toBe("info");
  });

  it("fails a model whose boundary runs through its data, at the flip rate computed by hand", async () => {
    // Rows at 0.45 and 0.55, boundary 0.5, noise uniform in ±0.1: a row flips when the noise carries it
    // ≥ 0.05 towards the boundary, probability 0.05 / 0.2 = 0.25 for both kinds of row. 200 rows × 5
    // copies = 1000 draws, standard deviation ≈ 0.014.
    const { outcome, metrics } = await run({
      manifest: manifest({ features: X_FEATURE, epsilon: 0.1 }),
      files: { "model.onnx": oneFeatureModel(0.5), "eval.csv": twoPointData(0.45, 0.55, 200) },
    });
    expect(outcome.verdict).toBe("fail");
    expect(metrics.perturbedRows).toBe(1000);
    expect(metrics.flipRate).toBeCloseTo(metrics.flips / 1000, 12);
    expect(Math.abs(metrics.flipRate! - 0.25)).toBeLessThan(0.05);
    expect(outcome.findings.map((f) => f.code)).toContain("adversarial_flip_rate_exceeded");
    expect(outcome.summary).toMatch(/flip rate .* > 5\.0%/);
    // Every row is ε/2 from the boundary, so one gradient-sign step of ε carries each across.
    expect(metrics.cleanAccuracy).toBe(1);
    expect(metrics.robustAccuracy).toBe(0);
    expect(metrics.attackFlipRate).toBe(1);
  });

  it("rounds int features after adding noise, as a real int input would be", async () => {
    // age in [0, 100], positive iff age ≥ 50, every row at 49 (negative). ε = 0.02 ⇒ noise in ±2; the
    // rounded value reaches 50 when noise ≥ 0.5: probability 1.5 / 4 = 0.375 (without rounding 0.25).
    const model = buildLinearClassifier({ features: ["age"], weights: [1], bias: -50 });
    const { metrics } = await run({
      manifest: manifest({ features: [{ name: "age", type: "int", min: 0, max: 100 }], epsilon: 0.02 }),
      files: { "model.onnx": model, "eval.csv": csv(["age", "y", "g"], Array.from({ length: 300 }, () => [49, 0, "g"])) },
    });
    expect(metrics.perturbedRows).toBe(1500);
    expect(Math.abs(metrics.flipRate! - 0.375)).toBeLessThan(0.05);
    expect(metrics.robustAccuracy).toBe(0);
  });

  it("attacks an int feature of small range by whole units, as the runner rounds int inputs", async () => {
    // n is an int64 model input in [0, 20]; positive iff sigmoid(2n − 19) ≥ 0.5, i.e. iff n ≥ 10. Rows
    // cycle through 9 (y=0), 10 (y=1), 3 (y=0), 17 (y=1), all correct clean. A probe of 1e-3 × 20 =
    // 0.02 is rounded away by the runner (zero slope, no attack); a one-unit probe finds the slope,
    // and a one-unit step carries 9 → 10 and 10 → 9 across while 3 and 17 stay: by hand, robust
    // accuracy 2/4 = 0.5 and half the predictions change.
    const model = buildPerFeatureInputClassifier({ features: ["n"], weights: [2], bias: -19, dtypes: { n: "int64" } });
    const cycle = [9, 10, 3, 17];
    const data = Array.from({ length: 200 }, (_, i) => {
      const n = cycle[i % 4]!;
      return [n, n >= 10 ? 1 : 0, "g"];
    });
    const attack = async (epsilon: number) => {
      const m = manifest({ features: [{ name: "n", type: "int", min: 0, max: 20 }], epsilon });
      delete (m.inputSchema as { tensor?: string }).tensor; // one input per feature, named by it
      return (await run({ manifest: m, files: { "model.onnx": model, "eval.csv": csv(["n", "y", "g"], data) } })).metrics;
    };
    // ε·range = 1: one unit.
    expect(await attack(0.05)).toMatchObject({ gradientEstimate: "scores", attackedRows: 200, cleanAccuracy: 1, robustAccuracy: 0.5, attackFlipRate: 0.5 });
    // ε·range = 0.5 rounds up to one unit, downwards as well as upwards (10 − 0.5 rounded would stay 10).
    expect(await attack(0.025)).toMatchObject({ cleanAccuracy: 1, robustAccuracy: 0.5, attackFlipRate: 0.5 });
    // ε·range = 0.4: no other integer is that close, so nothing moves.
    expect(await attack(0.02)).toMatchObject({ cleanAccuracy: 1, robustAccuracy: 1, attackFlipRate: 0 });
  });

  it("rounds int attack distances half up to whole units", () => {
    expect([0, 0.2, 0.49, 0.5, 1, 1.49, 1.5, 2.4, -1, NaN, Infinity].map(integerStep)).toEqual([0, 0, 0, 1, 1, 1, 2, 2, 0, 0, 0]);
  });

  it("clips perturbed values to the schema range, so a boundary outside the range is unreachable", async () => {
    // Boundary at 1.01, just above max = 1. Rows at 0.98 with noise ±0.1 would cross it 35% of the
    // time if values could leave the range; clipped to 1, they never do — nor does the attack.
    const { outcome, metrics } = await run({
      manifest: manifest({ features: X_FEATURE, epsilon: 0.1 }),
      files: { "model.onnx": oneFeatureModel(1.01), "eval.csv": csv(["x", "y", "g"], Array.from({ length: 100 }, () => [0.98, 0, "g"])) },
    });
    expect(metrics.flips).toBe(0);
    expect(metrics.robustAccuracy).toBe(1);
    expect(outcome.verdict).toBe("pass");
  });

  it("leaves category and bool features untouched", async () => {
    // Positive iff color = red (index 1) and flag = 1; x carries no weight. Any change to color or
    // flag would flip a prediction; noise on x (attacked) cannot.
    const features: FeatureSpec[] = [
      { name: "color", type: "category", categories: ["blue", "red"] },
      { name: "flag", type: "bool" },
      { name: "x", type: "float", min: 0, max: 1 },
    ];
    const model = buildLinearClassifier({ features: ["color", "flag", "x"], weights: [10, 10, 0], bias: -15 });
    const data = Array.from({ length: 200 }, (_, i) => {
      const color = i % 2 === 0 ? "red" : "blue";
      const flag = i % 3 === 0 ? 0 : 1;
      return [color, flag, (i % 17) / 16, color === "red" && flag === 1 ? 1 : 0, "g"];
    });
    const { outcome, metrics } = await run({
      manifest: manifest({ features, epsilon: 0.5 }),
      files: { "model.onnx": model, "eval.csv": csv(["color", "flag", "x", "y", "g"], data) },
    });
    expect(metrics.attackedFeatures).toEqual(["x"]);
    expect(metrics.flips).toBe(0);
    expect(metrics.cleanAccuracy).toBe(1);
    expect(metrics.robustAccuracy).toBe(1);
    expect(outcome.verdict).toBe("pass");
  });

  it("fails when an adversarial vector does not keep its expected label, naming the case", async () => {
    const vectors = {
      cases: [
        { inputs: { x: 0.9 }, expectedLabel: 1 },
        { inputs: { x: 0.1 }, expectedLabel: 1 },
        { inputs: { x: 0.2 }, expectedLabel: "0" },
      ],
    };
    const { outcome, metrics } = await run({
      manifest: manifest({ features: X_FEATURE, evaluation: false, vectors: true }),
      files: { "model.onnx": oneFeatureModel(0.5), "adversarial.json": JSON.stringify(vectors) },
    });
    expect(outcome.verdict).toBe("fail");
    expect(metrics.harness).toEqual({ cases: 3, failed: 1 });
    expect(metrics.flipRate).toBeNull();
    expect(outcome.summary).toContain("1 of 3 adversarial vectors changed label");
    const failures = outcome.findings.filter((f) => f.code === "adversarial_vector_label_changed");
    expect(failures).toHaveLength(1);
    expect(failures[0]!.message).toContain("#1");
    expect(failures[0]!.details).toEqual({ index: 1, inputs: { x: 0.1 }, expected: 1, actual: 0 });
  });

  it("passes when every adversarial vector keeps its label and the noise is harmless", async () => {
    const vectors = { cases: [{ inputs: { x: 0.9 }, expectedLabel: 1 }, { inputs: { x: 0.05 }, expectedLabel: 0 }] };
    const { outcome, metrics } = await run({
      manifest: manifest({ features: X_FEATURE, vectors: true, epsilon: 0.05 }),
      files: { "model.onnx": oneFeatureModel(0.5), "adversarial.json": JSON.stringify(vectors), "eval.csv": twoPointData(0.1, 0.9, 50) },
    });
    expect(outcome.verdict).toBe("pass");
    expect(metrics.harness).toEqual({ cases: 2, failed: 0 });
    expect(metrics.flipRate).toBe(0);
    expect(outcome.summary).toContain("2 adversarial vector(s) keep their label");
  });

  it("without a score output, estimates the gradient sign from label changes at ±ε and compares vectors on the positive class", async () => {
    // The same real model with its scores hidden, as a model exporting only a label would look.
    const labelsOnly = (options: TestContextOptions) => {
      const ctx = createTestContext(options);
      const load = ctx.loadModel;
      ctx.loadModel = async () => {
        const model = await load();
        return {
          inputNames: model.inputNames,
          outputNames: model.outputNames,
          async predict(batch) {
            const { positiveScores: _hidden, labels: _labels, ...rest } = await model.predict(batch);
            return rest;
          },
        };
      };
      return ctx;
    };
    const near = await runAdversarialCheck(
      labelsOnly({
        manifest: manifest({ features: X_FEATURE, epsilon: 0.1, vectors: true }),
        files: {
          "model.onnx": oneFeatureModel(0.5),
          "eval.csv": twoPointData(0.45, 0.55, 100),
          "adversarial.json": JSON.stringify({ cases: [{ inputs: { x: 0.9 }, expectedLabel: 1 }, { inputs: { x: 0.1 }, expectedLabel: 1 }] }),
        },
      }),
    );
    const metrics = near.metrics as AdversarialMetrics;
    expect(metrics.gradientEstimate).toBe("labels");
    expect(metrics.cleanAccuracy).toBe(1);
    expect(metrics.robustAccuracy).toBe(0);
    expect(metrics.harness).toEqual({ cases: 2, failed: 1 });
    expect(near.findings.find((f) => f.code === "adversarial_vector_label_changed")?.details).toMatchObject({ index: 1, expected: 1 });

    const far = await runAdversarialCheck(
      labelsOnly({ manifest: manifest({ features: X_FEATURE, epsilon: 0.1 }), files: { "model.onnx": oneFeatureModel(0.5), "eval.csv": twoPointData(0.2, 0.8, 100) } }),
    );
    expect(far.metrics).toMatchObject({ gradientEstimate: "labels", flipRate: 0, cleanAccuracy: 1, robustAccuracy: 1 });
  });

  it("reports progress from 0 to 1 and logs the seed and ε", async () => {
    const rows = Array.from({ length: 3000 }, (_, i) => [(i % 100) / 99, i % 100 >= 50 ? 1 : 0, "g"]);
    const ctx = createTestContext({
      manifest: manifest({ features: X_FEATURE, epsilon: 0.05 }),
      files: { "model.onnx": oneFeatureModel(0.5), "eval.csv": csv(["x", "y", "g"], rows) },
      seed: 99,
    });
    await runAdversarialCheck(ctx);
    const fractions = ctx.progressReports.map((p) => p.fraction);
    expect(fractions.length).toBeGreaterThan(3);
    expect(fractions.every((f, i) => i === 0 || f >= fractions[i - 1]!)).toBe(true);
    expect(fractions.at(-1)).toBe(1);
    expect(ctx.logs[0]).toContain("seed=99");
    expect(ctx.logs[0]).toContain("ε=0.05");
  });

  it("uses the policy's default ε when the manifest declares none", async () => {
    const { metrics } = await run({
      manifest: manifest({ features: X_FEATURE }),
      files: { "model.onnx": oneFeatureModel(0.5), "eval.csv": twoPointData(0.1, 0.9, 20) },
      thresholds: { adversarial: { defaultEpsilon: 0.15 } },
    });
    expect(metrics.epsilon).toBe(0.15);
  });

  it("is not applicable to artifacts the registry never executes", async () => {
    const { outcome } = await run({
      manifest: manifest({ features: X_FEATURE, format: "pickle" }),
      files: { "model.onnx": "not onnx", "eval.csv": twoPointData(0.1, 0.9, 20) },
    });
    expect(outcome.verdict).toBe("not_applicable");
    expect(outcome.summary).toContain("ONNX");
  });

  it("is not applicable when there is nothing to attack, and says what to declare", async () => {
    const { outcome } = await run({
      manifest: manifest({ features: X_FEATURE, evaluation: false }),
      files: { "model.onnx": oneFeatureModel(0.5) },
    });
    expect(outcome.verdict).toBe("not_applicable");
    expect(outcome.summary).toContain("evaluation");
    expect(outcome.summary).toContain("vectors");
  });

  it("is not applicable when the evaluation set is empty and there are no vectors", async () => {
    const { outcome } = await run({
      manifest: manifest({ features: X_FEATURE }),
      files: { "model.onnx": oneFeatureModel(0.5), "eval.csv": "x,y,g\n" },
    });
    expect(outcome.verdict).toBe("not_applicable");
    expect(outcome.summary).toContain("no rows");
  });

  it("reports an error for an evaluation set it cannot read", async () => {
    const { outcome } = await run({
      manifest: manifest({ features: X_FEATURE }),
      files: { "model.onnx": oneFeatureModel(0.5), "eval.csv": csv(["x", "g"], [[0.1, "a"]]) },
    });
    expect(outcome.verdict).toBe("error");
    expect(outcome.summary).toContain("eval.csv");
    expect(outcome.summary).toContain("'y'");
  });

  it("reports an error for a malformed adversarial vectors file", async () => {
    const { outcome } = await run({
      manifest: manifest({ features: X_FEATURE, evaluation: false, vectors: true }),
      files: { "model.onnx": oneFeatureModel(0.5), "adversarial.json": JSON.stringify({ cases: [{ inputs: { x: 1 } }] }) },
    });
    expect(outcome.verdict).toBe("error");
    expect(outcome.summary).toContain("adversarial.json");
    expect(outcome.summary).toContain("expectedLabel");
  });
});

describe("Reservoir", () => {
  const batchOf = (from: number, to: number): RowBatch => ({
    size: to - from,
    columns: new Map([["i", { kind: "number", values: Float64Array.from({ length: to - from }, (_, k) => from + k) }]]),
  });
  const sample = (seed: number, rows: number, capacity: number, batchSize: number): number[] => {
    const reservoir = new Reservoir(capacity, [{ name: "i", kind: "number" }], createRandom(seed, "test"));
    for (let from = 0; from < rows; from += batchSize) reservoir.offer(batchOf(from, Math.min(rows, from + batchSize)));
    expect(reservoir.seen).toBe(rows);
    const column = reservoir.toBatch().columns.get("i")!;
    return [...(column.values as Float64Array)];
  };

  it("keeps every row, in order, when there are fewer rows than its capacity", () => {
    expect(sample(1, 30, 50, 7)).toEqual(Array.from({ length: 30 }, (_, i) => i));
  });

  it("picks the same rows whatever the batch sizes of the stream", () => {
    const reference = sample(11, 5000, 100, 5000);
    expect(new Set(reference).size).toBe(100);
    expect(sample(11, 5000, 100, 1)).toEqual(reference);
    expect(sample(11, 5000, 100, 37)).toEqual(reference);
  });

  it("includes every row with the same probability", () => {
    // 1000 rows, 50 kept, 4000 seeds: each row is expected 200 times (sd ≈ 13.8).
    const rows = 1000;
    const capacity = 50;
    const seeds = 4000;
    const counts = new Float64Array(rows);
    for (let seed = 0; seed < seeds; seed++) for (const i of sample(seed, rows, capacity, 128)) counts[i]!++;
    const expected = (seeds * capacity) / rows;
    for (const c of counts) expect(Math.abs(c - expected)).toBeLessThan(70);
    // The rows that filled the reservoir and the last rows of the stream are the likeliest to be biased.
    const mean = (a: Float64Array) => a.reduce((s, v) => s + v, 0) / a.length;
    expect(Math.abs(mean(counts.subarray(0, capacity)) - expected)).toBeLessThan(10);
    expect(Math.abs(mean(counts.subarray(rows - capacity)) - expected)).toBeLessThan(10);
  });
});

describe("createRandom", () => {
  it("repeats its sequence for a seed and stream, and separates streams and seeds", () => {
    const draw = (seed: number, stream: string) => {
      const r = createRandom(seed, stream);
      return Array.from({ length: 8 }, () => r.next());
    };
    expect(draw(42, "a")).toEqual(draw(42, "a"));
    expect(draw(42, "a")).not.toEqual(draw(42, "b"));
    expect(draw(42, "a")).not.toEqual(draw(43, "a"));
    // Seeds beyond 32 bits must not collapse onto their low half.
    expect(draw(2 ** 32 + 5, "a")).not.toEqual(draw(5, "a"));
  });

  it("draws uniformly within its bounds", () => {
    const r = createRandom(9);
    const buckets = new Array<number>(10).fill(0);
    let outOfBounds = 0;
    for (let i = 0; i < 100_000; i++) {
      const u = r.next();
      if (!(u >= 0 && u < 1)) outOfBounds++;
      buckets[Math.floor(u * 10)]!++;
      const k = r.int(7);
      if (!(Number.isInteger(k) && k >= 0 && k < 7)) outOfBounds++;
      const p = r.nextPositive();
      if (!(p > 0 && p <= 1)) outOfBounds++;
    }
    expect(outOfBounds).toBe(0);
    // 10,000 expected per bucket, sd ≈ 95.
    for (const b of buckets) expect(Math.abs(b - 10_000)).toBeLessThan(500);
  });
});
