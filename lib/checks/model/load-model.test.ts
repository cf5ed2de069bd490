import * as ort from "onnxruntime-node";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Manifest } from "../../registry/envelope.ts";
import {
  buildLinearClassifier,
  buildModelWithExternalData,
  buildPerFeatureInputClassifier,
  buildThresholdClassifier,
  buildZipMapClassifier,
  logisticProbability,
  truncateModel,
} from "../testing/onnx-builders.ts";
import { cachedModelDigests, configureModelCache, loadOnnxModel, ModelRunError, releaseAllModels, releaseModel, rowsToBatch } from "./load-model.ts";

type Schema = NonNullable<Manifest["inputSchema"]>;

const features = ["age", "income", "score"];
const weights = [0.03, -0.00002, 0.8];
const bias = -0.4;
const tensorSchema: Schema = {
  features: [
    { name: "age", type: "int", min: 18, max: 90 },
    { name: "income", type: "float", min: 0, max: 200_000 },
    { name: "score", type: "float", min: -3, max: 3, nullable: true },
  ],
  tensor: "x",
};

function rows(n: number): Record<string, number>[] {
  // Deterministic spread over the ranges, no randomness needed.
  return Array.from({ length: n }, (_, i) => ({ age: 18 + (i % 73), income: (i * 7919) % 200_000, score: ((i % 61) - 30) / 10 }));
}

/** The runtime types InferenceSession as a factory; spies go on the prototype of a real session. */
async function sessionPrototype(): Promise<ort.InferenceSession> {
  const session = await ort.InferenceSession.create(buildLinearClassifier({ features: ["a"], weights: [1], bias: 0 }));
  await session.release();
  return Object.getPrototypeOf(session) as ort.InferenceSession;
}

afterEach(async () => {
  await releaseAllModels();
  configureModelCache({ maxSessions: 2 });
});

