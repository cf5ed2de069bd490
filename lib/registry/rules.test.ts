import fc from "fast-check";
import semver from "semver";
import { describe, expect, it } from "vitest";
import { compareVersions, filePathProblem, isValidModelName, parseVersion, versionProblem } from "./rules.ts";

describe("model names", () => {
  it.each(["credit-risk", "a", "m0.1_b-c", "x".repeat(100)])("accepts %s", (name) => expect(isValidModelName(name)).toBe(true));
  it.each(["", "-a", ".a", "A", "a..b", "../etc", "a/b", "a b", "x".repeat(101), "é", "a%2e%2e"])("refuses %j", (name) =>
    expect(isValidModelName(name)).toBe(false),
  );

  it("never accepts a name that could climb or separate a path (property)", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 120 }), (name) => {
        if (isValidModelName(name)) {
          expect(name).not.toContain("..");
          expect(name).not.toMatch(/[/\\\s%]/);
          expect(name).toBe(encodeURIComponent(name));
          expect(name.length).toBeLessThanOrEqual(100);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe("file paths", () => {
  it.each(["model.onnx", "weights/part-0.bin", "MODEL_CARD.md", "a/b/c/d.json"])("accepts %s", (p) => expect(filePathProblem(p)).toBeUndefined());
  it.each([
    "../model.onnx",
    "a/../../etc/passwd",
    "/etc/passwd",
    "a//b",
    "a/",
    ".hidden",
    "a/./b",
    "a\\b",
    "..",
    "manifest.json",
    "a\u0000b",
    "x".repeat(600),
    Array(20).fill("a").join("/"),
  ])("refuses %j", (p) => expect(filePathProblem(p)).toBeDefined());

  it("accepted paths stay inside any root after normalisation (property)", async () => {
    const path = await import("node:path");
    const segment = fc.oneof(fc.constantFrom("..", ".", "", "a", "b.c", "..a", "a..", "%2e"), fc.string({ maxLength: 8 }));
    fc.assert(
      fc.property(fc.array(segment, { minLength: 1, maxLength: 6 }), (parts) => {
        const p = parts.join("/");
        if (filePathProblem(p) === undefined) {
          const resolved = path.posix.resolve("/root", p);
          expect(resolved.startsWith("/root/")).toBe(true);
          expect(path.posix.normalize(p)).toBe(p);
        }
      }),
      { numRuns: 3000 },
    );
  });
});

describe("semantic versions", () => {
  it.each(["0.0.0", "1.4.0", "2.0.0-rc.1", "1.0.0-alpha.beta.1"])("accepts %s", (v) => expect(versionProblem(v)).toBeUndefined());
  it.each(["1", "1.0", "v1.0.0", "01.0.0", "1.0.0+build.5", "1.0.0-", "1.0.0 ", " 1.0.0", "1.0.0-01", "99999999999.0.0", ""])(
    "refuses %j",
    (v) => expect(versionProblem(v)).toBeDefined(),
  );

  it("parses prerelease parts", () => {
    expect(parseVersion("2.1.3-rc.1")).toEqual({ version: "2.1.3-rc.1", major: 2, minor: 1, patch: 3, prerelease: "rc.1" });
    expect(parseVersion("2.1.3").prerelease).toBeNull();
  });

  const versionArb = fc
    .tuple(
      fc.nat({ max: 50 }),
      fc.nat({ max: 50 }),
      fc.nat({ max: 50 }),
      fc.option(fc.array(fc.oneof(fc.constantFrom("alpha", "beta", "rc"), fc.nat({ max: 20 }).map(String)), { minLength: 1, maxLength: 3 })),
    )
    .map(([a, b, c, pre]) => `${a}.${b}.${c}${pre ? `-${pre.join(".")}` : ""}`);

  it("accepts exactly semver's valid versions without build metadata (property)", () => {
    fc.assert(
      fc.property(fc.oneof(versionArb, fc.string({ maxLength: 20 })), (v) => {
        const ok = versionProblem(v) === undefined;
        expect(ok).toBe(semver.valid(v) === v && !v.includes("+"));
      }),
      { numRuns: 3000 },
    );
  });

  it("orders by semver precedence: prerelease before release (property)", () => {
    fc.assert(
      fc.property(versionArb, versionArb, (a, b) => {
        expect(Math.sign(compareVersions(a, b))).toBe(-Math.sign(compareVersions(b, a)));
        const base = a.split("-")[0]!;
        if (a.includes("-")) expect(compareVersions(a, base)).toBe(-1);
      }),
    );
  });
});
