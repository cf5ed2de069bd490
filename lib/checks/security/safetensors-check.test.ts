import { describe, expect, it } from "vitest";
import { checkSafetensors } from "./safetensors-check.ts";
import { safetensors } from "./test-builders.ts";

const codes = (bytes: Uint8Array) => checkSafetensors(bytes, "model.safetensors").findings.map((f) => [f.severity, f.code]);

describe("checkSafetensors", () => {
  it("accepts a valid file", () => {
    const bytes = safetensors(
      {
        __metadata__: { format: "pt" },
        "layer.weight": { dtype: "F32", shape: [2, 3], data_offsets: [0, 24] },
        "layer.bias": { dtype: "F16", shape: [3], data_offsets: [24, 30] },
        "empty": { dtype: "I64", shape: [0, 4], data_offsets: [30, 30] },
        "flags": { dtype: "BOOL", shape: [2], data_offsets: [30, 32] },
      },
      new Uint8Array(32),
    );
    const report = checkSafetensors(bytes, "model.safetensors");
    expect(report).toMatchObject({ ok: true, findings: [], tensorCount: 4, dataBytes: 32 });
  });

  it("rejects a header length larger than the file", () => {
    const bytes = safetensors({}, new Uint8Array(0), { declaredHeaderLength: 1000n });
    expect(codes(bytes)).toEqual([["error", "safetensors_header_too_large"]]);
    expect(checkSafetensors(bytes, "m.safetensors").findings[0]!.message).toMatch(/larger than the rest of the file/);
  });

  it("rejects a header length above 100 MB without allocating it", () => {
    const bytes = safetensors({}, new Uint8Array(0), { declaredHeaderLength: 2n ** 63n });
    expect(codes(bytes)).toEqual([["error", "safetensors_header_too_large"]]);
  });

  it("rejects files too short to hold the length", () => {
    expect(codes(new Uint8Array(5))).toEqual([["error", "safetensors_too_small"]]);
  });

  it.each([
    ["not JSON", new TextEncoder().encode("{not json"), "safetensors_header_not_json"],
    ["not UTF-8", Uint8Array.from([0x7b, 0xff, 0xfe, 0x7d]), "safetensors_header_not_json"],
    ["a JSON array", new TextEncoder().encode("[1,2]"), "safetensors_header_not_object"],
  ])("rejects a header that is %s", (_, rawHeader, code) => {
    expect(codes(safetensors(null, new Uint8Array(0), { rawHeader }))).toEqual([["error", code]]);
  });

  it("rejects overlapping offsets", () => {
    const bytes = safetensors(
      {
        a: { dtype: "F32", shape: [4], data_offsets: [0, 16] },
        b: { dtype: "F32", shape: [4], data_offsets: [8, 24] },
      },
      new Uint8Array(24),
    );
    const report = checkSafetensors(bytes, "m.safetensors");
    expect(report.ok).toBe(false);
    expect(report.findings.map((f) => f.code)).toEqual(["safetensors_overlap"]);
    expect(report.findings[0]!.message).toMatch(/'a' and 'b'/);
  });

  it("rejects offsets outside the data section, or reversed", () => {
    const outside = safetensors({ a: { dtype: "U8", shape: [8], data_offsets: [4, 12] } }, new Uint8Array(8));
    expect(codes(outside)).toEqual([["error", "safetensors_offset_out_of_range"]]);
    const reversed = safetensors({ a: { dtype: "U8", shape: [0], data_offsets: [4, 2] } }, new Uint8Array(8));
    expect(codes(reversed)).toContainEqual(["error", "safetensors_offset_out_of_range"]);
  });

  it("rejects a dtype/shape that does not match the byte range", () => {
    const bytes = safetensors({ a: { dtype: "F64", shape: [2, 2], data_offsets: [0, 16] } }, new Uint8Array(16));
    const report = checkSafetensors(bytes, "m.safetensors");
    expect(report.findings.map((f) => f.code)).toContain("safetensors_size_mismatch");
    expect(report.findings[0]!.message).toMatch(/needs 32 bytes, but its offsets span 16/);
  });

  it("rejects a shape whose size overflows instead of wrapping around", () => {
    const bytes = safetensors({ a: { dtype: "F32", shape: [2 ** 40, 2 ** 40], data_offsets: [0, 0] } }, new Uint8Array(0));
    expect(codes(bytes)).toEqual([["error", "safetensors_size_mismatch"]]);
  });

  it.each([
    ["unknown dtype", { dtype: "F128", shape: [1], data_offsets: [0, 16] }],
    ["negative dim", { dtype: "F32", shape: [-1], data_offsets: [0, 4] }],
    ["fractional dim", { dtype: "F32", shape: [1.5], data_offsets: [0, 4] }],
    ["missing offsets", { dtype: "F32", shape: [1] }],
    ["three offsets", { dtype: "F32", shape: [1], data_offsets: [0, 4, 8] }],
    ["not an object", "F32"],
  ])("rejects a tensor with %s", (_, tensor) => {
    expect(codes(safetensors({ t: tensor }, new Uint8Array(16)))).toContainEqual(["error", "safetensors_bad_tensor"]);
  });

  it("rejects a __metadata__ that is not a string map", () => {
    expect(codes(safetensors({ __metadata__: { n: 1 } }, new Uint8Array(0)))).toEqual([["error", "safetensors_bad_metadata"]]);
  });

  it("warns about gaps and about data that belongs to no tensor", () => {
    const bytes = safetensors(
      {
        a: { dtype: "U8", shape: [4], data_offsets: [0, 4] },
        b: { dtype: "U8", shape: [4], data_offsets: [8, 12] },
      },
      new Uint8Array(16),
    );
    const report = checkSafetensors(bytes, "m.safetensors");
    expect(report.ok).toBe(true);
    expect(report.findings.map((f) => [f.severity, f.code, f.details?.from, f.details?.to])).toEqual([
      ["warning", "safetensors_gap", 4, 8],
      ["warning", "safetensors_uncovered_data", 12, 16],
    ]);
  });
});
