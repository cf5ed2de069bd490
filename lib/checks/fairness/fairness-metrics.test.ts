import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FairnessAccumulator, MISSING_GROUP, type FairnessMetrics } from "./fairness-metrics.ts";

// Ten labelled rows plus one without a label. Columns: race, sex, label, predicted.
//   #  race sex  label pred  cell
//   0  A    F    1     1     tp
//   1  A    M    1     1     tp
//   2  A    F    1     0     fn
//   3  A    M    0     1     fp
//   4  A    —    0     0     tn
//   5  B    M    1     1     tp
//   6  B    F    1     0     fn
//   7  B    M    0     0     tn
//   8  B    F    0     0     tn
//   9  B    M    0     0     tn
//  10  B    F    —     1     (no label: excluded)
const race = ["A", "A", "A", "A", "A", "B", "B", "B", "B", "B", "B"];
const sex = ["F", "M", "F", "M", null, "M", "F", "M", "F", "M", "F"];
const labels = [1, 1, 1, 0, 0, 1, 1, 0, 0, 0, NaN];
const predicted = [1, 1, 0, 1, 0, 1, 0, 0, 0, 0, 1];

function fixture(minGroupSize: number): FairnessMetrics {
  const acc = new FairnessAccumulator(["race", "sex"]);
  acc.add({ labels, predictedPositive: predicted, groups: { race, sex } });
  return acc.result(minGroupSize);
}

