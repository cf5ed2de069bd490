// Writes every fixture model to lib/checks/testing/fixtures (or the directory given as the first
// argument), with a README saying how each was made. Usage: tsx lib/checks/testing/build-fixtures.ts [outDir]
// The output is deterministic, so rerunning it on an unchanged builder leaves git clean.
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  buildExternalWeights,
  buildLinearClassifier,
  buildModelWithExternalData,
  buildNaNModel,
  buildPerFeatureInputClassifier,
  buildThresholdClassifier,
  buildZipMapClassifier,
  externalDataDefaults,
  truncateModel,
} from "./onnx-builders.ts";

type Fixture = { file: string; description: string; bytes: Uint8Array };

const credit = { features: ["age", "income", "debt_ratio"], weights: [0.02, -0.00003, 2.5], bias: -0.5 };

export function fixtureFiles(): Fixture[] {
  const linear = buildLinearClassifier(credit);
  return [
    {
      file: "linear-classifier.onnx",
      description: `Logistic regression, input \`x\` float [N,3] (${credit.features.join(", ")}), weights [${credit.weights.join(", ")}], bias ${credit.bias}; outputs \`label\` int64 [N] (p ≥ 0.5) and \`probabilities\` float [N,2] = [1-p, p].`,
      bytes: linear,
    },
    {
      file: "compas-decile-threshold.onnx",
      description:
        "COMPAS \"model\": input `x` float [N,3] (age, priors_count, decile_score); `label` = decile_score ≥ 5, `probabilities` = [1-p, p] with p = clip(decile_score/10, 0, 1). For fairness checks on ProPublica's COMPAS data (compas-scores-two-years.csv, found by lib/testing/datasets.ts).",
      bytes: buildThresholdClassifier({ features: ["age", "priors_count", "decile_score"], feature: "decile_score", threshold: 5 }),
    },
    {
      file: "per-feature-inputs.onnx",
      description: `Same logistic regression as linear-classifier.onnx, but one float [N,1] input per feature, named ${credit.features.map((f) => `\`${f}\``).join(", ")} (omit \`inputSchema.tensor\`).`,
      bytes: buildPerFeatureInputClassifier(credit),
    },
    {
      file: "zipmap-classifier.onnx",
      description:
        "sklearn-onnx's default export shape: ai.onnx.ml LinearClassifier → `output_label` int64 [N] and `output_probability` = ZipMap (sequence of maps), which onnxruntime-node cannot return. Same weights as linear-classifier.onnx.",
      bytes: buildZipMapClassifier(credit),
    },
    {
      file: "nan-at-range-edges.onnx",
      description:
        "linear-classifier.onnx plus 0·log((age-18)(90-age)) on `probabilities`: NaN when age ≤ 18 or ≥ 90 (schema min/max and beyond), identical outputs strictly inside.",
      bytes: buildNaNModel({ ...credit, nanFeature: "age", min: 18, max: 90 }),
    },
    {
      file: "wrong-input-name.onnx",
      description: "linear-classifier.onnx with its input named `float_input` instead of `x` (schema/model mismatch).",
      bytes: buildLinearClassifier({ ...credit, inputName: "float_input" }),
    },
    {
      file: "truncated.onnx",
      description: "The first half of linear-classifier.onnx's bytes (not a valid ONNX model).",
      bytes: truncateModel(linear),
    },
    {
      file: "external-data.onnx",
      description: `Logistic regression over (${externalDataDefaults.features.join(", ")}) whose weight initializer is stored outside the file: data_location EXTERNAL, location \`weights.bin\`.`,
      bytes: buildModelWithExternalData({ location: "weights.bin" }),
    },
    {
      file: "weights.bin",
      description: `The external weights of external-data.onnx: float32 little-endian [${externalDataDefaults.weights.join(", ")}].`,
      bytes: buildExternalWeights(),
    },
    {
      file: "external-data-escape.onnx",
      description: "Like external-data.onnx, but its external data location is `../../etc/passwd` (must never be followed).",
      bytes: buildModelWithExternalData({ location: "../../etc/passwd" }),
    },
  ];
}

function readme(fixtures: Fixture[]): string {
  return [
    "# ONNX fixture models",
    "",
    "Generated — do not edit by hand. Built in TypeScript with `onnx-proto` by",
    "`lib/checks/testing/onnx-builders.ts` (ONNX IR version 8, ai.onnx opset 17, ai.onnx.ml opset 3);",
    "regenerate with:",
    "",
    "```",
    "npx tsx lib/checks/testing/build-fixtures.ts",
    "```",
    "",
    "| File | What it is |",
    "| --- | --- |",
    ...fixtures.map((f) => `| \`${f.file}\` | ${f.description} |`),
    "",
  ].join("\n");
}

export async function writeFixtures(outDir: string): Promise<string[]> {
  await mkdir(outDir, { recursive: true });
  const fixtures = fixtureFiles();
  for (const f of fixtures) await writeFile(join(outDir, f.file), f.bytes);
  await writeFile(join(outDir, "README.md"), readme(fixtures));
  return fixtures.map((f) => f.file);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const outDir = process.argv[2] ?? fileURLToPath(new URL("./fixtures", import.meta.url));
  const written = await writeFixtures(outDir);
  console.log(`wrote ${written.length} fixtures and README.md to ${outDir}`);
}
