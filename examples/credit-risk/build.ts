// Builds the credit-risk example envelope (docs/envelope.md): synthetic loan applicants, a logistic
// regression fitted to them here, exported to ONNX with the registry's own TypeScript builders, and
// the files CI would upload with it. Every random choice comes from seeded streams of
// lib/checks/random.ts and every number is rounded before it is written, so rerunning the script
// reproduces each file byte for byte (lib/checks/__tests__/example-envelope.test.ts checks that).
//
// Usage: npx tsx examples/credit-risk/build.ts [outDir]   (default: this directory)
import { createHash } from "node:crypto";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createRandom, type Random } from "../../lib/checks/random.ts";
import { buildLinearClassifier, logisticProbability, ONNX_OPSET } from "../../lib/checks/testing/onnx-builders.ts";

const SEED = 2024;
const TRAINING_ROWS = 4000;
const EVALUATION_ROWS = 600;
const FIT = { iterations: 400, learningRate: 0.5, l2: 0.001 } as const;

const HOME_OWNERSHIP = ["rent", "mortgage", "own"] as const;
type HomeOwnership = (typeof HOME_OWNERSHIP)[number];

/** One applicant: the five model features, the sensitive attribute (never a feature) and the outcome. */
export type Applicant = {
  age: number;
  income: number;
  debt_ratio: number;
  late_payments: number;
  home_ownership: HomeOwnership;
  sex: "F" | "M";
  defaulted: 0 | 1;
};

/** The model's input columns, in tensor order, with the ranges the input schema declares. */
const FEATURES = [
  { name: "age", type: "int", min: 18, max: 100, description: "Applicant's age in years" },
  { name: "income", type: "float", min: 0, max: 250_000, nullable: false, description: "Yearly gross income" },
  { name: "debt_ratio", type: "float", min: 0, max: 2, description: "Monthly debt payments / monthly gross income" },
  { name: "late_payments", type: "int", min: 0, max: 10, description: "Payments 30+ days late in the last 24 months" },
  { name: "home_ownership", type: "category", categories: [...HOME_OWNERSHIP], description: "Fed to the model as its index: rent 0, mortgage 1, own 2" },
] as const;

/** The numbers the model sees for one applicant: categories become their index in `categories`. */
function featureRow(a: Omit<Applicant, "sex" | "defaulted">): number[] {
  return [a.age, a.income, a.debt_ratio, a.late_payments, HOME_OWNERSHIP.indexOf(a.home_ownership)];
}

// ---------------------------------------------------------------------------------------------
// Synthetic applicants

const round = (x: number, digits: number) => Number(x.toFixed(digits));

function pick<T>(random: Random, weighted: readonly (readonly [T, number])[]): T {
  let u = random.next() * weighted.reduce((sum, [, w]) => sum + w, 0);
  for (const [value, weight] of weighted) if ((u -= weight) < 0) return value;
  return weighted[weighted.length - 1]![0];
}

/**
 * Two segments with distinct profiles: prime applicants (3 in 4) rarely default, subprime ones
 * usually do. The outcome depends on the segment only, so a good model separates the segments, and
 * most applicants sit far from its decision boundary.
 */
function drawApplicant(random: Random): { subprime: boolean; applicant: Omit<Applicant, "sex"> } {
  const subprime = random.next() < 0.25;
  const applicant: Omit<Applicant, "sex"> = {
    age: subprime ? 19 + random.int(42) : 25 + random.int(51),
    income: 100 * Math.round((subprime ? random.uniform(15_000, 60_000) : random.uniform(40_000, 160_000)) / 100),
    debt_ratio: round(subprime ? random.uniform(0.6, 1.3) : random.uniform(0.05, 0.4), 2),
    late_payments: subprime ? 2 + random.int(6) : pick(random, [[0, 5], [1, 2], [2, 1]] as const),
    home_ownership: pick(random, subprime ? ([["rent", 13], ["mortgage", 6], ["own", 1]] as const) : ([["rent", 6], ["mortgage", 9], ["own", 5]] as const)),
    defaulted: random.next() < (subprime ? 0.9 : 0.03) ? 1 : 0,
  };
  return { subprime, applicant };
}

/**
 * `rows` applicants. Sex is assigned alternately within each (segment, outcome) cell, so it is
 * independent of every feature and of the outcome by construction: the data are fair, and what the
 * fairness check measures on them is the model's doing alone.
 */