describe("loadOnnxModel with one 2-D tensor input", () => {
  it("computes logistic regression outputs that match plain arithmetic", async () => {
    const model = await loadOnnxModel(buildLinearClassifier({ features, weights, bias }), { inputSchema: tensorSchema });
    expect(model.inputNames).toEqual(["x"]);
    expect(model.outputNames).toEqual(["label", "probabilities"]);
    const data = rows(50);
    const predictions = await model.predict(rowsToBatch(data, tensorSchema));
    expect(predictions.size).toBe(50);
    expect(predictions.outputs.probabilities!.dims).toEqual([50, 2]);
    expect(predictions.outputs.label!.dims).toEqual([50]);
    data.forEach((row, i) => {
      const p = logisticProbability([row.age!, row.income!, row.score!], weights, bias);
      expect(predictions.positiveScores![i]).toBeCloseTo(p, 6);
      expect(predictions.outputs.probabilities!.data[2 * i]).toBeCloseTo(1 - p, 6);
      // Rows too close to 0.5 could flip between float32 and float64; none here are.
      expect(Math.abs(p - 0.5)).toBeGreaterThan(1e-5);
      expect(predictions.labels![i]).toBe(p >= 0.5 ? 1 : 0);
      expect(predictions.predictedPositive[i]).toBe(p >= 0.5 ? 1 : 0);
    });
    const positives = predictions.predictedPositive.reduce((a, b) => a + b, 0);
    expect(positives).toBeGreaterThan(0);
    expect(positives).toBeLessThan(50);
  });

  it("feeds a missing value as NaN to float tensors", async () => {
    const model = await loadOnnxModel(buildLinearClassifier({ features, weights, bias }), { inputSchema: tensorSchema });
    const predictions = await model.predict(rowsToBatch([{ age: 30, income: 1000, score: null }], tensorSchema));
    expect(predictions.positiveScores![0]).toBeNaN();
  });

  it("gives identical results whether a batch is split internally or not", async () => {
    const bytes = buildLinearClassifier({ features, weights, bias });
    const batch = rowsToBatch(rows(1000), tensorSchema);
    const whole = await (await loadOnnxModel(bytes, { inputSchema: tensorSchema })).predict(batch);
    const split = await (await loadOnnxModel(bytes, { inputSchema: tensorSchema, batchSize: 7 })).predict(batch);
    expect(split.outputs.probabilities!.dims).toEqual([1000, 2]);
    expect(split.outputs.label!.dims).toEqual([1000]);
    expect(split.outputs).toEqual(whole.outputs);
    expect(split.positiveScores).toEqual(whole.positiveScores);
    expect(split.predictedPositive).toEqual(whole.predictedPositive);
  });

  it("spies show one session.run per internal batch, never one per row", async () => {
    const runs = vi.spyOn(await sessionPrototype(), "run");
    try {
      const model = await loadOnnxModel(buildLinearClassifier({ features, weights, bias }), { inputSchema: tensorSchema, batchSize: 300 });
      await model.predict(rowsToBatch(rows(1000), tensorSchema));
      expect(runs).toHaveBeenCalledTimes(4);
    } finally {
      runs.mockRestore();
    }
  });

  it("returns empty predictions for an empty batch", async () => {
    const model = await loadOnnxModel(buildLinearClassifier({ features, weights, bias }), { inputSchema: tensorSchema });
    const predictions = await model.predict(rowsToBatch([], tensorSchema));
    expect(predictions.size).toBe(0);
    expect(predictions.predictedPositive.length).toBe(0);
  });

  it("thresholds COMPAS-style deciles exactly at the boundary", async () => {
    const schema: Schema = { features: [{ name: "priors_count", type: "int" }, { name: "decile_score", type: "int", min: 1, max: 10 }], tensor: "x" };
    const model = await loadOnnxModel(buildThresholdClassifier({ features: ["priors_count", "decile_score"], feature: "decile_score", threshold: 5 }), {
      inputSchema: schema,
    });
    const deciles = [1, 4, 5, 6, 10];
    const predictions = await model.predict(rowsToBatch(deciles.map((d) => ({ priors_count: 3, decile_score: d })), schema));
    expect([...predictions.predictedPositive]).toEqual([0, 0, 1, 1, 1]);
    expect([...predictions.positiveScores!].map((v) => Math.round(v * 1000) / 1000)).toEqual([0.1, 0.4, 0.5, 0.6, 1]);
  });

  it("maps category values to their index in the schema's categories", async () => {
    const schema: Schema = { features: [{ name: "colour", type: "category", categories: ["red", "green", "blue"] }], tensor: "x" };
    const model = await loadOnnxModel(buildLinearClassifier({ features: ["colour"], weights: [1], bias: 0 }), { inputSchema: schema });
    const predictions = await model.predict(rowsToBatch([{ colour: "red" }, { colour: "blue" }], schema));
    expect(predictions.positiveScores![0]).toBeCloseTo(0.5, 6);
    expect(predictions.positiveScores![1]).toBeCloseTo(1 / (1 + Math.exp(-2)), 6);
    await expect(model.predict(rowsToBatch([{ colour: "purple" }], schema))).rejects.toThrow(/'purple' for 'colour'.*not one of its declared categories/);
  });

  it("uses the declared positive class column and label", async () => {
    const schema: Schema = { ...tensorSchema, outputs: { label: "label", score: "probabilities", positiveClass: 0 } };
    const model = await loadOnnxModel(buildLinearClassifier({ features, weights, bias }), { inputSchema: schema });
    const data = rows(20);
    const predictions = await model.predict(rowsToBatch(data, schema));
    data.forEach((row, i) => {
      const p = logisticProbability([row.age!, row.income!, row.score!], weights, bias);
      expect(predictions.positiveScores![i]).toBeCloseTo(1 - p, 6);
      expect(predictions.predictedPositive[i]).toBe(p >= 0.5 ? 0 : 1);
    });
  });
});

