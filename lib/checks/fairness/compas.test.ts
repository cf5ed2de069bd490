// The fairness check on real data: ProPublica's COMPAS two-year recidivism set, with the model
// "high risk when decile_score >= 5". Expected figures come from a separate, deliberately naive
// computation here (csv-parse, plain counting), never from fairness-metrics.
import { readFileSync } from "node:fs";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { releaseAllModels } from "../model/load-model.ts";
import { createTestContext } from "../testing/context.ts";
import { buildThresholdClassifier } from "../testing/onnx-builders.ts";
import type { CheckOutcome } from "../types.ts";
import { sharedDatasetPath } from "../../testing/datasets.ts";
import { runFairnessCheck } from "./fairness-check.ts";
import type { AttributeMetrics } from "./fairness-metrics.ts";

const compasPath = sharedDatasetPath("compas-scores-two-years.csv");

type Counts = { tp: number; fp: number; tn: number; fn: number };

/** Counts per group of `attribute`, straight from the parsed records. */
function independentCounts(records: string[][], attribute: string): Map<string, Counts> {
  const header = records[0]!;
  // The file repeats some headers (decile_score appears twice, with equal values); take the first.
  const col = (name: string) => header.indexOf(name);
  const [score, label, group] = [col("decile_score"), col("two_year_recid"), col(attribute)];
  const out = new Map<string, Counts>();
  for (const r of records.slice(1)) {
    const predicted = Number(r[score]) >= 5;
    const actual = r[label] === "1";
    const c = out.get(r[group]!) ?? { tp: 0, fp: 0, tn: 0, fn: 0 };
    if (actual && predicted) c.tp++;
    else if (actual) c.fn++;
    else if (predicted) c.fp++;
    else c.tn++;
    out.set(r[group]!, c);
  }
  return out;
}

describe("fairness on COMPAS (decile_score >= 5 as high risk)", () => {
  let records: string[][];
  let outcome: CheckOutcome;
  const attribute = (name: string) => (outcome.metrics.attributes as Record<string, AttributeMetrics>)[name]!;

  beforeAll(async () => {
    const bytes = readFileSync(compasPath);
    records = parse(bytes, { relax_column_count: false }) as string[][];
    const ctx = createTestContext({
      manifest: {
        name: "compas-decile",
        version: "1.0.0",
        artifact: { path: "model.onnx", format: "onnx" },
        inputSchema: { features: [{ name: "decile_score", type: "float", min: 1, max: 10 }], tensor: "x" },
        evaluation: { path: "compas.csv", label: "two_year_recid", sensitive: ["race", "sex"] },
      },
      files: {
        "model.onnx": buildThresholdClassifier({ features: ["decile_score"], feature: "decile_score", threshold: 5 }),
        "compas.csv": bytes,
      },
    });
    outcome = await runFairnessCheck(ctx);
  });

  afterAll(() => releaseAllModels());

  it("reads every defendant", () => {
    expect(records.length - 1).toBe(7214);
    expect(outcome.metrics.rows).toBe(7214);
    expect(outcome.metrics.rowsWithoutLabel).toBe(0);
  });

  for (const name of ["race", "sex"]) {
    it(`matches the independent per-group figures for ${name}`, () => {
      const expected = independentCounts(records, name);
      const a = attribute(name);
      expect(Object.keys(a.groups).sort()).toEqual([...expected.keys()].sort());
      for (const [group, c] of expected) {
        const n = c.tp + c.fp + c.tn + c.fn;
        const g = a.groups[group]!;
        expect(g.confusion).toEqual(c);
        expect(g.n).toBe(n);
        expect(g.tooSmall).toBe(n < 30);
        const close = (actual: number | null, value: number) => expect(Math.abs(actual! - value)).toBeLessThan(1e-12);
        close(g.baseRate, (c.tp + c.fn) / n);
        close(g.selectionRate, (c.tp + c.fp) / n);
        close(g.truePositiveRate, c.tp / (c.tp + c.fn));
        close(g.falsePositiveRate, c.fp / (c.fp + c.tn));
        close(g.falseNegativeRate, c.fn / (c.tp + c.fn));
        close(g.precision, c.tp / (c.tp + c.fp));
        close(g.accuracy, (c.tp + c.tn) / n);
      }
      // Disparities over groups of at least 30 rows.
      const judged = [...expected].filter(([, c]) => c.tp + c.fp + c.tn + c.fn >= 30).map(([, c]) => c);
      const sel = judged.map((c) => (c.tp + c.fp) / (c.tp + c.fp + c.tn + c.fn));
      const tpr = judged.map((c) => c.tp / (c.tp + c.fn));
      const fpr = judged.map((c) => c.fp / (c.fp + c.tn));
      const range = (v: number[]) => Math.max(...v) - Math.min(...v);
      expect(Math.abs(a.demographicParityDifference! - range(sel))).toBeLessThan(1e-12);
      expect(Math.abs(a.demographicParityRatio! - Math.min(...sel) / Math.max(...sel))).toBeLessThan(1e-12);
      expect(Math.abs(a.equalOpportunityDifference! - range(tpr))).toBeLessThan(1e-12);
      expect(Math.abs(a.equalizedOddsDifference! - Math.max(range(tpr), range(fpr)))).toBeLessThan(1e-12);
    });
  }

  it("reproduces ProPublica's headline: Black defendants are flagged wrongly about twice as often", () => {
    // Checked against the file itself: African-American FPR 805/1795 = 0.4485, FNR 0.2799;
    // Caucasian FPR 349/1488 = 0.2345, FNR 0.4772.
    const race = attribute("race").groups;
    expect(race["African-American"]!.falsePositiveRate).toBeCloseTo(0.4485, 4);
    expect(race.Caucasian!.falsePositiveRate).toBeCloseTo(0.2345, 4);
    expect(race["African-American"]!.falseNegativeRate).toBeCloseTo(0.2799, 4);
    expect(race.Caucasian!.falseNegativeRate).toBeCloseTo(0.4772, 4);
    expect(race["African-American"]!.n).toBe(3696);
    expect(race.Caucasian!.n).toBe(2454);
  });

  it("flags the small groups instead of dropping them", () => {
    const race = attribute("race");
    expect(race.tooSmallGroups).toEqual(["Native American"]);
    expect(race.groups["Native American"]).toMatchObject({ n: 18, tooSmall: true });
    expect(race.judgedGroups).toContain("Asian");
    expect(outcome.findings).toContainEqual(expect.objectContaining({ severity: "warning", code: "fairness_group_too_small", details: expect.objectContaining({ attribute: "race" }) }));
  });

  it("fails the default gates on race (equalized odds and parity) but not on sex", () => {
    expect(outcome.verdict).toBe("fail");
    const errors = outcome.findings.filter((f) => f.severity === "error");
    const eod = errors.find((f) => f.code === "fairness_equalized_odds_difference");
    expect(eod?.details).toMatchObject({ attribute: "race", metric: "equalizedOddsDifference", threshold: 0.1 });
    expect(eod?.message).toMatch(/^race: equalized odds difference 0\.\d+ is above 0\.1/);
    expect(errors.some((f) => f.code === "fairness_demographic_parity_ratio" && f.details?.attribute === "race")).toBe(true);
    expect(errors.some((f) => f.details?.attribute === "sex")).toBe(false);
    expect(outcome.summary).toContain("equalized odds difference");
    expect(outcome.summary).toContain("(race)");
    expect(attribute("sex").equalizedOddsDifference!).toBeLessThan(0.1);
  });
});
