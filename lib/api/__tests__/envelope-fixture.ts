// Builds envelopes and multipart requests for API tests, independently of the server's code.
import { createHash, randomBytes } from "node:crypto";

export type EnvelopeFiles = Record<string, Buffer>;

export function sha256(data: Buffer | string): string {
  return createHash("sha256").update(data).digest("hex");
}

export function sampleEnvelope(model: string, version: string, { artifactSize = 64 * 1024 }: { artifactSize?: number } = {}) {
  const files: EnvelopeFiles = {
    "model.onnx": randomBytes(artifactSize),
    "MODEL_CARD.md": Buffer.from("---\nlicense: apache-2.0\n---\n# Credit risk\n\nIntended use: testing.\n"),
    "test_vectors.json": Buffer.from(JSON.stringify({ atol: 1e-6, rtol: 1e-4, cases: [{ inputs: { age: 30 }, expected: { label: 1 } }] })),
    "eval.csv": Buffer.from("age,income,label,sex\n30,52000,1,F\n41,61000,0,M\n"),
  };
  const manifest: Record<string, unknown> = {
    name: model,
    version,
    artifact: { path: "model.onnx", format: "onnx" },
    framework: { name: "sklearn", version: "1.5.2" },
    opset: 17,
    metrics: { auc: 0.91 },
    inputSchema: {
      features: [
        { name: "age", type: "int", min: 0, max: 120 },
        { name: "income", type: "float", min: 0 },
      ],
      tensor: "x",
    },
    testVectors: "test_vectors.json",
    evaluation: { path: "eval.csv", label: "label", sensitive: ["sex"] },
    card: "MODEL_CARD.md",
    files: { "model.onnx": { sha256: "" } },
  };
  (manifest.files as Record<string, { sha256: string }>)["model.onnx"]!.sha256 = sha256(files["model.onnx"]!);
  return { manifest, files };
}

/** multipart/form-data with the manifest first, built with undici's FormData (not the registry's code). */
export function envelopeForm(manifest: unknown, files: EnvelopeFiles, { manifestAsFile = false } = {}): FormData {
  const form = new FormData();
  const text = JSON.stringify(manifest);
  if (manifestAsFile) form.append("manifest", new Blob([text], { type: "application/json" }), "manifest.json");
  else form.append("manifest", text);
  for (const [path, bytes] of Object.entries(files)) form.append(path, new Blob([new Uint8Array(bytes)]), path.split("/").pop());
  return form;
}