describe("loadOnnxModel with one input per feature", () => {
  it("feeds float, int64, bool and string inputs from one schema", async () => {
    const schema: Schema = {
      features: [
        { name: "a", type: "float" },
        { name: "n", type: "int" },
        { name: "flag", type: "bool" },
        { name: "city", type: "category", categories: ["paris", "lyon"] },
      ],
    };
    const w = [0.5, -0.25, 1.5, 2];
    const model = await loadOnnxModel(
      buildPerFeatureInputClassifier({ features: ["a", "n", "flag", "city"], weights: w, bias: 0.1, dtypes: { n: "int64", flag: "bool", city: "string" }, categories: { city: ["paris", "lyon"] } }),
      { inputSchema: schema },
    );
    expect([...model.inputNames].sort()).toEqual(["a", "city", "flag", "n"]);
    const data = [
      { a: 1, n: 2, flag: true, city: "lyon" },
      { a: -3, n: 4.4, flag: false, city: "paris" },
    ];
    const predictions = await model.predict(rowsToBatch(data, schema));
    // n is rounded for the int64 input; the string input is encoded by the model's own LabelEncoder.
    expect(predictions.positiveScores![0]).toBeCloseTo(logisticProbability([1, 2, 1, 1], w, 0.1), 6);
    expect(predictions.positiveScores![1]).toBeCloseTo(logisticProbability([-3, 4, 0, 0], w, 0.1), 6);
  });

  it("feeds rank-1 inputs", async () => {
    const schema: Schema = { features: [{ name: "a", type: "float" }, { name: "b", type: "float" }] };
    const model = await loadOnnxModel(buildPerFeatureInputClassifier({ features: ["a", "b"], weights: [1, 2], bias: 0, rank: 1 }), { inputSchema: schema });
    const predictions = await model.predict(rowsToBatch([{ a: 1, b: -1 }], schema));
    expect(predictions.positiveScores![0]).toBeCloseTo(logisticProbability([1, -1], [1, 2], 0), 6);
  });

  it("refuses a missing value for an int64 input, naming the row and input", async () => {
    const schema: Schema = { features: [{ name: "a", type: "float" }, { name: "n", type: "int", nullable: true }] };
    const model = await loadOnnxModel(buildPerFeatureInputClassifier({ features: ["a", "n"], weights: [1, 1], bias: 0, dtypes: { n: "int64" } }), {
      inputSchema: schema,
    });
    await expect(model.predict(rowsToBatch([{ a: 1, n: 1 }, { a: 1, n: null }], schema))).rejects.toThrow(
      new ModelRunError("row 1 has no value for 'n', but the model's input is int64 and cannot represent a missing value", "bad_input_value"),
    );
  });
});

