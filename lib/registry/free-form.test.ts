import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FREE_FORM_LIMITS, freeFormProblems, jsonNestingDepth } from "./free-form.ts";

/** `levels` nested objects: { a: { a: … 1 } }, the outermost counted as level 1. */
function nested(levels: number, leaf: unknown = 1): unknown {
  let value = leaf;
  for (let i = 0; i < levels; i++) value = { a: value };
  return value;
}

/** Depth as the limits count it, computed recursively on the parsed value. */
function depthOf(value: unknown): number {
  if (value === null || typeof value !== "object") return 0;
  const children = Array.isArray(value) ? value : Object.values(value);
  return 1 + Math.max(0, ...children.map(depthOf));
}

describe("free-form bounds", () => {
  const L = FREE_FORM_LIMITS;

  it("accepts a value at every limit at once", () => {
    const value = {
      deep: nested(L.maxDepth - 1),
      keys: Object.fromEntries(Array.from({ length: L.maxKeys - 1 }, (_, i) => [`k${i}`, i])),
      items: Array(1000).fill(0),
      text: "x".repeat(L.maxStringLength),
      ["k".repeat(L.maxKeyLength)]: true,
    };
    expect(depthOf(value)).toBe(L.maxDepth);
    expect(freeFormProblems(value)).toEqual([]);
  });

  it.each([
    ["one level too deep", nested(L.maxDepth + 1), Array(L.maxDepth).fill("a"), "nested deeper than 32 levels"],
    ["too many keys", Object.fromEntries(Array.from({ length: L.maxKeys + 1 }, (_, i) => [`k${i}`, 0])), [], "object of 1001 keys; at most 1000 allowed"],
    ["too many items", { list: Array(L.maxItems + 1).fill(0) }, ["list"], "array of 10001 items; at most 10000 allowed"],
    ["a long string", { notes: ["x".repeat(L.maxStringLength + 1)] }, ["notes", "0"], "string of 10001 characters; at most 10000 allowed"],
    ["a long key", { ["k".repeat(L.maxKeyLength + 1)]: 1 }, [`${"k".repeat(40)}…`], "key of 201 characters; at most 200 allowed"],
    ["too many bytes", { a: "é".repeat(9000), b: "é".repeat(9000), c: "é".repeat(9000), d: "é".repeat(9000) }, [], "bytes as JSON"],
  ])("refuses %s and names where", (_label, value, path, message) => {
    const problems = freeFormProblems(value);
    expect(problems).toHaveLength(1);
    expect(problems[0]!.path).toEqual(path);
    expect(problems[0]!.message).toContain(message);
  });

  it("counts bytes as UTF-8 of compact JSON", () => {
    // 4 × 9,000 two-byte characters = 72,000 bytes of text, plus the JSON around it.
    const value = { a: "é".repeat(9000), b: "é".repeat(9000), c: "é".repeat(9000), d: "é".repeat(9000) };
    expect(freeFormProblems(value)[0]!.message).toBe(`${Buffer.byteLength(JSON.stringify(value))} bytes as JSON; at most ${L.maxBytes} allowed`);
    expect(Buffer.byteLength(JSON.stringify(value))).toBe(72_000 + '{"a":"","b":"","c":"","d":""}'.length);
  });

  it("reports at most 10 problems and survives a value far deeper than any stack", () => {
    const many = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`s${i}`, "x".repeat(L.maxStringLength + 1)]));
    expect(freeFormProblems(many)).toHaveLength(10);
    let deep: unknown = 0;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(freeFormProblems(deep)).toEqual([{ path: Array(L.maxDepth).fill("0"), message: "nested deeper than 32 levels" }]);
  });
});

describe("jsonNestingDepth", () => {
  it("skips brackets inside strings, escaped quotes included", () => {
    expect(jsonNestingDepth(String.raw`{"a":"[[[{{{","b\"[":["\\",{"c":"\"]]]"}]}`, 64)).toBe(3);
    expect(jsonNestingDepth("1", 64)).toBe(0);
  });

  it("stops at the limit without scanning further", () => {
    expect(jsonNestingDepth("[".repeat(1_000_000), 64)).toBe(65);
    expect(jsonNestingDepth(`${"[".repeat(64)}${"]".repeat(64)}`, 64)).toBe(64);
  });

  it("equals the depth of the parsed value for any JSON text (property)", () => {
    fc.assert(
      fc.property(fc.json({ depthSize: "medium" }), (text) => {
        expect(jsonNestingDepth(text, 1000)).toBe(depthOf(JSON.parse(text)));
      }),
      { numRuns: 2000 },
    );
  });
});