describe("FairnessAccumulator on a hand-computed fixture", () => {
  it("counts rows and rows without a label", () => {
    const r = fixture(2);
    expect(r.rows).toBe(10);
    expect(r.rowsWithoutLabel).toBe(1);
  });

  it("race: per-group rates", () => {
    const { groups } = fixture(2).attributes.race!;
    // A: tp=2 fn=1 fp=1 tn=1 → n 5, positives 3, predicted 3.
    expect(groups.A).toEqual({
      n: 5,
      positives: 3,
      predictedPositives: 3,
      baseRate: 3 / 5,
      selectionRate: 3 / 5,
      truePositiveRate: 2 / 3,
      falsePositiveRate: 1 / 2,
      falseNegativeRate: 1 / 3,
      precision: 2 / 3,
      accuracy: 3 / 5,
      tooSmall: false,
      confusion: { tp: 2, fp: 1, tn: 1, fn: 1 },
    });
    // B: tp=1 fn=1 fp=0 tn=3 → selection 1/5, TPR 1/2, FPR 0, precision 1/1, accuracy 4/5.
    expect(groups.B).toMatchObject({
      n: 5,
      positives: 2,
      baseRate: 2 / 5,
      selectionRate: 1 / 5,
      truePositiveRate: 1 / 2,
      falsePositiveRate: 0,
      falseNegativeRate: 1 / 2,
      precision: 1,
      accuracy: 4 / 5,
    });
  });

  it("race: disparity metrics", () => {
    const a = fixture(2).attributes.race!;
    // Selection 3/5 vs 1/5: difference 2/5, ratio 1/3.
    expect(a.demographicParityDifference).toBeCloseTo(2 / 5, 15);
    expect(a.demographicParityRatio).toBeCloseTo(1 / 3, 15);
    // TPR 2/3 vs 1/2 → 1/6; FPR 1/2 vs 0 → 1/2; equalized odds = max = 1/2.
    expect(a.equalOpportunityDifference).toBeCloseTo(1 / 6, 15);
    expect(a.equalizedOddsDifference).toBeCloseTo(1 / 2, 15);
    expect(a.spreads.selectionRate).toEqual({ min: { group: "B", value: 1 / 5 }, max: { group: "A", value: 3 / 5 }, difference: 3 / 5 - 1 / 5 });
    expect(a.spreads.falsePositiveRate!.min.group).toBe("B");
    expect(a.judgedGroups).toEqual(["A", "B"]);
    expect(a.tooSmallGroups).toEqual([]);
  });

  it("sex: a missing value is its own group, flagged too small but still reported", () => {
    const a = fixture(2).attributes.sex!;
    expect(Object.keys(a.groups)).toEqual(["F", "M", MISSING_GROUP]);
    // F: rows 0,2,6,8 → tp1 fn2 fp0 tn1.
    expect(a.groups.F).toMatchObject({ n: 4, selectionRate: 1 / 4, truePositiveRate: 1 / 3, falsePositiveRate: 0, precision: 1, accuracy: 2 / 4 });
    // M: rows 1,3,5,7,9 → tp2 fp1 tn2 fn0.
    expect(a.groups.M).toMatchObject({ n: 5, selectionRate: 3 / 5, truePositiveRate: 1, falseNegativeRate: 0, falsePositiveRate: 1 / 3, precision: 2 / 3, accuracy: 4 / 5 });
    // Missing: row 4 only → tn1: no positives, no predicted positives ⇒ those rates are null, not NaN.
    expect(a.groups[MISSING_GROUP]).toEqual({
      n: 1,
      positives: 0,
      predictedPositives: 0,
      baseRate: 0,
      selectionRate: 0,
      truePositiveRate: null,
      falsePositiveRate: 0,
      falseNegativeRate: null,
      precision: null,
      accuracy: 1,
      tooSmall: true,
      confusion: { tp: 0, fp: 0, tn: 1, fn: 0 },
    });
    expect(a.judgedGroups).toEqual(["F", "M"]);
    expect(a.tooSmallGroups).toEqual([MISSING_GROUP]);
    // Over F and M only (the missing group's selection rate 0 would otherwise make the ratio 0):
    // selection 1/4 vs 3/5 → difference 7/20, ratio 5/12; TPR 1/3 vs 1 → 2/3; FPR 0 vs 1/3 → 1/3.
    expect(a.demographicParityDifference).toBeCloseTo(7 / 20, 15);
    expect(a.demographicParityRatio).toBeCloseTo(5 / 12, 15);
    expect(a.equalOpportunityDifference).toBeCloseTo(2 / 3, 15);
    expect(a.equalizedOddsDifference).toBeCloseTo(2 / 3, 15);
    expect(JSON.stringify(a)).not.toContain("NaN");
  });

  it("judges nothing when fewer than two groups are large enough", () => {
    const a = fixture(5).attributes.sex!;
    expect(a.judgedGroups).toEqual(["M"]);
    expect(a.tooSmallGroups).toEqual(["F", MISSING_GROUP]);
    expect(a.demographicParityDifference).toBeNull();
    expect(a.demographicParityRatio).toBeNull();
    expect(a.equalizedOddsDifference).toBeNull();
    expect(a.equalOpportunityDifference).toBeNull();
  });

  it("gives parity ratio 1 when no group selects anyone", () => {
    const acc = new FairnessAccumulator(["g"]);
    acc.add({ labels: [1, 0, 1, 0], predictedPositive: [0, 0, 0, 0], groups: { g: ["x", "x", "y", "y"] } });
    const a = acc.result(1).attributes.g!;
    expect(a.demographicParityRatio).toBe(1);
    expect(a.demographicParityDifference).toBe(0);
    expect(a.groups.x!.precision).toBeNull();
  });

  it("refuses labels other than 0, 1 and NaN without counting any of the batch", () => {
    const acc = new FairnessAccumulator(["g"]);
    expect(() => acc.add({ labels: [1, 2], predictedPositive: [1, 1], groups: { g: ["x", "x"] } })).toThrow(/0, 1 or NaN/);
    expect(acc.result(1).rows).toBe(0);
    expect(() => acc.add({ labels: [1], predictedPositive: [1], groups: {} })).toThrow(/'g'/);
  });
});

