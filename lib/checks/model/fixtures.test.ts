import { readFile } from "node:fs/promises";
import { afterEach, describe, expect, it } from "vitest";
import { fixtureFiles } from "../testing/build-fixtures.ts";
import { loadOnnxModel, releaseAllModels, rowsToBatch } from "./load-model.ts";

const fixturesDir = new URL("../testing/fixtures/", import.meta.url);
const read = async (file: string) => new Uint8Array(await readFile(new URL(file, fixturesDir)));

afterEach(async () => {
  await releaseAllModels();
});

describe("committed ONNX fixtures", () => {
  it("are exactly what the builders produce (rerun build-fixtures.ts after changing a builder)", async () => {
    for (const fixture of fixtureFiles()) expect(await read(fixture.file), fixture.file).toEqual(fixture.bytes);
    const readme = new TextDecoder().decode(await read("README.md"));
    for (const fixture of fixtureFiles()) expect(readme).toContain(`\`${fixture.file}\``);
  });

  it("behave as their README says", async () => {
    const schema = {
      features: [
        { name: "age", type: "int" as const },
        { name: "priors_count", type: "int" as const },
        { name: "decile_score", type: "int" as const },
      ],
      tensor: "x",
    };
    const compas = await loadOnnxModel(await read("compas-decile-threshold.onnx"), { inputSchema: schema });
    const predictions = await compas.predict(
      rowsToBatch(
        [4, 5].map((decile_score) => ({ age: 30, priors_count: 1, decile_score })),
        schema,
      ),
    );
    expect([...predictions.predictedPositive]).toEqual([0, 1]);
    await expect(loadOnnxModel(await read("zipmap-classifier.onnx"), { inputSchema: schema })).rejects.toThrow(/ZipMap/);
    await expect(loadOnnxModel(await read("truncated.onnx"), { inputSchema: schema })).rejects.toThrow(/^not a valid ONNX model/);
    await expect(loadOnnxModel(await read("wrong-input-name.onnx"), { inputSchema: schema })).rejects.toThrow(/'float_input'/);
    await expect(loadOnnxModel(await read("external-data-escape.onnx"), {})).rejects.toThrow(/'\.\.\/\.\.\/etc\/passwd'/);
  });
});