describe("loadOnnxModel errors", () => {
  it("names both sides when the tensor input name differs", async () => {
    const bytes = buildLinearClassifier({ features, weights, bias, inputName: "float_input" });
    const error = await loadOnnxModel(bytes, { inputSchema: tensorSchema }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelRunError);
    expect((error as Error).message).toMatch(/schema declares one input tensor 'x' with 3 feature columns, but the model's inputs are 'float_input' \(float32 \[N, 3\]\)/);
  });

  it("names both sides when the tensor width differs from the feature count", async () => {
    const bytes = buildLinearClassifier({ features: ["age", "income"], weights: [1, 1], bias: 0 });
    await expect(loadOnnxModel(bytes, { inputSchema: tensorSchema })).rejects.toThrow(/schema declares 3 features \(age, income, score\) for 'x', but the model's input is 'x' \(float32 \[N, 2\]\)/);
  });

  it("names missing and extra inputs in per-feature mode", async () => {
    const bytes = buildPerFeatureInputClassifier({ features: ["age", "salary", "score"], weights, bias });
    const schema: Schema = { features: tensorSchema.features };
    await expect(loadOnnxModel(bytes, { inputSchema: schema })).rejects.toThrow(/the model has no input for 'income'; the schema has no feature for model input 'salary'/);
  });

  it("suggests inputSchema.tensor when a 2-D model is given a per-feature schema", async () => {
    await expect(loadOnnxModel(buildLinearClassifier({ features, weights, bias }), { inputSchema: { features: tensorSchema.features } })).rejects.toThrow(
      /set inputSchema.tensor to 'x'/,
    );
  });

  it("names a declared output the model does not have", async () => {
    const schema: Schema = { ...tensorSchema, outputs: { score: "output_probability" } };
    await expect(loadOnnxModel(buildLinearClassifier({ features, weights, bias }), { inputSchema: schema })).rejects.toThrow(
      "the schema declares the score output 'output_probability', but the model's outputs are 'label', 'probabilities'",
    );
  });

  it("explains how to export without ZipMap", async () => {
    const bytes = buildZipMapClassifier({ features, weights, bias });
    await expect(loadOnnxModel(bytes, { inputSchema: tensorSchema })).rejects.toThrow(
      new ModelRunError(
        "the model's output 'output_probability' is a sequence of maps (ZipMap) which the registry cannot read; re-export without ZipMap (skl2onnx: options={id(model): {'zipmap': False}})",
        "non_tensor_output",
      ),
    );
  });

  it("says a truncated file is not a valid ONNX model", async () => {
    const bytes = truncateModel(buildLinearClassifier({ features, weights, bias }));
    await expect(loadOnnxModel(bytes, { inputSchema: tensorSchema })).rejects.toThrow(/^not a valid ONNX model: /);
    await expect(loadOnnxModel(new TextEncoder().encode("{\"not\": \"onnx\"}"), {})).rejects.toThrow(ModelRunError);
  });

  it("refuses models with external data before the runtime can read any file", async () => {
    for (const location of ["weights.bin", "../../etc/passwd"]) {
      await expect(loadOnnxModel(buildModelWithExternalData({ location }), {})).rejects.toThrow(`references external data ('${location}')`);
    }
  });

  it("refuses a model its external-data guard cannot walk, instead of letting the runtime resolve unchecked paths", async () => {
    // An unknown protobuf group field (wire types 3/4, field 99) at the top level: onnxruntime skips it
    // and would then read 'package.json' relative to its working directory.
    const hidden = Buffer.concat([Buffer.from(buildModelWithExternalData({ location: "package.json" })), Buffer.from([0x9b, 0x06, 0x9c, 0x06])]);
    await expect(loadOnnxModel(hidden, {})).rejects.toThrow(/^not a valid ONNX model: its protobuf could not be scanned for external data/);
  });

  it("refuses a batch without a feature's column", async () => {
    const model = await loadOnnxModel(buildLinearClassifier({ features, weights, bias }), { inputSchema: tensorSchema });
    const batch = rowsToBatch(rows(3), tensorSchema);
    batch.columns.delete("income");
    await expect(model.predict(batch)).rejects.toThrow("the rows have no column for feature 'income'");
  });
});

describe("session cache", () => {
  it("reuses a session per digest and releases the least recently used beyond the limit", async () => {
    const release = vi.spyOn(await sessionPrototype(), "release");
    const create = vi.spyOn(ort.InferenceSession, "create");
    try {
      const bytes = buildLinearClassifier({ features, weights, bias });
      const first = await loadOnnxModel(bytes, { inputSchema: tensorSchema, digest: "a" });
      await loadOnnxModel(bytes, { inputSchema: tensorSchema, digest: "a" });
      expect(create).toHaveBeenCalledTimes(1);
      await loadOnnxModel(bytes, { inputSchema: tensorSchema, digest: "b" });
      expect(release).not.toHaveBeenCalled();
      await loadOnnxModel(bytes, { inputSchema: tensorSchema, digest: "c" });
      await vi.waitFor(() => expect(release).toHaveBeenCalledTimes(1));
      expect(cachedModelDigests()).toEqual(["b", "c"]);
      await expect(first.predict(rowsToBatch(rows(1), tensorSchema))).rejects.toThrow(/released/);

      await releaseModel("b");
      expect(release).toHaveBeenCalledTimes(2);
      expect(cachedModelDigests()).toEqual(["c"]);
    } finally {
      release.mockRestore();
      create.mockRestore();
    }
  });

  it("marks a cache hit as recently used", async () => {
    const bytes = buildLinearClassifier({ features, weights, bias });
    await loadOnnxModel(bytes, { digest: "a", inputSchema: tensorSchema });
    await loadOnnxModel(bytes, { digest: "b", inputSchema: tensorSchema });
    await loadOnnxModel(bytes, { digest: "a", inputSchema: tensorSchema });
    await loadOnnxModel(bytes, { digest: "c", inputSchema: tensorSchema });
    expect(cachedModelDigests()).toEqual(["a", "c"]);
  });

  it("does not cache a failed load", async () => {
    await expect(loadOnnxModel(new Uint8Array([1, 2, 3]), { digest: "bad" })).rejects.toThrow(ModelRunError);
    expect(cachedModelDigests()).toEqual([]);
  });
});

describe("rowsToBatch", () => {
  it("builds number columns for numeric/bool features and text columns for categories", () => {
    const schema: Schema = {
      features: [
        { name: "n", type: "float" },
        { name: "b", type: "bool" },
        { name: "c", type: "category", categories: [1, 2] },
      ],
    };
    const batch = rowsToBatch([{ n: 1.5, b: true, c: 2 }, { n: null, b: false, c: "1" }, { n: "3", c: null }], schema);
    expect(batch.size).toBe(3);
    expect(batch.columns.get("n")).toEqual({ kind: "number", values: Float64Array.from([1.5, NaN, 3]) });
    expect(batch.columns.get("b")).toEqual({ kind: "number", values: Float64Array.from([1, 0, NaN]) });
    expect(batch.columns.get("c")).toEqual({ kind: "text", values: ["2", "1", null] });
  });

  it("names the row and feature of a value that is not a number", () => {
    expect(() => rowsToBatch([{ n: 1 }, { n: "lots" }], { features: [{ name: "n", type: "float" }] })).toThrow("row 1 has 'lots' for 'n', which is not a number");
  });
});
