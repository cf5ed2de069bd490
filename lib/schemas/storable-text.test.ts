import { describe, expect, it } from "vitest";
import { isStorableText, unstorablePaths } from "./storable-text.ts";

describe("storable text", () => {
  it("refuses NUL and unpaired surrogates, keeps paired ones and everything else", () => {
    expect(["plain", "😀", "é\u00e9", "tab\tnew\nline", ""].map(isStorableText)).toEqual([true, true, true, true, true]);
    expect(["a\u0000b", "\ud800", "x\udc00", "\ude00\ud83d"].map(isStorableText)).toEqual([false, false, false, false]);
  });

  it("names the path of every bad string and key, in objects and arrays", () => {
    const paths = unstorablePaths({ ok: "fine", a: ["x", "y\u0000"], ["k\ud800"]: 1, nested: { deeper: [{ z: "\udc00" }] } });
    expect(paths.map((p) => p.join(".")).sort()).toEqual(["a.1", "k\ud800", "nested.deeper.0.z"].sort());
    expect(unstorablePaths("\u0000")).toEqual([[]]);
    expect(unstorablePaths({ a: 1, b: [true, null, 2.5] })).toEqual([]);
  });

  it("scans any depth without recursion, in time linear in the size", () => {
    let deep: unknown = "bad\u0000";
    for (let i = 0; i < 200_000; i++) deep = [deep];
    const started = performance.now();
    const paths = unstorablePaths(deep);
    expect(paths).toHaveLength(1);
    // The path stops growing at 64 levels: long enough to find it, short enough to stay linear.
    expect(paths[0]).toHaveLength(64);
    expect(performance.now() - started).toBeLessThan(5000);
  });
});
