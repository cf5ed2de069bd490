import fc from "fast-check";
import semver from "semver";
import { describe, expect, it } from "vitest";
import { compareVersions, filePathProblem, isValidMediaType, isValidModelName, MAX_MEDIA_TYPE_LENGTH, parseVersion, versionProblem } from "./rules.ts";

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

describe("media types", () => {
  it.each([
    "text/plain",
    "application/vnd.onnx",
    "text/csv; charset=utf-8",
    "text/csv;charset=utf-8",
    "text/csv ; charset=utf-8",
    'text/plain; charset="utf-8"',
    'application/x; a=b; c="quoted \\"inner\\" ; = \\\\"',
    "application/vnd.api+json",
    "*/*",
    "x-!#$%&'*+-.^_`|~/y",
  ])("accepts %j", (v) => expect(isValidMediaType(v)).toBe(true));

  it.each([
    "text/plain\r\nSet-Cookie: a=1",
    "text/plain\nx",
    "text/plain; charset=utf-8\r\n",
    "text/plain; a=\"\u00e9\"",
    "t\u00e9xt/plain",
    "text/plain; a=\"\u2028\"",
    "",
    "text",
    "text/",
    "/plain",
    "text/plain/x",
    " text/plain",
    "text/plain ",
    "text/plain;",
    "text/plain; charset",
    "text/plain; charset=",
    "text/plain; charset = utf-8",
    "text/plain;\tcharset=utf-8",
    'text/plain; a="unterminated',
    'text/plain; a="x"y',
    'text/plain; a="bad\\\u0007"',
    'text/plain; a="\\\u00e9"',
    "text/plain, text/html",
    "text/pl ain",
    `a/${"b".repeat(MAX_MEDIA_TYPE_LENGTH)}`,
  ])("refuses %j", (v) => expect(isValidMediaType(v)).toBe(false));

  // An independent reading of the grammar, written as a scanner rather than a regular expression:
  //   type "/" subtype *( *SP ";" *SP token "=" ( token / quoted-string ) ), printable ASCII only.
  const TCHARS = "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
  function referenceAccepts(s: string): boolean {
    if (s.length > MAX_MEDIA_TYPE_LENGTH) return false;
    let i = 0;
    const token = () => {
      const start = i;
      while (i < s.length && TCHARS.includes(s[i]!)) i++;
      return i > start;
    };
    const spaces = () => {
      while (s[i] === " ") i++;
    };
    if (!token() || s[i++] !== "/" || !token()) return false;
    while (i < s.length) {
      spaces();
      if (s[i++] !== ";") return false;
      spaces();
      if (!token() || s[i++] !== "=") return false;
      if (s[i] === '"') {
        i++;
        for (;;) {
          const c = s.charCodeAt(i);
          if (i >= s.length) return false;
          if (c === 0x22) break;
          if (c === 0x5c) {
            const next = s.charCodeAt(i + 1);
            if (!(next >= 0x20 && next <= 0x7e)) return false;
            i += 2;
          } else if (c >= 0x20 && c <= 0x7e) i++;
          else return false;
        }
        i++;
      } else if (!token()) return false;
    }
    return true;
  }

  const tokenArb = fc.string({ unit: fc.constantFrom(...TCHARS), minLength: 1, maxLength: 12 });
  const quotedArb = fc
    .array(fc.oneof(fc.integer({ min: 0x20, max: 0x7e }).map((c) => (c === 0x22 || c === 0x5c ? `\\${String.fromCharCode(c)}` : String.fromCharCode(c)))), { maxLength: 12 })
    .map((chars) => `"${chars.join("")}"`);
  const spacesArb = fc.constantFrom("", " ", "  ");
  const paramArb = fc
    .tuple(spacesArb, spacesArb, tokenArb, fc.oneof(tokenArb, quotedArb))
    .map(([before, after, name, value]) => `${before};${after}${name}=${value}`);
  const validArb = fc
    .tuple(tokenArb, tokenArb, fc.array(paramArb, { maxLength: 3 }))
    .map(([type, subtype, params]) => `${type}/${subtype}${params.join("")}`)
    .filter((v) => v.length <= MAX_MEDIA_TYPE_LENGTH);
  // Valid values with one character inserted, replaced or removed: the near misses a parser gets wrong.
  const anyChar = fc.oneof(fc.constantFrom(" ", "\t", "\r", "\n", ";", "=", '"', "\\", "/", ",", "\u0000", "\u00e9", "\u2028", "\ud800", "\\\u00e9", "\\\r", '\\"'), fc.string({ minLength: 1, maxLength: 1, unit: "binary" }));
  const nearMissArb = fc.tuple(validArb, fc.nat(), anyChar, fc.constantFrom("insert", "replace", "remove")).map(([v, at, c, how]) => {
    const i = at % (v.length + 1);
    if (how === "insert") return v.slice(0, i) + c + v.slice(i);
    if (how === "replace") return v.slice(0, i) + c + v.slice(i + 1);
    return v.slice(0, i) + v.slice(i + 1);
  });

  it("accepts every value the grammar generates (property)", () => {
    fc.assert(
      fc.property(validArb, (v) => {
        expect(isValidMediaType(v)).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  it("agrees with an independent scanner on valid values, near misses and arbitrary strings (property)", () => {
    fc.assert(
      fc.property(fc.oneof(validArb, nearMissArb, fc.string({ maxLength: 40, unit: "binary" })), (v) => {
        expect(isValidMediaType(v)).toBe(referenceAccepts(v));
      }),
      { numRuns: 5000 },
    );
  });

  it("every accepted value is a header value that round-trips unchanged and is printable ASCII (property)", () => {
    fc.assert(
      fc.property(fc.oneof(validArb, nearMissArb), (v) => {
        if (!isValidMediaType(v)) return;
        expect(v).toMatch(/^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/);
        // The download answers with this value as Content-Type; the Fetch API must take it as is.
        const response = new Response(null, { headers: { "content-type": v } });
        expect(response.headers.get("content-type")).toBe(v);
      }),
      { numRuns: 3000 },
    );
  });
});
