// A realistic, well-behaved tabular envelope for end-to-end tests and the benchmark: a logistic model
// on two numeric features whose rows sit in two clusters far from the decision boundary (so it is
// robust), with a sensitive attribute that the model never sees (so it is fair), real test vectors
// computed in float64 from the weights (not by running the model), and an evaluation CSV of any size.
import { createRandom } from "../random.ts";
import { buildLinearClassifier, logisticProbability } from "./onnx-builders.ts";

export const sampleModel = { features: ["score_a", "score_b"], weights: [8, 2], bias: -5 } as const;

/** Rows as CSV text: score_a in clusters around 0.2 / 0.8, score_b uniform, group A/B, label = cluster. */
export function sampleEvaluationCsv(rows: number, seed = 1): string {
  const random = createRandom(seed, "sample-evaluation");
  const lines: string[] = ["score_a,score_b,group,label"];
  for (let i = 0; i < rows; i++) {
    const positive = random.next() < 0.5;
    const a = (positive ? 0.8 : 0.2) + (random.next() - 0.5) * 0.2;
    const b = random.next();
    lines.push(`${a.toFixed(4)},${b.toFixed(4)},${random.next() < 0.5 ? "A" : "B"},${positive ? 1 : 0}`);
  }
  return lines.join("\n") + "\n";
}

export function sampleEnvelope(name: string, version: string, { rows = 2000, seed = 1 }: { rows?: number; seed?: number } = {}) {
  const { features, weights, bias } = sampleModel;
  const inputs = [
    [0.2, 0.5],
    [0.8, 0.5],
    [0.75, 0.1],
  ];
  const testVectors = {
    atol: 1e-5,
    rtol: 1e-4,
    cases: inputs.map((row) => {
      const p = logisticProbability(row, weights, bias);
      return { inputs: { score_a: row[0], score_b: row[1] }, expected: { label: p >= 0.5 ? 1 : 0, probabilities: [1 - p, p] } };
    }),
  };
  const adversarial = { cases: [{ inputs: { score_a: 0.85, score_b: 0.5 }, expectedLabel: 1 }, { inputs: { score_a: 0.15, score_b: 0.5 }, expectedLabel: 0 }] };
  const files: Record<string, Buffer> = {
    "model.onnx": Buffer.from(buildLinearClassifier({ features: [...features], weights: [...weights], bias })),
    "test_vectors.json": Buffer.from(JSON.stringify(testVectors)),
    "adversarial.json": Buffer.from(JSON.stringify(adversarial)),
    "eval.csv": Buffer.from(sampleEvaluationCsv(rows, seed)),
    "MODEL_CARD.md": Buffer.from("---\nlicense: apache-2.0\n---\n# Sample scorer\n\nIntended use: tests and benchmarks.\n"),
  };
  const manifest = {
    name,
    version,
    artifact: { path: "model.onnx", format: "onnx" },
    framework: { name: "onnx-proto", version: "8" },
    opset: 17,
    inputSchema: {
      features: [
        { name: "score_a", type: "float", min: 0, max: 1 },
        { name: "score_b", type: "float", min: 0, max: 1 },
      ],
      tensor: "x",
      outputs: { label: "label", score: "probabilities", positiveClass: 1 },
    },
    testVectors: "test_vectors.json",
    evaluation: { path: "eval.csv", label: "label", sensitive: ["group"] },
    adversarial: { epsilon: 0.05, vectors: "adversarial.json" },
    card: "MODEL_CARD.md",
  };
  return { manifest, files };
}
