import { describe, expect, it } from "vitest";
import { datetimeLocal, utcInstant } from "./utc-instant";

describe("the time fields of the GET forms", () => {
  it("reads datetime-local values and dates as UTC", () => {
    expect(utcInstant("2026-03-03T10:15")).toEqual({ iso: "2026-03-03T10:15:00Z", invalid: false });
    expect(utcInstant("2026-03-03T10:15:30")).toEqual({ iso: "2026-03-03T10:15:30Z", invalid: false });
    expect(utcInstant("2026-03-03")).toEqual({ iso: "2026-03-03T00:00:00Z", invalid: false });
    expect(utcInstant("2026-03-03T10:15:00+02:00")).toEqual({ iso: "2026-03-03T10:15:00+02:00", invalid: false });
    expect(utcInstant(undefined)).toEqual({ invalid: false });
  });

  it("refuses what is not a time instead of guessing", () => {
    for (const bad of ["yesterday", "2026-13-01T00:00", "2026-02-30", "2026-03-03 10:15", "2026-03-03T25:00"]) expect(utcInstant(bad), bad).toEqual({ invalid: true });
  });

  it("writes an instant back as the datetime-local value that reads as the same instant", () => {
    for (const iso of ["2026-03-03T10:15:00Z", "2026-03-03T10:15:30Z", "2026-03-03T12:15:00+02:00"]) {
      const local = datetimeLocal(iso)!;
      expect(Date.parse(utcInstant(local).iso!)).toBe(Date.parse(iso));
    }
    expect(datetimeLocal("2026-03-03T12:15:00+02:00")).toBe("2026-03-03T10:15");
    expect(datetimeLocal(undefined)).toBeUndefined();
  });
});
