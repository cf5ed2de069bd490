import { describe, expect, it } from "vitest";
import { AppError } from "../errors/app-error.ts";
import { httpStatus } from "./problem.ts";
import { parseRangeHeader } from "./range-header.ts";

describe("Range header", () => {
  it.each([
    ["bytes=0-0", 10, { start: 0, end: 0 }],
    ["bytes=2-5", 10, { start: 2, end: 5 }],
    ["bytes=5-", 10, { start: 5, end: 9 }],
    ["bytes=-3", 10, { start: 7, end: 9 }],
    ["bytes=-30", 10, { start: 0, end: 9 }],
    ["bytes=8-100", 10, { start: 8, end: 9 }],
  ] as const)("%s of %d bytes", (h, size, expected) => expect(parseRangeHeader(h, size)).toEqual(expected));

  it.each([null, "items=0-1", "bytes=0-1,3-4", "bytes=5-2", "bytes=-"])("ignores %j (full body)", (h) => expect(parseRangeHeader(h, 10)).toBeUndefined());

  it.each(["bytes=10-", "bytes=-0", "bytes=0-0"])("416 for %s outside 10 bytes (or empty file)", (h) => {
    const size = h === "bytes=0-0" ? 0 : 10;
    try {
      parseRangeHeader(h, size);
      expect.unreachable();
    } catch (error) {
      expect(httpStatus(error as AppError)).toBe(416);
      expect((error as AppError).headers?.["content-range"]).toBe(`bytes */${size}`);
    }
  });
});
