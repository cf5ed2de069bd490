import { describe, expect, it } from "vitest";
import type { DailyDecisionCounts } from "@/lib/decisions/count-decisions";
import { chartSeries, chartSummary } from "./chart-series";
import { comparedKeys, formatDiff, outputLabel, parseReplayInput, sameValue, stageThenNow } from "./decision-format";

describe("decision wording", () => {
  it("takes the label output when there is one, else the first single value", () => {
    expect(outputLabel({ probabilities: [0.1, 0.9], label: 1 })).toBe("1");
    expect(outputLabel({ probabilities: [0.1, 0.9], decision: "approve" })).toBe("approve");
    expect(outputLabel({ probabilities: [0.1, 0.9] })).toBe("—");
  });

  it("says the stage then against the stage now, and whether it moved", () => {
    expect(stageThenNow("prod", "archived")).toMatchObject({ changed: true, sentence: "prod at the time · archived now" });
    expect(stageThenNow("prod", "prod")).toMatchObject({ changed: false, sentence: "prod at the time · still prod" });
    expect(stageThenNow(null, "dev")).toMatchObject({ changed: true, then: "not registered", sentence: "not registered yet at the time · dev now" });
  });

  it("keeps tiny differences visible instead of rounding them to zero", () => {
    expect(formatDiff(0)).toBe("0");
    expect(formatDiff(3.2e-7)).toBe("3.20e-7");
    expect(formatDiff(0.25)).toBe("0.25");
    expect(formatDiff(null)).toBe("—");
  });

  it("compares the stored keys first, then any the replay added, value by value", () => {
    expect(comparedKeys({ label: 1, probabilities: [0.1, 0.9] }, { probabilities: [0.1, 0.9], label: 1, extra: 2 })).toEqual(["label", "probabilities", "extra"]);
    expect(sameValue([0.1, 0.9], [0.1, 0.9])).toBe(true);
    expect(sameValue(0.9, 0.9000001)).toBe(false);
    expect(sameValue(1, "1")).toBe(false);
  });

  it("reads a pasted replay input as one JSON object, and says what is wrong otherwise", () => {
    expect(parseReplayInput('{"score_a": 0.8, "score_b": 0.5}')).toEqual({ ok: true, input: { score_a: 0.8, score_b: 0.5 } });
    expect(parseReplayInput("  ")).toMatchObject({ ok: false, message: expect.stringMatching(/^Paste the decision's input/) });
    expect(parseReplayInput("{score_a: 0.8}")).toMatchObject({ ok: false, message: expect.stringMatching(/^Not valid JSON/) });
    expect(parseReplayInput("[1, 2]")).toMatchObject({ ok: false, message: expect.stringMatching(/one JSON object/) });
  });
});

describe("the model page's decisions chart", () => {
  const days = ["2026-03-01", "2026-03-02", "2026-03-03"];
  const counts = (versions: DailyDecisionCounts["versions"]): DailyDecisionCounts => ({
    model: "m",
    from: "2026-03-01T00:00:00.000Z",
    to: "2026-03-04T00:00:00.000Z",
    days,
    versions,
    total: versions.reduce((s, v) => s + v.total, 0),
  });

  it("draws the busiest versions and sums the rest as other versions", () => {
    const many = counts(["1", "2", "3", "4", "5", "6"].map((v, i) => ({ version: v, total: 6 - i, counts: [6 - i, 0, 0] })));
    const { series, dayTotals, peak } = chartSeries(many, 5);
    expect(series.map((s) => [s.label, s.total])).toEqual([
      ["1", 6],
      ["2", 5],
      ["3", 4],
      ["4", 3],
      ["2 other versions", 3],
    ]);
    expect(series.at(-1)!.counts).toEqual([3, 0, 0]);
    expect([dayTotals, peak]).toEqual([[21, 0, 0], 21]);
    // Five versions fit without an "other" series.
    expect(chartSeries(counts(many.versions.slice(0, 5)), 5).series.some((s) => s.other)).toBe(false);
  });

  it("sums the chart up in a sentence for screen readers", () => {
    expect(chartSummary(counts([{ version: "1.1.0", total: 3, counts: [0, 2, 1] }, { version: "1.0.0", total: 1, counts: [1, 0, 0] }]))).toBe(
      "4 decisions in the last 3 days (1.1.0: 3, 1.0.0: 1); the busiest day was 2026-03-02 with 2.",
    );
    expect(chartSummary(counts([]))).toBe("No decisions in the last 3 days.");
  });
});
