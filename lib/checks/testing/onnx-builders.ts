// Small ONNX models built in TypeScript (no Python toolchain on the build machines), for the checks'
// tests and the committed fixtures. Every classifier has the registry's default output contract:
// `label` (int64 [N]) and `probabilities` (float [N,2] = [1-p, p]), so tests can compute expected
// outputs by plain arithmetic from the weights they passed in.
import onnxProto from "onnx-proto";

const { onnx } = onnxProto;
type INodeProto = onnxProto.onnx.INodeProto;
type ITensorProto = onnxProto.onnx.ITensorProto;
type IValueInfoProto = onnxProto.onnx.IValueInfoProto;
type IAttributeProto = onnxProto.onnx.IAttributeProto;
type IGraphProto = onnxProto.onnx.IGraphProto;
type IOperatorSetIdProto = onnxProto.onnx.IOperatorSetIdProto;

export const ONNX_OPSET = 17;
export const ONNX_IR_VERSION = 8;
/** ai.onnx.ml opset for LinearClassifier/ZipMap/LabelEncoder (LabelEncoder's keys_strings needs ≥ 2). */
export const ONNX_ML_OPSET = 3;

const ElemType = onnx.TensorProto.DataType;
export type InputDType = "float" | "double" | "int64" | "bool" | "string";
const elemTypeOf: Record<InputDType, number> = {
  float: ElemType.FLOAT,
  double: ElemType.DOUBLE,
  int64: ElemType.INT64,
  bool: ElemType.BOOL,
  string: ElemType.STRING,
};

// ---------------------------------------------------------------------------------------------
// Proto helpers

type AttrValue = number | string | number[] | string[] | { ints: number[] } | { floats: number[] };

function attribute(name: string, value: AttrValue): IAttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  if (typeof value === "string") return { name, type: T.STRING, s: new TextEncoder().encode(value) };
  // A bare number is an int attribute (axis, to, …); float attributes are rare here and wrapped.
  if (typeof value === "number") return { name, type: T.INT, i: value };
  if (Array.isArray(value)) {
    if (value.every((v) => typeof v === "string")) return { name, type: T.STRINGS, strings: (value as string[]).map((s) => new TextEncoder().encode(s)) };
    return { name, type: T.INTS, ints: value as number[] };
  }
  if ("ints" in value) return { name, type: T.INTS, ints: value.ints };
  return { name, type: T.FLOATS, floats: value.floats };
}

function node(opType: string, inputs: string[], outputs: string[], attrs: Record<string, AttrValue> = {}, domain = ""): INodeProto {
  return {
    opType,
    input: inputs,
    output: outputs,
    name: `${opType}_${outputs[0]}`,
    domain,
    attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)),
  };
}

function floatTensor(name: string, dims: number[], values: number[]): ITensorProto {
  return { name, dataType: ElemType.FLOAT, dims, floatData: values };
}

function int64Tensor(name: string, dims: number[], values: number[]): ITensorProto {
  return { name, dataType: ElemType.INT64, dims, int64Data: values };
}

