import { afterAll, describe, expect, it } from "vitest";
import { releaseAllModels } from "../model/load-model.ts";
import { createTestContext, type TestContextOptions } from "../testing/context.ts";
import { buildThresholdClassifier } from "../testing/onnx-builders.ts";
import type { CheckOutcome } from "../types.ts";
import { runFairnessCheck } from "./fairness-check.ts";
import type { AttributeMetrics } from "./fairness-metrics.ts";

afterAll(() => releaseAllModels());

// Predicts positive when score >= 5, so each row's prediction is chosen by its score (7 or 3).
const model = buildThresholdClassifier({ features: ["score"], feature: "score", threshold: 5 });

type Row = { score: number | string; label: number | string; group: string; sex?: string };

/** `count` rows of one group per (label, predicted) cell: [tp, fn, fp, tn]. */
function cells(group: string, [tp, fn, fp, tn]: [number, number, number, number]): Row[] {
  const rows = (n: number, label: number, score: number) => Array.from({ length: n }, () => ({ score, label, group }));
  return [...rows(tp, 1, 7), ...rows(fn, 1, 3), ...rows(fp, 0, 7), ...rows(tn, 0, 3)];
}

const toCsv = (rows: Row[]) => ["score,label,group,sex", ...rows.map((r) => `${r.score},${r.label},${r.group},${r.sex ?? "F"}`)].join("\n") + "\n";
const toJsonl = (rows: Row[]) => rows.map((r) => JSON.stringify({ sex: "F", ...r })).join("\n");

function manifest(overrides: { evaluation?: unknown; artifact?: unknown; outputs?: unknown } = {}) {
  return {
    name: "credit-risk",
    version: "1.0.0",
    artifact: overrides.artifact ?? { path: "model.onnx", format: "onnx" },
    inputSchema: { features: [{ name: "score", type: "float", min: 0, max: 10 }], tensor: "x", ...(overrides.outputs ? { outputs: overrides.outputs } : {}) },
    evaluation: "evaluation" in overrides ? overrides.evaluation : { path: "eval.csv", label: "label", sensitive: ["group"] },
  };
}

async function run(options: Partial<TestContextOptions> & { rows?: Row[]; csv?: string }) {
  const ctx = createTestContext({
    manifest: options.manifest ?? manifest(),
    files: options.files ?? { "model.onnx": model, "eval.csv": options.csv ?? toCsv(options.rows ?? []) },
    thresholds: options.thresholds,
  });
  const outcome = await runFairnessCheck(ctx);
  return { outcome, ctx };
}

const attribute = (o: CheckOutcome, name: string) => (o.metrics.attributes as Record<string, AttributeMetrics>)[name]!;

// 40 rows per group: 20 positives (16 predicted positive) and 20 negatives (2 predicted positive).
const fairRows = [...cells("A", [16, 4, 2, 18]), ...cells("B", [16, 4, 2, 18])];
// Same selection rate in both groups (18/40), so demographic parity holds, but B's errors differ:
// TPR 16/20 = 0.8 vs 8/20 = 0.4 and FPR 2/20 = 0.1 vs 10/20 = 0.5 → equalized odds difference 0.4.
const unequalOddsRows = [...cells("A", [16, 4, 2, 18]), ...cells("B", [8, 12, 10, 10])];