export function generateApplicants(rows: number, stream: string): Applicant[] {
  const random = createRandom(SEED, stream);
  const next = new Map<string, "F" | "M">();
  return Array.from({ length: rows }, () => {
    const { subprime, applicant } = drawApplicant(random);
    const cell = `${subprime}/${applicant.defaulted}`;
    const sex = next.get(cell) ?? "F";
    next.set(cell, sex === "F" ? "M" : "F");
    return { ...applicant, sex };
  });
}

const CSV_COLUMNS = ["age", "income", "debt_ratio", "late_payments", "home_ownership", "sex", "defaulted"] as const;

export function toCsv(applicants: readonly Applicant[]): string {
  return [CSV_COLUMNS.join(","), ...applicants.map((a) => CSV_COLUMNS.map((c) => a[c]).join(","))].join("\n") + "\n";
}

// ---------------------------------------------------------------------------------------------
// Fitting: logistic regression by batch gradient descent on standardised features, then mapped back
// to raw units and rounded to 4 significant digits (so the weights do not depend on the last bit of
// Math.exp on a given platform).

export type FittedModel = { weights: number[]; bias: number };

export function fitLogisticRegression(applicants: readonly Applicant[]): FittedModel {
  const X = applicants.map(featureRow);
  const y = applicants.map((a) => a.defaulted);
  const n = X.length;
  const F = X[0]!.length;
  const mean = Array.from({ length: F }, (_, j) => X.reduce((s, row) => s + row[j]!, 0) / n);
  const sd = Array.from({ length: F }, (_, j) => Math.sqrt(X.reduce((s, row) => s + (row[j]! - mean[j]!) ** 2, 0) / n) || 1);
  const Z = X.map((row) => row.map((v, j) => (v - mean[j]!) / sd[j]!));
  const w = new Array<number>(F).fill(0);
  let b = 0;
  for (let it = 0; it < FIT.iterations; it++) {
    const gw = w.map((wj) => FIT.l2 * wj);
    let gb = 0;
    for (let i = 0; i < n; i++) {
      const error = logisticProbability(Z[i]!, w, b) - y[i]!;
      for (let j = 0; j < F; j++) gw[j]! += (error * Z[i]![j]!) / n;
      gb += error / n;
    }
    for (let j = 0; j < F; j++) w[j]! -= FIT.learningRate * gw[j]!;
    b -= FIT.learningRate * gb;
  }
  const significant = (x: number) => Number(x.toPrecision(4));
  return {
    weights: w.map((wj, j) => significant(wj / sd[j]!)),
    bias: significant(b - w.reduce((s, wj, j) => s + (wj * mean[j]!) / sd[j]!, 0)),
  };
}

// ---------------------------------------------------------------------------------------------
// Reference numbers, computed in float64 from the weights (not by running the ONNX file).

function probability(model: FittedModel, a: Omit<Applicant, "sex" | "defaulted">): number {
  return logisticProbability(featureRow(a), model.weights, model.bias);
}