describe("FairnessAccumulator properties", () => {
  const row = fc.record({
    label: fc.constantFrom(0, 1, 1, 0, NaN),
    pred: fc.constantFrom(0, 1),
    a: fc.constantFrom("p", "q", "r", null),
    b: fc.constantFrom("u", "v"),
  });
  type Row = { label: number; pred: number; a: string | null; b: string };

  function run(rows: Row[], cuts: number[], minGroupSize: number): FairnessMetrics {
    const acc = new FairnessAccumulator(["a", "b"]);
    const points = [...new Set([0, ...cuts.map((c) => c % (rows.length + 1)), rows.length])].sort((x, y) => x - y);
    for (let i = 1; i < points.length; i++) {
      const part = rows.slice(points[i - 1], points[i]);
      acc.add({
        labels: Float64Array.from(part, (r) => r.label),
        predictedPositive: Uint8Array.from(part, (r) => r.pred),
        groups: { a: part.map((r) => r.a), b: part.map((r) => r.b) },
      });
    }
    return acc.result(minGroupSize);
  }

  it("does not depend on row order or batch boundaries", () => {
    fc.assert(
      fc.property(
        fc.array(row, { maxLength: 60 }).chain((rows) =>
          fc.tuple(fc.constant(rows), fc.shuffledSubarray(rows, { minLength: rows.length, maxLength: rows.length })),
        ),
        fc.array(fc.nat(), { maxLength: 6 }),
        fc.integer({ min: 1, max: 8 }),
        ([rows, shuffled], cuts, minGroupSize) => {
          expect(run(shuffled, cuts, minGroupSize)).toEqual(run(rows, [], minGroupSize));
        },
      ),
      { numRuns: 300 },
    );
  });

  it("keeps rates in [0,1], sizes summing to the rows, and the disparities consistent with the groups", () => {
    fc.assert(
      fc.property(fc.array(row, { maxLength: 80 }), fc.array(fc.nat(), { maxLength: 4 }), fc.integer({ min: 1, max: 10 }), (rows, cuts, minGroupSize) => {
        const r = run(rows, cuts, minGroupSize);
        expect(r.rows + r.rowsWithoutLabel).toBe(rows.length);
        for (const a of Object.values(r.attributes)) {
          const groups = Object.entries(a.groups);
          expect(groups.reduce((n, [, g]) => n + g.n, 0)).toBe(r.rows);
          for (const [, g] of groups) {
            for (const v of [g.baseRate, g.selectionRate, g.truePositiveRate, g.falsePositiveRate, g.falseNegativeRate, g.precision, g.accuracy])
              if (v !== null) expect(v >= 0 && v <= 1).toBe(true);
            if (g.truePositiveRate !== null) expect(g.truePositiveRate + g.falseNegativeRate!).toBeCloseTo(1, 12);
            expect(g.tooSmall).toBe(g.n < minGroupSize);
          }
          const judged = groups.filter(([, g]) => !g.tooSmall).map(([, g]) => g);
          if (judged.length < 2) {
            expect(a.demographicParityRatio).toBeNull();
            continue;
          }
          const sel = judged.map((g) => g.selectionRate);
          const max = Math.max(...sel);
          const min = Math.min(...sel);
          expect(a.demographicParityDifference).toBe(max - min);
          expect(a.demographicParityRatio).toBe(max === 0 ? 1 : min / max);
          const range = (vs: (number | null)[]) => {
            const d = vs.filter((v): v is number => v !== null);
            return d.length < 2 ? null : Math.max(...d) - Math.min(...d);
          };
          const tpr = range(judged.map((g) => g.truePositiveRate));
          const fpr = range(judged.map((g) => g.falsePositiveRate));
          expect(a.equalOpportunityDifference).toBe(tpr);
          expect(a.equalizedOddsDifference).toBe(tpr === null && fpr === null ? null : Math.max(tpr ?? -Infinity, fpr ?? -Infinity));
        }
        expect(JSON.stringify(r)).not.toMatch(/NaN|Infinity/);
      }),
      { numRuns: 300 },
    );
  });
});
