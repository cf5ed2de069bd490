// Envelopes a hostile or careless CI might upload, each built from scratch (ONNX via onnx-builders,
// pickles byte by byte), with the verdicts a reviewer should see. Used by the API test to prove that
// every one of them gets the right verdict end to end (upload → queue → worker → stored result).
import { protocol4SystemCall } from "../security/test-builders.ts";
import { buildLinearClassifier, buildNaNModel, buildZipMapClassifier, truncateModel } from "./onnx-builders.ts";
import { sampleEnvelope, sampleModel } from "./sample-envelope.ts";
import type { CheckKind, Verdict } from "../types.ts";

export type HostileCase = {
  name: string;
  envelope: { manifest: Record<string, unknown>; files: Record<string, Buffer> };
  /** The verdict each check must give, and a pattern its summary or findings must contain. */
  expect: Partial<Record<CheckKind, { verdict: Verdict; mentions?: RegExp }>>;
};

function withVersion(name: string, version: string) {
  const base = sampleEnvelope(name, version, { rows: 400 });
  return { manifest: base.manifest as Record<string, unknown>, files: { ...base.files } };
}

export function hostileCases(model: string, { touchPath }: { touchPath: string }): HostileCase[] {
  const { features, weights, bias } = sampleModel;
  const cases: HostileCase[] = [];

  {
    const e = withVersion(model, "0.1.0");
    // What pickle.dumps writes for an object whose __reduce__ returns (posix.system, ("touch …",)):
    // unpickling it would create the file. Nothing here ever unpickles it.
    e.files = { "model.pkl": Buffer.from(protocol4SystemCall(`touch ${touchPath}`, "posix")), "MODEL_CARD.md": e.files["MODEL_CARD.md"]! };
    e.manifest = { name: model, version: "0.1.0", artifact: { path: "model.pkl", format: "pickle" }, card: "MODEL_CARD.md" };
    cases.push({
      name: "malicious pickle",
      envelope: e,
      expect: {
        security: { verdict: "fail", mentions: /posix\.system/ },
        validation: { verdict: "not_applicable" },
        fairness: { verdict: "not_applicable" },
        adversarial: { verdict: "not_applicable" },
      },
    });
  }
  {
    const e = withVersion(model, "0.2.0");
    e.files["model.onnx"] = Buffer.from(buildZipMapClassifier({ features: [...features], weights: [...weights], bias }));
    cases.push({ name: "ZipMap output", envelope: e, expect: { validation: { verdict: "fail", mentions: /ZipMap/ } } });
  }
  {
    const e = withVersion(model, "0.3.0");
    const vectors = JSON.parse(e.files["test_vectors.json"]!.toString()) as { cases: { expected: { label: number } }[] };
    vectors.cases[0]!.expected.label = 1 - vectors.cases[0]!.expected.label;
    e.files["test_vectors.json"] = Buffer.from(JSON.stringify(vectors));
    cases.push({ name: "wrong test vectors", envelope: e, expect: { validation: { verdict: "fail", mentions: /expected/i }, security: { verdict: "pass" } } });
  }
  {
    const e = withVersion(model, "0.4.0");
    e.files["model.onnx"] = Buffer.from(buildNaNModel({ features: [...features], weights: [...weights], bias, nanFeature: "score_b", min: 0, max: 1 }));
    cases.push({ name: "NaN-producing model", envelope: e, expect: { validation: { verdict: "fail", mentions: /NaN/ } } });
  }
  {
    const e = withVersion(model, "0.5.0");
    e.files["model.onnx"] = Buffer.from(buildLinearClassifier({ features: ["a", "b", "c"], weights: [1, 1, 1], bias: 0, inputName: "float_input" }));
    cases.push({ name: "inputs that do not match the schema", envelope: e, expect: { validation: { verdict: "fail", mentions: /float_input/ } } });
  }
  {
    const e = withVersion(model, "0.6.0");
    e.files["model.onnx"] = Buffer.from(truncateModel(e.files["model.onnx"]!));
    cases.push({
      name: "truncated ONNX",
      envelope: e,
      expect: { validation: { verdict: "fail", mentions: /not a valid ONNX model/ }, security: { verdict: "fail", mentions: /not a valid ONNX model/ } },
    });
  }
  return cases;
}
