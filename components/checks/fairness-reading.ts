// How each per-group fairness rate is read: which direction is worse, which group is the reference,
// where the policy's gate puts the line and which groups are on the wrong side of it. Pure, so the
// chart, the table and the tests agree. Only judged groups (at least the minimum group size) count.
//
// The gate lines are exact: a spread max − min ≤ t holds iff every value is ≥ max − t, iff every
// value is ≤ min + t; a ratio min / max ≥ r holds iff every value is ≥ r × max. So the line is drawn
// on the side that is worse for the metric, and a group beyond it is a group that fails the gate.
import { fmtRate } from "@/lib/format/numbers";

export type RateKey = "selectionRate" | "truePositiveRate" | "falsePositiveRate" | "falseNegativeRate" | "precision" | "accuracy";
/** `either`: no direction is better in itself; the gap between groups is what matters. */
export type Worse = "lower" | "higher" | "either";

export const rateMetrics: { key: RateKey; label: string; short: string; worse: Worse; gate: "dp" | "eod" | null }[] = [
  { key: "selectionRate", label: "Selection rate", short: "Selection rate", worse: "either", gate: "dp" },
  { key: "truePositiveRate", label: "True positive rate (TPR)", short: "TPR", worse: "lower", gate: "eod" },
  { key: "falsePositiveRate", label: "False positive rate (FPR)", short: "FPR", worse: "higher", gate: "eod" },
  // FNR = 1 − TPR, so its spread is the TPR spread the equalized-odds gate already bounds.
  { key: "falseNegativeRate", label: "False negative rate (FNR)", short: "FNR", worse: "higher", gate: "eod" },
  { key: "precision", label: "Precision", short: "Precision", worse: "lower", gate: null },
  { key: "accuracy", label: "Accuracy", short: "Accuracy", worse: "lower", gate: null },
];

export const worseText: Record<Worse, string> = {
  lower: "lower is worse",
  higher: "higher is worse",
  either: "no better direction: the gap between groups matters",
};

export type Thresholds = { minDemographicParityRatio?: number; maxEqualizedOddsDifference?: number };

export type Reading = {
  /** The value each group is compared with: the best group's, or for selection rate the highest. */
  reference: number | null;
  /** Where the gate line sits and which side fails, or null when no gate applies. */
  gate: { at: number; fails: "below" | "above"; text: string } | null;
  /** Per judged group with a value: how it compares, in words, and whether it is on the failing side. */
  groups: Map<string, { worse: boolean; text: string }>;
};

const EPS = 1e-12;

export function readRate(values: [name: string, value: number | null | undefined, judged: boolean][], metric: (typeof rateMetrics)[number], t: Thresholds): Reading {
  const judged = values.filter((v): v is [string, number, true] => v[2] && typeof v[1] === "number" && Number.isFinite(v[1]));
  const nums = judged.map(([, v]) => v);
  const groups = new Map<string, { worse: boolean; text: string }>();
  if (!nums.length) return { reference: null, gate: null, groups };
  const max = Math.max(...nums);
  const min = Math.min(...nums);
  const reference = metric.worse === "higher" ? min : max;

  let gate: Reading["gate"] = null;
  if (nums.length >= 2 && metric.gate === "dp" && t.minDemographicParityRatio !== undefined) {
    const at = max * t.minDemographicParityRatio;
    gate = { at, fails: "below", text: `Gate: every group ≥ ${fmtRate(t.minDemographicParityRatio)} × the highest (${fmtRate(max)}) = ${fmtRate(at)}` };
  } else if (nums.length >= 2 && metric.gate === "eod" && t.maxEqualizedOddsDifference !== undefined) {
    const d = t.maxEqualizedOddsDifference;
    gate =
      metric.worse === "higher"
        ? { at: Math.min(1, min + d), fails: "above", text: `Gate: within ${fmtRate(d)} of the best group (${fmtRate(min)}), so ≤ ${fmtRate(Math.min(1, min + d))}` }
        : { at: Math.max(0, max - d), fails: "below", text: `Gate: within ${fmtRate(d)} of the best group (${fmtRate(max)}), so ≥ ${fmtRate(Math.max(0, max - d))}` };
  }

  for (const [name, v] of judged) {
    const worse = gate !== null && (gate.fails === "below" ? v < gate.at - EPS : v > gate.at + EPS);
    let text: string;
    if (metric.worse === "either") {
      text = v >= max - EPS ? "highest (the reference)" : `${fmtRate(max > 0 ? v / max : 0)} × the highest, ${fmtRate(max - v)} lower`;
      if (worse) text += " (outside the gate)";
    } else {
      const gap = Math.abs(v - reference);
      text = gap <= EPS ? "best group" : `${fmtRate(gap)} ${metric.worse} than the best group`;
      if (worse) text += " (worse)";
    }
    groups.set(name, { worse, text });
  }
  return { reference, gate, groups };
}