describe("runFairnessCheck", () => {
  it("passes when groups are treated alike, with per-group metrics and progress", async () => {
    const { outcome, ctx } = await run({ rows: fairRows });
    expect(outcome.verdict).toBe("pass");
    expect(outcome.findings).toEqual([]);
    expect(outcome.summary).toContain("group");
    expect(outcome.metrics.rows).toBe(80);
    expect(outcome.metrics.thresholds).toEqual({ minDemographicParityRatio: 0.8, maxEqualizedOddsDifference: 0.1, minGroupSize: 30 });
    const g = attribute(outcome, "group");
    expect(g.groups.A).toMatchObject({ n: 40, selectionRate: 18 / 40, truePositiveRate: 0.8, falsePositiveRate: 0.1, precision: 16 / 18 });
    expect(g.demographicParityRatio).toBe(1);
    expect(g.equalizedOddsDifference).toBe(0);
    expect(ctx.progressReports.length).toBeGreaterThan(0);
    expect(ctx.progressReports.at(-1)!.fraction).toBe(1);
    expect(ctx.progressReports.at(-1)!.message).toContain("80 rows");
    expect(JSON.parse(JSON.stringify(outcome.metrics))).toEqual(outcome.metrics);
  });

  it("fails on equalized odds, naming the attribute, the metric, the value, the threshold and the groups", async () => {
    const { outcome } = await run({ rows: unequalOddsRows });
    expect(outcome.verdict).toBe("fail");
    const g = attribute(outcome, "group");
    expect(g.demographicParityRatio).toBe(1);
    expect(g.equalOpportunityDifference).toBeCloseTo(0.4, 12);
    expect(g.equalizedOddsDifference).toBeCloseTo(0.4, 12);
    expect(outcome.summary).toBe("equalized odds difference 0.4 > 0.1 (group)");
    expect(outcome.findings).toHaveLength(1);
    const f = outcome.findings[0]!;
    expect(f).toMatchObject({ severity: "error", code: "fairness_equalized_odds_difference", details: { attribute: "group", threshold: 0.1 } });
    expect(f.message).toMatch(/^group: equalized odds difference 0\.4 is above 0\.1/);
    expect(f.message).toContain("'A'");
    expect(f.message).toContain("'B'");
  });

  it("fails on demographic parity with the lowest and highest selection rates", async () => {
    // A selects 18/40, B selects 4/40: ratio 0.222.
    const rows = [...cells("A", [16, 4, 2, 18]), ...cells("B", [4, 16, 0, 20])];
    const { outcome } = await run({ rows, thresholds: { fairness: { maxEqualizedOddsDifference: 1 } } });
    expect(outcome.verdict).toBe("fail");
    expect(outcome.findings.map((f) => f.code)).toEqual(["fairness_demographic_parity_ratio"]);
    expect(outcome.findings[0]!.details).toMatchObject({
      value: 4 / 40 / (18 / 40),
      threshold: 0.8,
      lowestGroup: { group: "B", value: 0.1 },
      highestGroup: { group: "A", value: 0.45 },
    });
  });

  it("uses the thresholds it is given", async () => {
    const { outcome } = await run({ rows: unequalOddsRows, thresholds: { fairness: { maxEqualizedOddsDifference: 0.5 } } });
    expect(outcome.verdict).toBe("pass");
    expect(outcome.metrics.thresholds).toMatchObject({ maxEqualizedOddsDifference: 0.5 });
  });

  it("flags a too-small group with a warning, reports it, and does not judge it", async () => {
    // C has 5 rows and would fail every gate if judged (selects everyone).
    const rows = [...fairRows, ...cells("C", [2, 0, 3, 0])];
    const { outcome } = await run({ rows });
    expect(outcome.verdict).toBe("pass");
    const g = attribute(outcome, "group");
    expect(g.groups.C).toMatchObject({ n: 5, tooSmall: true, selectionRate: 1, falsePositiveRate: 1 });
    expect(g.judgedGroups).toEqual(["A", "B"]);
    expect(g.tooSmallGroups).toEqual(["C"]);
    expect(outcome.findings).toEqual([
      expect.objectContaining({ severity: "warning", code: "fairness_group_too_small", details: { attribute: "group", minGroupSize: 30, groups: { C: 5 } } }),
    ]);
    expect(outcome.findings[0]!.message).toContain("'C' 5");
  });

  it("warns when an attribute cannot be judged at all", async () => {
    const { outcome } = await run({ rows: fairRows, thresholds: { fairness: { minGroupSize: 100 } } });
    expect(outcome.verdict).toBe("pass");
    expect(outcome.findings.map((f) => f.code)).toEqual(["fairness_group_too_small", "fairness_attribute_not_judged"]);
    expect(outcome.summary).toMatch(/nothing could be judged/);
  });

  it("counts rows without a label and a missing sensitive value as its own group", async () => {
    const rows: Row[] = [...fairRows, { score: 7, label: "", group: "A" }, { score: 7, label: 1, group: "NA" }];
    const { outcome } = await run({ rows });
    expect(outcome.metrics).toMatchObject({ rows: 81, rowsWithoutLabel: 1 });
    expect(attribute(outcome, "group").groups["(missing)"]).toMatchObject({ n: 1, tooSmall: true });
    expect(outcome.findings.map((f) => f.code)).toEqual(["fairness_group_too_small", "fairness_rows_without_label"]);
  });

  it("groups by the values of a sensitive attribute that is also a numeric feature", async () => {
    const { outcome } = await run({ rows: fairRows, manifest: manifest({ evaluation: { path: "eval.csv", label: "label", sensitive: ["score"] } }) });
    const score = attribute(outcome, "score");
    expect(Object.keys(score.groups)).toEqual(["3", "7"]);
    expect(score.groups["7"]).toMatchObject({ n: 36, selectionRate: 1 });
    expect(outcome.verdict).toBe("fail");
  });

  it("reads a JSON lines evaluation set with the same results as CSV", async () => {
    const csv = await run({ rows: unequalOddsRows });
    const { outcome } = await run({
      manifest: manifest({ evaluation: { path: "eval.jsonl", label: "label", sensitive: ["group", "sex"] } }),
      files: { "model.onnx": model, "eval.jsonl": toJsonl(unequalOddsRows) },
    });
    expect(outcome.verdict).toBe("fail");
    expect(attribute(outcome, "group")).toEqual(attribute(csv.outcome, "group"));
    expect(outcome.metrics.evaluation).toMatchObject({ format: "jsonl", sensitive: ["group", "sex"] });
    expect(attribute(outcome, "sex").groups.F!.n).toBe(80);
  });

  it("compares labels with the declared positive class (one-vs-rest for other values)", async () => {
    // Positive class 1 and negatives written as 2: 2 is "not the positive class", not an error.
    const rows = fairRows.map((r) => ({ ...r, label: r.label === 1 ? 1 : 2 }));
    const { outcome } = await run({ rows, manifest: manifest({ outputs: { positiveClass: 1 } }) });
    expect(outcome.verdict).toBe("pass");
    expect(attribute(outcome, "group").groups.B).toMatchObject({ positives: 20, truePositiveRate: 0.8, falsePositiveRate: 0.1 });
  });

  it("reads labels as text when the positive class is text", async () => {
    // The model emits 1/0 and the runner compares it with Number("1"); the data side compares text.
    const rows = fairRows.map((r) => ({ ...r, label: r.label === 1 ? "1" : "no" }));
    const { outcome } = await run({ rows, manifest: manifest({ outputs: { positiveClass: "1" } }) });
    expect(outcome.verdict).toBe("pass");
    expect(attribute(outcome, "group").groups.B).toMatchObject({ positives: 20, truePositiveRate: 0.8, falsePositiveRate: 0.1 });
  });

  it("errors with a hint when labels are text and no positive class is declared", async () => {
    const rows = fairRows.map((r) => ({ ...r, label: r.label === 1 ? "yes" : "no" }));
    const { outcome } = await run({ rows });
    expect(outcome.verdict).toBe("error");
    expect(outcome.summary).toContain("column 'label': 'yes' is not a number");
    expect(outcome.summary).toContain("positiveClass");
  });

  it("errors, naming the column, when the label column is missing", async () => {
    const { outcome } = await run({ csv: "score,group\n7,A\n" });
    expect(outcome.verdict).toBe("error");
    expect(outcome.summary).toContain("'eval.csv'");
    expect(outcome.summary).toContain("no column 'label'");
    expect(outcome.summary).toContain("its columns are 'score', 'group'");
    expect(outcome.findings[0]).toMatchObject({ severity: "error", code: "fairness_error" });
  });

  it("errors on unreadable data with the line number", async () => {
    const { outcome } = await run({ csv: toCsv(fairRows) + "seven,1,A,F\n" });
    expect(outcome.verdict).toBe("error");
    expect(outcome.summary).toContain("line 82, column 'score': 'seven' is not a number");
  });

  it("errors when the declared evaluation file is not in the version, or is empty", async () => {
    const missing = await run({ files: { "model.onnx": model } });
    expect(missing.outcome.verdict).toBe("error");
    expect(missing.outcome.summary).toContain("'eval.csv' is declared but not in this version's files");
    const empty = await run({ csv: "score,label,group,sex\n" });
    expect(empty.outcome.verdict).toBe("error");
    expect(empty.outcome.summary).toContain("no data rows");
  });

  it("is not applicable without an evaluation set, saying what to declare", async () => {
    const { outcome } = await run({ manifest: manifest({ evaluation: undefined }), files: { "model.onnx": model } });
    expect(outcome.verdict).toBe("not_applicable");
    expect(outcome.summary).toContain('"evaluation"');
    expect(outcome.summary).toContain("sensitive");
  });

  it("is not applicable for artifacts the registry never executes", async () => {
    const { outcome } = await run({
      manifest: manifest({ artifact: { path: "model.pkl", format: "pickle" } }),
      files: { "model.pkl": "not executed", "eval.csv": toCsv(fairRows) },
    });
    expect(outcome.verdict).toBe("not_applicable");
    expect(outcome.summary).toContain("pickle");
  });
});