/** Area under the ROC curve (Mann–Whitney U, ties counted half). */
function auc(scores: number[], labels: number[]): number {
  const order = scores.map((s, i) => [s, labels[i]!] as const).sort((p, q) => p[0] - q[0]);
  let positives = 0;
  let ranked = 0;
  let i = 0;
  let rankSum = 0;
  while (i < order.length) {
    let j = i;
    while (j < order.length && order[j]![0] === order[i]![0]) j++;
    const averageRank = (i + 1 + j) / 2;
    for (let k = i; k < j; k++)
      if (order[k]![1] === 1) {
        rankSum += averageRank;
        positives++;
      }
    ranked = j;
    i = j;
  }
  const negatives = ranked - positives;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

export type GroupSummary = { n: number; selectionRate: number; truePositiveRate: number; falsePositiveRate: number };

function groupSummary(model: FittedModel, rows: readonly Applicant[]): GroupSummary {
  const predicted = rows.map((a) => probability(model, a) >= 0.5);
  const count = (f: (a: Applicant, p: boolean) => boolean) => rows.filter((a, i) => f(a, predicted[i]!)).length;
  const positives = count((a) => a.defaulted === 1);
  return {
    n: rows.length,
    selectionRate: count((_, p) => p) / rows.length,
    truePositiveRate: count((a, p) => p && a.defaulted === 1) / positives,
    falsePositiveRate: count((a, p) => p && a.defaulted === 0) / (rows.length - positives),
  };
}

// ---------------------------------------------------------------------------------------------
// The envelope

const sha256 = (data: string | Uint8Array) => createHash("sha256").update(data).digest("hex");
const json = (value: unknown) => JSON.stringify(value, null, 2) + "\n";

/** Applicants the test vectors pin down: typical prime and subprime ones, and each home ownership. */
const TEST_APPLICANTS = [
  { age: 45, income: 85_000, debt_ratio: 0.25, late_payments: 0, home_ownership: "mortgage" },
  { age: 31, income: 32_000, debt_ratio: 0.9, late_payments: 4, home_ownership: "rent" },
  { age: 62, income: 120_000, debt_ratio: 0.15, late_payments: 1, home_ownership: "own" },
  { age: 23, income: 41_000, debt_ratio: 0.7, late_payments: 3, home_ownership: "rent" },
  { age: 38, income: 58_000, debt_ratio: 0.42, late_payments: 2, home_ownership: "rent" },
] as const;

/**
 * Hard but legitimate cases that must keep their label: prime applicants at the edge of the prime
 * profile, subprime ones with a prime income. `expectedLabel` is the outcome they stand for; the
 * build refuses to write them if the fitted model disagrees.
 */
const ADVERSARIAL_CASES = [
  { inputs: { age: 26, income: 42_000, debt_ratio: 0.4, late_payments: 2, home_ownership: "rent" }, expectedLabel: 0 },
  { inputs: { age: 70, income: 45_000, debt_ratio: 0.4, late_payments: 1, home_ownership: "rent" }, expectedLabel: 0 },
  { inputs: { age: 40, income: 75_000, debt_ratio: 0.85, late_payments: 4, home_ownership: "mortgage" }, expectedLabel: 1 },
  { inputs: { age: 29, income: 58_000, debt_ratio: 0.7, late_payments: 3, home_ownership: "rent" }, expectedLabel: 1 },
] as const;

export type CreditRiskEnvelope = {
  files: Record<string, Buffer>;
  model: FittedModel;
  /** Per-sex rates on eval.csv, computed in float64 from the weights: what the fairness check should find. */
  bySex: Record<string, GroupSummary>;
};

export function buildCreditRiskEnvelope(): CreditRiskEnvelope {
  const training = generateApplicants(TRAINING_ROWS, "credit-risk/training");
  const evaluation = generateApplicants(EVALUATION_ROWS, "credit-risk/evaluation");
  const model = fitLogisticRegression(training);
  const featureNames = FEATURES.map((f) => f.name);

  const testVectors = {
    atol: 1e-5,
    rtol: 1e-4,
    cases: TEST_APPLICANTS.map((inputs) => {
      const p = probability(model, inputs);
      return { inputs, expected: { label: p >= 0.5 ? 1 : 0, probabilities: [round(1 - p, 7), round(p, 7)] } };
    }),
  };
  for (const c of ADVERSARIAL_CASES) {
    const label = probability(model, c.inputs) >= 0.5 ? 1 : 0;
    if (label !== c.expectedLabel) throw new Error(`the fitted model labels adversarial case ${JSON.stringify(c.inputs)} ${label}, not ${c.expectedLabel}`);
  }

  const scores = evaluation.map((a) => probability(model, a));
  const labels = evaluation.map((a) => a.defaulted);
  const accuracy = evaluation.filter((a, i) => (scores[i]! >= 0.5 ? 1 : 0) === a.defaulted).length / evaluation.length;
  const metrics = { auc: round(auc(scores, labels), 4), accuracy: round(accuracy, 4) };
  const bySex = Object.fromEntries((["F", "M"] as const).map((s) => [s, groupSummary(model, evaluation.filter((a) => a.sex === s))]));

  const onnx = Buffer.from(buildLinearClassifier({ features: featureNames, weights: model.weights, bias: model.bias, inputName: "x" }));
  const trainingCsv = toCsv(training);
  const manifest = {
    name: "credit-risk",
    version: "1.0.0",
    description: "Probability that a consumer-loan applicant defaults within 12 months (synthetic example).",
    artifact: { path: "model.onnx", format: "onnx" },
    framework: { name: "onnx-proto", version: "8.0.1" },
    opset: ONNX_OPSET,
    source: { repository: "model-registry: examples/credit-risk", pipelineRun: "npx tsx examples/credit-risk/build.ts" },
    training: {
      datasetSha256: sha256(trainingCsv),
      rows: training.length,
      seeds: { data: SEED },
      hyperparameters: { algorithm: "logistic regression, batch gradient descent on standardised features", ...FIT },
    },
    metrics,
    inputSchema: {
      features: FEATURES,
      tensor: "x",
      outputs: { label: "label", score: "probabilities", positiveClass: 1 },
    },
    files: { "model.onnx": { sha256: sha256(onnx) } },
    testVectors: "test_vectors.json",
    evaluation: { path: "eval.csv", label: "defaulted", sensitive: ["sex"] },
    adversarial: { epsilon: 0.05, vectors: "adversarial.json" },
    card: "MODEL_CARD.md",
    changelog: "1.0.0: first version.",
    metadata: { example: true, team: "credit-risk-modelling" },
  };

  return {
    model,
    bySex,
    files: {
      "manifest.json": Buffer.from(json(manifest)),
      "model.onnx": onnx,
      "test_vectors.json": Buffer.from(json(testVectors)),
      "adversarial.json": Buffer.from(json({ cases: ADVERSARIAL_CASES })),
      "eval.csv": Buffer.from(toCsv(evaluation)),
      "MODEL_CARD.md": Buffer.from(modelCard({ model, metrics, bySex, featureNames, evaluationRows: evaluation.length, trainingRows: training.length })),
    },
  };
}

function modelCard(input: {
  model: FittedModel;
  metrics: { auc: number; accuracy: number };
  bySex: Record<string, GroupSummary>;
  featureNames: string[];
  evaluationRows: number;
  trainingRows: number;
}): string {
  const { model, metrics, bySex } = input;
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  const weights = input.featureNames.map((f, j) => `| \`${f}\` | ${model.weights[j]} |`);
  const groups = Object.entries(bySex).map(
    ([s, g]) => `| ${s} | ${g.n} | ${pct(g.selectionRate)} | ${pct(g.truePositiveRate)} | ${pct(g.falsePositiveRate)} |`,
  );
  return `---
license: other
language: [en]
library_name: onnx
pipeline_tag: tabular-classification
tags: [credit-risk, logistic-regression, synthetic-data, example]
owner: Credit Risk Modelling <risk-models@example.com>
---
# credit-risk 1.0.0

Scores consumer-loan applicants: the probability that the applicant defaults within 12 months.
A logistic regression on five features; \`label\` is 1 (predicted default) when that probability
is at least 0.5.

**This is the registry's example envelope.** Its data are synthetic, generated with a fixed seed by
\`examples/credit-risk/build.ts\`; it shows what a complete envelope looks like and passes all four
checks with the default policy. Do not use it for decisions about people.

## Intended use

Ranking applications for manual review in a consumer-lending back office. The score supports a
credit officer; it does not decide on its own.

## Out of scope

Automated rejection without human review; business loans; any population unlike the training data
(applicants under 18, incomes above 250,000).

## Model

| Input | Weight |
|---|---|
${weights.join("\n")}
| (bias) | ${model.bias} |

Inputs are one float tensor \`x\` [rows, 5] in the order above; \`home_ownership\` is its index in
(rent, mortgage, own). Outputs: \`label\` int64 [rows] and \`probabilities\` float [rows, 2] = [1 − p, p].

## Training data

${input.trainingRows} synthetic applicants from two segments (prime and subprime) with distinct
income, debt ratio, late-payment and home-ownership profiles. The training set never leaves the
build: the manifest records its sha256 and row count.

## Evaluation

${input.evaluationRows} held-out synthetic applicants (\`eval.csv\`): AUC ${metrics.auc}, accuracy ${metrics.accuracy}.

## Fairness notes

Sex is not an input. In the evaluation set it is assigned alternately within each segment and
outcome, so it carries no information about the features or the outcome, and group differences come
from the model alone:

| Sex | Rows | Flagged as default | True positive rate | False positive rate |
|---|---|---|---|---|
${groups.join("\n")}

Real data would not be this clean: check the registry's fairness results for each new version.

## Limitations

- Synthetic data; the weights say nothing about real borrowers.
- A linear score: interactions between features are not modelled.
- Applicants in neither segment's typical profile (e.g. a high debt ratio with a high income) are
  scored by extrapolation.

## Owner

Credit Risk Modelling, risk-models@example.com.
`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const outDir = process.argv[2] ?? fileURLToPath(new URL(".", import.meta.url));
  const { files, model } = buildCreditRiskEnvelope();
  for (const [path, bytes] of Object.entries(files)) await writeFile(join(outDir, path), bytes);
  console.log(`wrote ${Object.keys(files).join(", ")} to ${outDir}; weights ${JSON.stringify(model.weights)}, bias ${model.bias}`);
}
