import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AppError } from "../errors/app-error.ts";
import { httpStatus } from "./problem.ts";
import { parseRequestTarget } from "./request-target.ts";

const codeOf = (raw: string) => {
  try {
    parseRequestTarget(raw);
    return "ok";
  } catch (error) {
    return error instanceof AppError ? `${httpStatus(error)} ${error.code}` : "threw something else";
  }
};

describe("parseRequestTarget", () => {
  it("decodes segments and query values once", () => {
    expect(parseRequestTarget("/api/v1/models/a/versions/1.0.0/files/dir%2Fx%20y.txt?q=a+b&limit=2")).toEqual({
      rawPath: "/api/v1/models/a/versions/1.0.0/files/dir%2Fx%20y.txt",
      segments: ["api", "v1", "models", "a", "versions", "1.0.0", "files", "dir/x y.txt"],
      query: { q: "a b", limit: "2" },
    });
    expect(parseRequestTarget("/api/v1/models/").segments).toEqual(["api", "v1", "models"]);
    expect(parseRequestTarget("/x?flag&=v&a=1&a=2").query).toEqual({ flag: "", "": "v", a: "2" });
  });

  it("refuses NUL and control characters, invalid percent-encodings and invalid UTF-8 with a 400", () => {
    expect(codeOf("/api/v1/models/x/versions/1.0.0%00")).toBe("400 invalid_characters");
    expect(codeOf("/api/v1/models?q=%00")).toBe("400 invalid_characters");
    expect(codeOf("/api/v1/models?q=a%0D%0ASet-Cookie:%20x")).toBe("400 invalid_characters");
    expect(codeOf("/api/v1/models/a%c0%afb")).toBe("400 invalid_encoding");
    expect(codeOf("/api/v1/models?cursor=%%%")).toBe("400 invalid_encoding");
    expect(codeOf("/api/v1/models/%E0%A4%A")).toBe("400 invalid_encoding");
    expect(codeOf("api/v1")).toBe("400 invalid_path");
  });

  it("never throws anything but a 400 AppError, whatever the target", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 64 }), fc.string({ maxLength: 32 }), (path, query) => {
        const result = codeOf(`/${path}?${query}`);
        expect(result === "ok" || result.startsWith("400 ")).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
