import { describe, expect, it } from "vitest";
import { rateMetrics, readRate } from "./fairness-reading";

const metric = (key: string) => rateMetrics.find((m) => m.key === key)!;

describe("readRate", () => {
  it("FPR: higher is worse, the line sits above the best group, and only groups above it are worse", () => {
    const r = readRate(
      [
        ["A", 0.19, true],
        ["B", 0.31, true],
        ["C", 0.9, false], // too small: never judged, never coloured
      ],
      metric("falsePositiveRate"),
      { maxEqualizedOddsDifference: 0.1 },
    );
    expect(r.gate).toMatchObject({ fails: "above" });
    expect(r.gate!.at).toBeCloseTo(0.29);
    expect(r.groups.get("A")).toEqual({ worse: false, text: "best group" });
    expect(r.groups.get("B")).toEqual({ worse: true, text: "0.120 higher than the best group (worse)" });
    expect(r.groups.has("C")).toBe(false);
  });

  it("a lower FPR is never painted as failing (the old chart marked it 'below')", () => {
    const r = readRate(
      [
        ["A", 0.05, true],
        ["B", 0.1, true],
      ],
      metric("falsePositiveRate"),
      { maxEqualizedOddsDifference: 0.1 },
    );
    expect([...r.groups.values()].every((g) => !g.worse)).toBe(true);
    expect(r.groups.get("B")!.text).toBe("0.050 higher than the best group");
  });

  it("TPR: lower is worse, the line sits below the best group", () => {
    const r = readRate(
      [
        ["A", 0.9, true],
        ["B", 0.75, true],
      ],
      metric("truePositiveRate"),
      { maxEqualizedOddsDifference: 0.1 },
    );
    expect(r.gate).toMatchObject({ fails: "below" });
    expect(r.groups.get("B")).toEqual({ worse: true, text: "0.150 lower than the best group (worse)" });
  });

  it("selection rate: compared with the highest by ratio, outside the demographic-parity gate when below r × highest", () => {
    const r = readRate(
      [
        ["A", 0.4, true],
        ["B", 0.3, true],
      ],
      metric("selectionRate"),
      { minDemographicParityRatio: 0.8 },
    );
    expect(r.gate!.at).toBeCloseTo(0.32);
    expect(r.groups.get("A")!.text).toBe("highest (the reference)");
    expect(r.groups.get("B")).toEqual({ worse: true, text: "0.750 × the highest, 0.100 lower (outside the gate)" });
  });

  it("ungated metrics say how far each group is from the best but colour nothing", () => {
    const r = readRate(
      [
        ["A", 0.8, true],
        ["B", 0.6, true],
      ],
      metric("accuracy"),
      { maxEqualizedOddsDifference: 0.1 },
    );
    expect(r.gate).toBeNull();
    expect(r.groups.get("B")).toEqual({ worse: false, text: "0.200 lower than the best group" });
  });

  it("no gate with fewer than two judged groups", () => {
    expect(readRate([["A", 0.5, true], ["B", 0.1, false]], metric("truePositiveRate"), { maxEqualizedOddsDifference: 0.1 }).gate).toBeNull();
  });
});