function tensorValue(name: string, elemType: number, dims: (number | string)[]): IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType,
        shape: { dim: dims.map((d) => (typeof d === "number" ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

function encodeModel(graph: IGraphProto, opsets: IOperatorSetIdProto[] = [{ domain: "", version: ONNX_OPSET }], irVersion = ONNX_IR_VERSION): Uint8Array {
  const model = onnx.ModelProto.create({
    irVersion,
    producerName: "model-registry-test-builders",
    producerVersion: "1",
    opsetImport: opsets,
    graph,
  });
  // protobufjs hands back a Node Buffer (often a view into a shared pool); callers get a plain copy.
  return new Uint8Array(onnx.ModelProto.encode(model).finish());
}

function checkWeights(features: string[], weights: number[]): void {
  if (features.length === 0) throw new Error("a model needs at least one feature");
  if (features.length !== weights.length) throw new Error(`${features.length} features but ${weights.length} weights`);
}

/**
 * Nodes turning a [N,1] float positive-class probability `p` into the standard outputs: `probabilities`
 * [N,2] = [1-p, p] and `label` int64 [N] = p >= threshold. Internal names are prefixed so that they
 * cannot collide with feature names (per-feature inputs are named after features).
 */
function binaryHead(p: string, threshold: number, prefix: string): { nodes: INodeProto[]; initializers: ITensorProto[] } {
  const n = (s: string) => `${prefix}/${s}`;
  return {
    initializers: [floatTensor(n("one"), [], [1]), floatTensor(n("threshold"), [], [threshold]), int64Tensor(n("flat"), [1], [-1])],
    nodes: [
      node("Sub", [n("one"), p], [n("q")]),
      node("Concat", [n("q"), p], ["probabilities"], { axis: 1 }),
      node("GreaterOrEqual", [p, n("threshold")], [n("is_positive")]),
      node("Cast", [n("is_positive")], [n("label_2d")], { to: ElemType.INT64 }),
      node("Reshape", [n("label_2d"), n("flat")], ["label"]),
    ],
  };
}

const standardOutputs = (): IValueInfoProto[] => [
  tensorValue("label", ElemType.INT64, ["N"]),
  tensorValue("probabilities", ElemType.FLOAT, ["N", 2]),
];

// ---------------------------------------------------------------------------------------------
// Classifiers

export type LinearClassifierOptions = {
  features: string[];
  weights: number[];
  bias: number;
  /** Name of the single 2-D input; default "x". */
  inputName?: string;
  /** Positive when sigmoid(x·w+b) >= threshold; default 0.5. */
  threshold?: number;
};

/** Logistic regression from standard ops: one float input [N,F] → label int64 [N], probabilities float [N,2]. */
export function buildLinearClassifier(opts: LinearClassifierOptions): Uint8Array {
  checkWeights(opts.features, opts.weights);
  return encodeModel(linearGraph(opts, { externalWeights: undefined }));
}

function linearGraph(opts: LinearClassifierOptions, extra: { externalWeights?: { location: string } }): IGraphProto {
  const input = opts.inputName ?? "x";
  const F = opts.features.length;
  const weights: ITensorProto = extra.externalWeights
    ? {
        name: "linear/w",
        dataType: ElemType.FLOAT,
        dims: [F, 1],
        dataLocation: onnx.TensorProto.DataLocation.EXTERNAL,
        externalData: [
          { key: "location", value: extra.externalWeights.location },
          { key: "offset", value: "0" },
          { key: "length", value: String(F * 4) },
        ],
      }
    : floatTensor("linear/w", [F, 1], opts.weights);
  const head = binaryHead("linear/p", opts.threshold ?? 0.5, "head");
  return {
    name: "linear_classifier",
    input: [tensorValue(input, ElemType.FLOAT, ["N", F])],
    output: standardOutputs(),
    initializer: [weights, floatTensor("linear/b", [1], [opts.bias]), ...head.initializers],
    node: [
      node("MatMul", [input, "linear/w"], ["linear/xw"]),
      node("Add", ["linear/xw", "linear/b"], ["linear/z"]),
      node("Sigmoid", ["linear/z"], ["linear/p"]),
      ...head.nodes,
    ],
  };
}

export type ThresholdClassifierOptions = {
  features: string[];
  /** The column compared with the threshold. */
  feature: string;
  threshold: number;
  inputName?: string;
};

/**
 * label = 1 when column `feature` >= threshold; p = clip(value / 10, 0, 1). With COMPAS' decile_score
 * and threshold 5 this is "high risk when decile_score >= 5". The comparison is a single float
 * GreaterOrEqual, so rows exactly at the threshold are always positive.
 */
export function buildThresholdClassifier(opts: ThresholdClassifierOptions): Uint8Array {
  const index = opts.features.indexOf(opts.feature);
  if (index < 0) throw new Error(`feature '${opts.feature}' is not one of ${opts.features.join(", ")}`);
  const input = opts.inputName ?? "x";
  const F = opts.features.length;
  const head = binaryHead("threshold/p", 0.5, "head");
  // The label compares the raw column, not p, so that thresholds outside [0,10] still mean what they say.
  const labelNodes = [
    node("GreaterOrEqual", ["threshold/column", "threshold/t"], ["threshold/is_positive"]),
    node("Cast", ["threshold/is_positive"], ["threshold/label_2d"], { to: ElemType.INT64 }),
    node("Reshape", ["threshold/label_2d", "head/flat"], ["label"]),
  ];
  return encodeModel({
    name: "threshold_classifier",
    input: [tensorValue(input, ElemType.FLOAT, ["N", F])],
    output: standardOutputs(),
    initializer: [
      int64Tensor("threshold/index", [1], [index]),
      floatTensor("threshold/t", [], [opts.threshold]),
      floatTensor("threshold/ten", [], [10]),
      floatTensor("threshold/zero", [], [0]),
      ...head.initializers.filter((t) => t.name !== "head/threshold"),
    ],
    node: [
      node("Gather", [input, "threshold/index"], ["threshold/column"], { axis: 1 }),
      node("Div", ["threshold/column", "threshold/ten"], ["threshold/scaled"]),
      node("Clip", ["threshold/scaled", "threshold/zero", "head/one"], ["threshold/p"]),
      ...head.nodes.filter((n) => n.output![0] === "probabilities" || n.output![0] === "head/q"),
      ...labelNodes,
    ],
  });
}

export type PerFeatureInputClassifierOptions = {
  features: string[];
  weights: number[];
  bias: number;
  threshold?: number;
  /**
   * Element type of each feature's input (default float). Numeric and bool inputs are cast to float;
   * string inputs are mapped to their index in `categories[feature]` with ai.onnx.ml LabelEncoder
   * (unknown strings → -1), like an ordinal encoder would.
   */
  dtypes?: Record<string, InputDType>;
  categories?: Record<string, string[]>;
  /** Shape of each input: [N,1] (default, sklearn-onnx style) or [N]. */
  rank?: 1 | 2;
};

/** One input per feature, named by the feature; otherwise the same model as buildLinearClassifier. */
export function buildPerFeatureInputClassifier(opts: PerFeatureInputClassifierOptions): Uint8Array {
  checkWeights(opts.features, opts.weights);
  const rank = opts.rank ?? 2;
  const nodes: INodeProto[] = [];
  const initializers: ITensorProto[] = [int64Tensor("perfeature/column_shape", [2], [-1, 1])];
  let usesMl = false;
  const columns = opts.features.map((feature, i) => {
    const dtype = opts.dtypes?.[feature] ?? "float";
    let current = feature;
    if (dtype === "string") {
      const categories = opts.categories?.[feature];
      if (!categories) throw new Error(`string input '${feature}' needs categories`);
      usesMl = true;
      nodes.push(
        node("LabelEncoder", [current], [`perfeature/${i}/encoded`], { keys_strings: categories, values_floats: { floats: categories.map((_, k) => k) }, default_float: 0 }, "ai.onnx.ml"),
      );
      // default_float is a FLOAT attribute: the helper would write 0 as INT, so fix it up.
      const last = nodes[nodes.length - 1]!;
      last.attribute = last.attribute!.map((a) =>
        a.name === "default_float" ? { name: "default_float", type: onnx.AttributeProto.AttributeType.FLOAT, f: -1 } : a,
      );
      current = `perfeature/${i}/encoded`;
    } else if (dtype !== "float") {
      nodes.push(node("Cast", [current], [`perfeature/${i}/float`], { to: ElemType.FLOAT }));
      current = `perfeature/${i}/float`;
    }
    if (rank === 1 || dtype === "string") {
      nodes.push(node("Reshape", [current, "perfeature/column_shape"], [`perfeature/${i}/column`]));
      current = `perfeature/${i}/column`;
    }
    return current;
  });
  const head = binaryHead("linear/p", opts.threshold ?? 0.5, "head");
  nodes.push(
    node("Concat", columns, ["perfeature/x"], { axis: 1 }),
    node("MatMul", ["perfeature/x", "linear/w"], ["linear/xw"]),
    node("Add", ["linear/xw", "linear/b"], ["linear/z"]),
    node("Sigmoid", ["linear/z"], ["linear/p"]),
    ...head.nodes,
  );
  const opsets: IOperatorSetIdProto[] = [{ domain: "", version: ONNX_OPSET }];
  if (usesMl) opsets.push({ domain: "ai.onnx.ml", version: ONNX_ML_OPSET });
  return encodeModel(
    {
      name: "per_feature_input_classifier",
      input: opts.features.map((f) => {
        const dtype = opts.dtypes?.[f] ?? "float";
        // LabelEncoder keeps the input's shape; [N,1] strings are reshaped like rank-1 columns above.
        return tensorValue(f, elemTypeOf[dtype], rank === 1 ? ["N"] : ["N", 1]);
      }),
      output: standardOutputs(),
      initializer: [...initializers, floatTensor("linear/w", [opts.features.length, 1], opts.weights), floatTensor("linear/b", [1], [opts.bias]), ...head.initializers],
      node: nodes,
    },
    opsets,
  );
}

export type ZipMapClassifierOptions = { features: string[]; weights: number[]; bias: number; inputName?: string };

/**
 * What sklearn-onnx exports by default: ai.onnx.ml LinearClassifier → `output_label` int64 [N] and
 * `output_probability` = ZipMap → seq(map(int64, float)). onnxruntime-node cannot return the latter.
 */
export function buildZipMapClassifier(opts: ZipMapClassifierOptions): Uint8Array {
  checkWeights(opts.features, opts.weights);
  const input = opts.inputName ?? "x";
  const classifier = node(
    "LinearClassifier",
    [input],
    ["output_label", "probability_tensor"],
    { coefficients: { floats: opts.weights }, intercepts: { floats: [opts.bias] }, classlabels_ints: { ints: [0, 1] }, post_transform: "LOGISTIC" },
    "ai.onnx.ml",
  );
  const zipMap = node("ZipMap", ["probability_tensor"], ["output_probability"], { classlabels_int64s: { ints: [0, 1] } }, "ai.onnx.ml");
  return encodeModel(
    {
      name: "zipmap_classifier",
      input: [tensorValue(input, ElemType.FLOAT, ["N", opts.features.length])],
      output: [
        tensorValue("output_label", ElemType.INT64, ["N"]),
        {
          name: "output_probability",
          type: { sequenceType: { elemType: { mapType: { keyType: ElemType.INT64, valueType: { tensorType: { elemType: ElemType.FLOAT } } } } } },
        },
      ],
      node: [classifier, zipMap],
    },
    [
      { domain: "", version: ONNX_OPSET },
      { domain: "ai.onnx.ml", version: ONNX_ML_OPSET },
    ],
  );
}

export type NaNModelOptions = {
  features: string[];
  weights: number[];
  bias: number;
  /** The feature whose schema range the model is "unsafe" outside of. */
  nanFeature: string;
  min: number;
  max: number;
  inputName?: string;
};

/**
 * A linear classifier whose probabilities turn NaN when `nanFeature` is at or outside [min, max]:
 * probabilities + 0·log((v-min)(max-v)), and 0·log(0) = 0·-∞ = NaN, 0·log(negative) = NaN. Strictly
 * inside the range the outputs equal buildLinearClassifier's, so test vectors there still pass —
 * only schema probing (min, max, just outside) finds it.
 */
export function buildNaNModel(opts: NaNModelOptions): Uint8Array {
  checkWeights(opts.features, opts.weights);
  const index = opts.features.indexOf(opts.nanFeature);
  if (index < 0) throw new Error(`feature '${opts.nanFeature}' is not one of ${opts.features.join(", ")}`);
  const graph = linearGraph({ ...opts }, {});
  // Rename the clean probabilities and add the poison on top.
  for (const n of graph.node!) n.output = n.output!.map((o) => (o === "probabilities" ? "nan/clean" : o));
  graph.initializer!.push(
    int64Tensor("nan/index", [1], [index]),
    floatTensor("nan/min", [], [opts.min]),
    floatTensor("nan/max", [], [opts.max]),
    floatTensor("nan/zero", [], [0]),
  );
  graph.node!.push(
    node("Gather", [opts.inputName ?? "x", "nan/index"], ["nan/v"], { axis: 1 }),
    node("Sub", ["nan/v", "nan/min"], ["nan/above_min"]),
    node("Sub", ["nan/max", "nan/v"], ["nan/below_max"]),
    node("Mul", ["nan/above_min", "nan/below_max"], ["nan/inside"]),
    node("Log", ["nan/inside"], ["nan/log"]),
    node("Mul", ["nan/log", "nan/zero"], ["nan/poison"]),
    node("Add", ["nan/clean", "nan/poison"], ["probabilities"]),
  );
  graph.name = "nan_classifier";
  return encodeModel(graph);
}

export type ExternalDataModelOptions = {
  /** The `location` entry of the initializer's external_data, e.g. "weights.bin" or "../../etc/passwd". */
  location: string;
  features?: string[];
  weights?: number[];
  bias?: number;
};

export const externalDataDefaults = { features: ["a", "b"], weights: [0.5, -0.25], bias: 0.1 } as const;

/**
 * A linear classifier whose weight initializer lives outside the model file (data_location = EXTERNAL),
 * the way large models are saved. Loading it from bytes fails; its point is the reference itself.
 */
export function buildModelWithExternalData(opts: ExternalDataModelOptions): Uint8Array {
  const features = opts.features ?? [...externalDataDefaults.features];
  const weights = opts.weights ?? [...externalDataDefaults.weights];
  checkWeights(features, weights);
  return encodeModel(linearGraph({ features, weights, bias: opts.bias ?? externalDataDefaults.bias }, { externalWeights: { location: opts.location } }));
}

/** The bytes of the external weights file matching buildModelWithExternalData (little-endian float32). */
export function buildExternalWeights(weights: number[] = [...externalDataDefaults.weights]): Uint8Array {
  const bytes = new Uint8Array(weights.length * 4);
  const view = new DataView(bytes.buffer);
  weights.forEach((w, i) => view.setFloat32(i * 4, w, true));
  return bytes;
}

/** A valid model cut in half: what an interrupted upload or a wrong file looks like. */
export function truncateModel(bytes: Uint8Array): Uint8Array {
  return bytes.slice(0, Math.floor(bytes.length / 2));
}

/** A linear classifier declaring an arbitrary IR version and ai.onnx opset (to test "unsupported" paths). */
export function buildLinearClassifierWithVersions(opts: LinearClassifierOptions & { irVersion: number; opset: number }): Uint8Array {
  checkWeights(opts.features, opts.weights);
  return encodeModel(linearGraph(opts, {}), [{ domain: "", version: opts.opset }], opts.irVersion);
}

// ---------------------------------------------------------------------------------------------
// Reference math, so tests can compute expected outputs without running a model.

/** sigmoid(x·w + b) in float64; ONNX computes in float32, so compare with a tolerance (~1e-6). */
export function logisticProbability(row: readonly number[], weights: readonly number[], bias: number): number {
  let z = bias;
  for (let i = 0; i < weights.length; i++) z += row[i]! * weights[i]!;
  return 1 / (1 + Math.exp(-z));
}
