import { describe, expect, it } from "vitest";
import { checkExternalData, decodeOnnxModel, findExternalDataReferences, InvalidOnnxModelError, resolveExternalLocation } from "./onnx-external-data.ts";
import { onnxWithExternalData } from "./test-builders.ts";

const files = (entries: Record<string, number>) => new Map(Object.entries(entries).map(([p, size]) => [p, { size }]));

describe("resolveExternalLocation", () => {
  it.each([
    ["../x", /'\.\.'/],
    ["weights/../../x", /'\.\.'/],
    ["a/../b.bin", /'\.\.'/],
    ["/etc/passwd", /absolute/],
    ["C:/Windows/win.ini", /drive letter/],
    ["file:///etc/passwd", /URL scheme/],
    ["..\\..\\x", /backslash/],
    ["w.bin\0.txt", /NUL/],
    ["", /empty/],
    ["weights/", /directory/],
  ])("refuses %j", (location, reason) => {
    const r = resolveExternalLocation(location, "model.onnx");
    expect(r.ok).toBe(false);
    expect(r.ok ? "" : r.reason).toMatch(reason);
  });

  it("resolves relative to the model's directory", () => {
    expect(resolveExternalLocation("w.bin", "model.onnx")).toEqual({ ok: true, path: "w.bin" });
    expect(resolveExternalLocation("./data//w.bin", "models/m.onnx")).toEqual({ ok: true, path: "models/data/w.bin" });
  });
});

describe("checkExternalData", () => {
  it("finds external tensors in the main graph and in If subgraphs", () => {
    const model = decodeOnnxModel(onnxWithExternalData([{ location: "w.bin" }], { inSubgraph: [{ location: "sub.bin" }] }));
    const refs = findExternalDataReferences(model);
    // The If node carries the same branch as then_branch and else_branch.
    expect(refs.map((r) => `${r.tensor}:${r.location}`).sort()).toEqual(["sub_0:sub.bin", "sub_0:sub.bin", "w_0:w.bin"]);
    expect(refs.some((r) => r.where.includes("attribute"))).toBe(true);
  });

  it.each([
    ["../x", "onnx_external_data_outside_envelope"],
    ["/etc/passwd", "onnx_external_data_outside_envelope"],
    ["missing.bin", "onnx_external_data_missing"],
  ])("location %j fails (%s)", (location, code) => {
    const model = decodeOnnxModel(onnxWithExternalData([{ location }]));
    const { findings } = checkExternalData(model, "model.onnx", files({ "model.onnx": 100, "w.bin": 16 }));
    expect(findings.map((f) => [f.severity, f.code])).toEqual([["error", code]]);
    expect(findings[0]!.message).toContain(location === "missing.bin" ? "not a file of this version" : location);
  });

  it("a subgraph tensor escaping the envelope fails too", () => {
    const model = decodeOnnxModel(onnxWithExternalData([], { inSubgraph: [{ location: "../../secret" }] }));
    const { findings } = checkExternalData(model, "model.onnx", files({ "model.onnx": 100 }));
    expect(findings.length).toBeGreaterThan(0);
    expect(findings.every((f) => f.code === "onnx_external_data_outside_envelope")).toBe(true);
  });

  it("a location naming a file of the envelope passes, also from a subdirectory", () => {
    const model = decodeOnnxModel(onnxWithExternalData([{ location: "w.bin", offset: 0, length: 16 }]));
    expect(checkExternalData(model, "model.onnx", files({ "model.onnx": 100, "w.bin": 16 })).findings).toEqual([]);
    expect(checkExternalData(model, "models/m.onnx", files({ "models/m.onnx": 100, "models/w.bin": 16 })).findings).toEqual([]);
    // …but not the same name at the envelope root when the model sits in a subdirectory.
    expect(checkExternalData(model, "models/m.onnx", files({ "models/m.onnx": 100, "w.bin": 16 })).findings[0]?.code).toBe(
      "onnx_external_data_missing",
    );
  });

  it("offset + length must fit in the file", () => {
    const model = decodeOnnxModel(onnxWithExternalData([{ location: "w.bin", offset: 8, length: 16 }]));
    const { findings } = checkExternalData(model, "model.onnx", files({ "model.onnx": 100, "w.bin": 16 }));
    expect(findings.map((f) => f.code)).toEqual(["onnx_external_data_out_of_range"]);
  });

  it("an external tensor without a location is invalid", () => {
    const model = decodeOnnxModel(onnxWithExternalData([{}]));
    expect(checkExternalData(model, "model.onnx", files({ "model.onnx": 100 })).findings.map((f) => f.code)).toEqual(["onnx_external_data_invalid"]);
  });
});

describe("decodeOnnxModel", () => {
  it("refuses bytes that are not a ModelProto", () => {
    expect(() => decodeOnnxModel(new TextEncoder().encode("definitely not protobuf \u0000\u00ff"))).toThrow(InvalidOnnxModelError);
    expect(() => decodeOnnxModel(new Uint8Array(0))).toThrow(/no graph/);
  });
});

describe("duplicate external_data keys (onnxruntime uses the last entry)", () => {
  it("checks every location entry: a benign first location cannot hide a '..' one", () => {
    const model = decodeOnnxModel(
      onnxWithExternalData([{ entries: [{ key: "location", value: "weights.bin" }, { key: "location", value: "../../etc/passwd" }] }]),
    );
    const r = checkExternalData(model, "model.onnx", files({ "model.onnx": 1, "weights.bin": 64 }));
    expect(r.findings.map((f) => f.code).sort()).toEqual(["onnx_external_data_duplicate_key", "onnx_external_data_outside_envelope"]);
    expect(r.findings.find((f) => f.code === "onnx_external_data_outside_envelope")?.message).toMatch(/'\.\.\/\.\.\/etc\/passwd'.*'\.\.'/);
    expect(r.references[0]).toMatchObject({ location: "../../etc/passwd", locations: ["weights.bin", "../../etc/passwd"] });
    expect(r.references[0]?.resolvedPath).toBeUndefined();
  });

  it("refuses repeated keys even when every location is inside the envelope, naming them", () => {
    const model = decodeOnnxModel(
      onnxWithExternalData([
        { entries: [{ key: "location", value: "a.bin" }, { key: "offset", value: "0" }, { key: "location", value: "b.bin" }, { key: "offset", value: "8" }] },
      ]),
    );
    const r = checkExternalData(model, "model.onnx", files({ "model.onnx": 1, "a.bin": 64, "b.bin": 64 }));
    expect(r.findings.map((f) => f.code)).toEqual(["onnx_external_data_duplicate_key"]);
    expect(r.findings[0]?.message).toMatch(/tensor 'w_0'.*'location', 'offset'.*locations 'a\.bin', 'b\.bin'/);
    expect(r.references[0]?.resolvedPath).toBe("b.bin");
  });

  it("an earlier location naming a missing file is reported too", () => {
    const model = decodeOnnxModel(onnxWithExternalData([{ entries: [{ key: "location", value: "gone.bin" }, { key: "location", value: "w.bin" }] }]));
    const r = checkExternalData(model, "model.onnx", files({ "model.onnx": 1, "w.bin": 64 }));
    expect(r.findings.map((f) => f.code).sort()).toEqual(["onnx_external_data_duplicate_key", "onnx_external_data_missing"]);
  });
});
