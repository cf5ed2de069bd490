// The checks page renders whatever metrics a checker stored, including shapes from checker versions
// newer or older than this UI. These render the detail views to HTML and check that they never throw
// and fall back to a readable view.
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import type { CheckRunView } from "@/lib/checks/list-check-runs";
import { fmtDuration, fmtMs, fmtRate } from "@/lib/format/numbers";
import { AdversarialDetails } from "./adversarial-details";
import { CheckSection } from "./check-section";
import { FairnessDetails } from "./fairness-chart";
import { SecurityDetails } from "./security-details";
import { ValidationDetails } from "./validation-details";

const group = (n: number, rate: number | null, tooSmall = false) => ({
  n,
  positives: 1,
  predictedPositives: 1,
  baseRate: 0.5,
  selectionRate: rate,
  truePositiveRate: rate,
  falsePositiveRate: null,
  falseNegativeRate: rate === null ? null : 1 - rate,
  precision: 1,
  accuracy: 0.75,
  tooSmall,
  confusion: { tp: 1, fp: 0, tn: 1, fn: 0 },
});

const fairnessMetrics = {
  rows: 2006,
  rowsWithoutLabel: 0,
  evaluation: { path: "eval.csv", format: "csv", label: "label", sensitive: ["sex"] },
  attributes: {
    sex: {
      groups: { F: group(1000, 0.4), M: group(1000, 0.6), X: group(6, 0.5, true) },
      judgedGroups: ["F", "M"],
      tooSmallGroups: ["X"],
      demographicParityDifference: 0.2,
      demographicParityRatio: 0.6666,
      equalizedOddsDifference: 0.2,
      equalOpportunityDifference: 0.2,
      spreads: {},
    },
  },
};

const html = (element: Parameters<typeof renderToStaticMarkup>[0]) => renderToStaticMarkup(element);

describe("FairnessDetails", () => {
  it("charts and tabulates each attribute, rates to 3 decimals, undefined rates as —, small groups marked", () => {
    const out = html(createElement(FairnessDetails, { metrics: fairnessMetrics, thresholds: { minDemographicParityRatio: 0.8, maxEqualizedOddsDifference: 0.1, minGroupSize: 30 } }));
    expect(out).toContain("Per-group fairness metrics for sex");
    expect(out).toContain("0.667"); // DP ratio
    expect(out).toContain("0.400");
    expect(out).toContain("—"); // FPR null
    expect(out).toContain("too small");
    expect(out).toContain("Fail"); // 0.667 < 0.8
    // The DP gate line sits at 0.8 × the highest selection rate.
    expect(out).toContain("= 0.480");
  });

  it("shows an attribute it cannot chart as JSON instead of throwing", () => {
    const out = html(createElement(FairnessDetails, { metrics: { attributes: { sex: { groups: "nope" } }, extra: { a: 1 } }, thresholds: {} }));
    expect(out).toContain("Attributes in an unrecognised shape");
    expect(out).toContain("extra");
  });
});

describe("detail views with unexpected metrics", () => {
  const junk = [null, {}, { flipRate: "high", latency: 5, imports: "os", attributes: [] }, { nested: { deep: [1, { x: 2 }] }, list: [1, 2, 3] }];
  for (const metrics of junk) {
    it(`render ${JSON.stringify(metrics)}`, () => {
      expect(() => html(createElement(AdversarialDetails, { metrics }))).not.toThrow();
      expect(() => html(createElement(SecurityDetails, { metrics }))).not.toThrow();
      expect(() => html(createElement(ValidationDetails, { metrics, findings: [] }))).not.toThrow();
      expect(() => html(createElement(FairnessDetails, { metrics, thresholds: {} }))).not.toThrow();
    });
  }

  it("validation pulls failing test vector cases into an expected-vs-actual table", () => {
    const out = html(
      createElement(ValidationDetails, {
        metrics: { irVersion: 8, testVectors: { cases: 3, passed: 2, failed: 1, maxAbsError: 0.5, atol: 1e-5, rtol: 1e-4 }, latency: { batch1: { p50Ms: 0.04, p95Ms: 0.2, runs: 50 } } },
        findings: [
          { severity: "error", code: "test_vector_mismatch", message: "case 2", details: { case: 2, output: "probabilities", expected: [0.1, 0.9], actual: [0.6, 0.4], absError: 0.5 } },
        ],
      }),
    );
    expect(out).toContain("Failing test vector cases");
    expect(out).toContain("[0.1, 0.9]");
    expect(out).toContain("[0.6, 0.4]");
    expect(out).toContain("40 µs");
  });
});

describe("CheckSection", () => {
  const run: CheckRunView = {
    id: "r1",
    kind: "security",
    status: "running",
    verdict: null,
    summary: null,
    checkerVersion: "1.0.0",
    inputsDigest: "a".repeat(64),
    seed: 7,
    thresholds: { maxArtifactBytes: 10, pickleAllowList: ["numpy"] },
    trigger: "rerun",
    attempts: 1,
    progress: 0.42,
    progressMessage: "looking at eval.csv",
    queuedAt: new Date().toISOString(),
    startedAt: new Date().toISOString(),
    finishedAt: null,
    durationMs: null,
    metrics: null,
    findings: [],
    log: null,
  };

  it("shows a running check's progress bar with its message", () => {
    const out = html(createElement(CheckSection, { kind: "security", run, log: undefined }));
    expect(out).toContain('role="progressbar"');
    expect(out).toContain('aria-valuenow="42"');
    expect(out).toContain("looking at eval.csv");
  });
});

describe("formatting", () => {
  it("formats rates, durations and latencies", () => {
    expect(fmtRate(1)).toBe("1.000");
    expect(fmtRate(null)).toBe("—");
    expect(fmtDuration(1234)).toBe("1.2 s");
    expect(fmtDuration(null)).toBe("—");
    expect(fmtMs(0.000261)).toBe("0.261 µs");
    expect(fmtMs(12.34)).toBe("12.3 ms");
  });
});
