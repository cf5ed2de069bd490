import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { describeJson, FIELD_PREVIEW, formatShape, MANIFEST_PREVIEW, previewJson } from "./json-preview";

const nested = (levels: number) => {
  let value: unknown = 1;
  for (let i = 0; i < levels; i++) value = { a: value };
  return value;
};

describe("previewJson", () => {
  it("is exactly JSON.stringify(value, null, 2) for a value within the limits (property)", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (value) => {
        const preview = previewJson(value, { maxChars: 1e9, maxDepth: 100, maxStringChars: 1e9 });
        expect(preview).toEqual({ text: JSON.stringify(value, null, 2), truncated: false });
      }),
      { numRuns: 1000 },
    );
  });

  it("never exceeds its character budget by more than the marker line, whatever the value (property)", () => {
    const limits = { maxChars: 300, maxDepth: 3, maxStringChars: 40 };
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 8 }), (value) => {
        const preview = previewJson(value, limits);
        expect(preview.text.length).toBeLessThanOrEqual(limits.maxChars + 2);
        if (!preview.truncated) expect(preview.text).toBe(JSON.stringify(value, null, 2));
      }),
      { numRuns: 1000 },
    );
  });

  it("summarises levels past maxDepth and long strings where they are", () => {
    const preview = previewJson({ deep: nested(5), note: "x".repeat(50), list: [[1, 2, 3]] }, { maxChars: 1000, maxDepth: 2, maxStringChars: 10 });
    expect(preview.truncated).toBe(true);
    expect(preview.text).toBe(
      ['{', '  "deep": {', '    "a": {… 1 key}', "  },", `  "note": "xxxxxxxxxx…" (50 characters),`, '  "list": [', "    [… 3 items]", "  ]", "}"].join("\n"),
    );
  });

  it("cuts at a line boundary and says so on a line of its own", () => {
    const preview = previewJson(Array.from({ length: 100 }, (_, i) => i), { maxChars: 50, maxDepth: 5, maxStringChars: 100 });
    expect(preview.truncated).toBe(true);
    const lines = preview.text.split("\n");
    expect(lines.at(-1)).toBe("…");
    // "[" then "  0," … each line is complete: the cut never splits one.
    expect(lines.slice(1, -1).every((l, i) => l === `  ${i},`)).toBe(true);
    expect(preview.text.length).toBeLessThanOrEqual(52);
  });

  it("renders a value at the upload limits, or a deeper legacy one, in a few kilobytes", () => {
    // Free-form limits: 32 levels, 1,000 keys, 10,000 items, 10,000-character strings, 64 KiB.
    const atLimits = {
      deep: nested(31),
      keys: Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`k${i}`, i])),
      items: Array(10_000).fill(0),
      text: "x".repeat(10_000),
    };
    // What the finding stored before the limits: 1,687 levels of arrays.
    let legacy: unknown = [];
    for (let i = 0; i < 1687; i++) legacy = [legacy];
    for (const value of [atLimits, { metadata: legacy }]) {
      expect(previewJson(value, FIELD_PREVIEW).text.length).toBeLessThanOrEqual(FIELD_PREVIEW.maxChars + 2);
      expect(previewJson(value, MANIFEST_PREVIEW).text.length).toBeLessThanOrEqual(MANIFEST_PREVIEW.maxChars + 2);
    }
    // For contrast: what the page printed before.
    expect(JSON.stringify({ metadata: legacy }, null, 2).length).toBeGreaterThan(5_000_000);
  });
});

describe("describeJson", () => {
  it.each([
    [{ a: 1, b: [1, 2] }, "object · 2 keys · 17 B"],
    [[1], "array · 1 item · 3 B"],
    ["é", "string · 1 character · 4 B"],
    [1.5, "number · 3 B"],
    [null, "null · 4 B"],
    [{ big: "x".repeat(2000) }, "object · 1 key · 2.0 KiB"],
  ])("%j → %s", (value, text) => {
    expect(formatShape(describeJson(value))).toBe(text);
  });
});
