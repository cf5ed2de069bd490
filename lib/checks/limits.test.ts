import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "../config/index.ts";

describe("the security check's scan limit (CHECK_MAX_SCAN_BYTES)", () => {
  it("defaults to the upload limit, so every file an upload may carry can be scanned", () => {
    expect(parseConfig({}).checks.maxScanBytes).toBe(parseConfig({}).limits.maxUploadBytes);
    expect(parseConfig({ MAX_UPLOAD_BYTES: "5000" }).checks.maxScanBytes).toBe(5000);
  });

  it("can be set on its own, and refuses what is not a positive integer", () => {
    expect(parseConfig({ MAX_UPLOAD_BYTES: "5000", CHECK_MAX_SCAN_BYTES: "7000" }).checks).toMatchObject({ maxScanBytes: 7000 });
    for (const bad of ["0", "-1", "1.5", "lots"]) expect(() => parseConfig({ CHECK_MAX_SCAN_BYTES: bad }), bad).toThrow(ConfigError);
  });
});
