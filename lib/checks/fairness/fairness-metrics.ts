// Group fairness metrics from confusion counts. Counting is streaming (one pass, per batch, integer
// counts per group), and every rate is derived from the final counts, so the result does not depend
// on batch boundaries or row order. Undefined rates are null, never NaN, because results are JSON.

/** Group name used for rows whose sensitive attribute is missing: they are a group, not dropped. */
export const MISSING_GROUP = "(missing)";

export type Confusion = { tp: number; fp: number; tn: number; fn: number };

export type GroupMetrics = {
  n: number;
  /** Rows whose label is the positive class. */
  positives: number;
  /** Rows predicted positive. */
  predictedPositives: number;
  /** positives / n */
  baseRate: number;
  /** predictedPositives / n */
  selectionRate: number;
  /** tp / (tp + fn); null when the group has no positive labels. */
  truePositiveRate: number | null;
  /** fp / (fp + tn); null when the group has no negative labels. */
  falsePositiveRate: number | null;
  /** fn / (tp + fn); null when the group has no positive labels. */
  falseNegativeRate: number | null;
  /** tp / (tp + fp); null when nothing in the group was predicted positive. */
  precision: number | null;
  /** (tp + tn) / n */
  accuracy: number;
  /** n < minGroupSize: reported, but left out of the disparity metrics. */
  tooSmall: boolean;
  confusion: Confusion;
};

export type Extreme = { group: string; value: number };
/** The groups with the lowest and highest value of a rate, among judged groups where it is defined. */
export type Spread = { min: Extreme; max: Extreme; difference: number };

export type AttributeMetrics = {
  /** Every group seen, sorted by name (the missing-value group last). */
  groups: Record<string, GroupMetrics>;
  /** Groups with n >= minGroupSize; the disparity metrics below are computed over these only. */
  judgedGroups: string[];
  tooSmallGroups: string[];
  /** max − min selection rate over judged groups; null with fewer than two judged groups. */
  demographicParityDifference: number | null;
  /** min / max selection rate over judged groups (1 when no group selects anyone); null with fewer than two. */
  demographicParityRatio: number | null;
  /** max(TPR spread, FPR spread) over judged groups; null when neither spread is defined. */
  equalizedOddsDifference: number | null;
  /** TPR spread over judged groups; null with fewer than two judged groups that have positives. */
  equalOpportunityDifference: number | null;
  spreads: { selectionRate: Spread | null; truePositiveRate: Spread | null; falsePositiveRate: Spread | null };
};

export type FairnessMetrics = {
  /** Rows counted (rows with a label). */
  rows: number;
  /** Rows whose label was missing: excluded from every group. */
  rowsWithoutLabel: number;
  minGroupSize: number;
  attributes: Record<string, AttributeMetrics>;
};

/** One batch: parallel arrays of equal length. */
export type FairnessBatch = {
  /** 1 = positive class, 0 = negative, NaN = missing (row excluded and counted). */
  labels: ArrayLike<number>;
  /** 1 when the model predicted the positive class, else 0. */
  predictedPositive: ArrayLike<number>;
  /** Group of each row per sensitive attribute; null = missing. */
  groups: Record<string, ArrayLike<string | null>>;
};

type AttributeCounts = { codes: Map<string | null, number>; names: (string | null)[]; counts: number[] };

export class FairnessAccumulator {
  private readonly perAttribute = new Map<string, AttributeCounts>();
  private rows = 0;
  private rowsWithoutLabel = 0;

  constructor(readonly attributes: readonly string[]) {
    if (new Set(attributes).size !== attributes.length) throw new Error("sensitive attributes must be distinct");
    for (const a of attributes) this.perAttribute.set(a, { codes: new Map(), names: [], counts: [] });
  }

  add(batch: FairnessBatch): void {
    const { labels, predictedPositive } = batch;
    const size = labels.length;
    if (predictedPositive.length !== size) throw new Error(`batch has ${size} labels but ${predictedPositive.length} predictions`);
    // Validated before counting so that a rejected batch leaves the accumulator untouched.
    let withLabel = 0;
    for (let i = 0; i < size; i++) {
      const label = labels[i]!;
      if (label === 0 || label === 1) withLabel++;
      else if (!Number.isNaN(label)) throw new Error(`label values must be 0, 1 or NaN (missing), got ${label}`);
    }
    for (const attribute of this.perAttribute.keys()) {
      const groups = batch.groups[attribute];
      if (!groups) throw new Error(`batch has no values for sensitive attribute '${attribute}'`);
      if (groups.length !== size) throw new Error(`batch has ${size} labels but ${groups.length} values of '${attribute}'`);
    }
    this.rows += withLabel;
    this.rowsWithoutLabel += size - withLabel;
    for (const [attribute, acc] of this.perAttribute) {
      const groups = batch.groups[attribute]!;
      const { codes, names, counts } = acc;
      for (let i = 0; i < size; i++) {
        const label = labels[i]!;
        if (label !== 0 && label !== 1) continue;
        const g = groups[i]!;
        let code = codes.get(g);
        if (code === undefined) {
          code = names.length;
          codes.set(g, code);
          names.push(g);
          counts.push(0, 0, 0, 0);
        }
        // Cell layout per group: [tn, fp, fn, tp] = label * 2 + predicted.
        counts[code * 4 + label * 2 + (predictedPositive[i] ? 1 : 0)]!++;
      }
    }
  }

  result(minGroupSize: number): FairnessMetrics {
    const attributes: Record<string, AttributeMetrics> = {};
    for (const [attribute, acc] of this.perAttribute) {
      // Two sources can spell "missing" differently (null vs the literal group name); merge them.
      const merged = new Map<string, Confusion>();
      acc.names.forEach((raw, code) => {
        const name = raw ?? MISSING_GROUP;
        const c = merged.get(name) ?? { tp: 0, fp: 0, tn: 0, fn: 0 };
        c.tn += acc.counts[code * 4]!;
        c.fp += acc.counts[code * 4 + 1]!;
        c.fn += acc.counts[code * 4 + 2]!;
        c.tp += acc.counts[code * 4 + 3]!;
        merged.set(name, c);
      });
      attributes[attribute] = attributeMetrics(merged, minGroupSize);
    }
    return { rows: this.rows, rowsWithoutLabel: this.rowsWithoutLabel, minGroupSize, attributes };
  }
}

export function groupMetrics(c: Confusion, minGroupSize: number): GroupMetrics {
  const n = c.tp + c.fp + c.tn + c.fn;
  const positives = c.tp + c.fn;
  const negatives = c.fp + c.tn;
  const predictedPositives = c.tp + c.fp;
  return {
    n,
    positives,
    predictedPositives,
    baseRate: positives / n,
    selectionRate: predictedPositives / n,
    truePositiveRate: ratio(c.tp, positives),
    falsePositiveRate: ratio(c.fp, negatives),
    falseNegativeRate: ratio(c.fn, positives),
    precision: ratio(c.tp, predictedPositives),
    accuracy: (c.tp + c.tn) / n,
    tooSmall: n < minGroupSize,
    confusion: { ...c },
  };
}

export function attributeMetrics(confusions: ReadonlyMap<string, Confusion>, minGroupSize: number): AttributeMetrics {
  const names = [...confusions.keys()].sort(compareGroupNames);
  const groups: Record<string, GroupMetrics> = {};
  for (const name of names) groups[name] = groupMetrics(confusions.get(name)!, minGroupSize);
  const judged = names.filter((n) => !groups[n]!.tooSmall);
  const tooSmall = names.filter((n) => groups[n]!.tooSmall);
  const selectionRate = spread(judged, (g) => groups[g]!.selectionRate);
  const truePositiveRate = spread(judged, (g) => groups[g]!.truePositiveRate);
  const falsePositiveRate = spread(judged, (g) => groups[g]!.falsePositiveRate);
  let dpRatio: number | null = null;
  if (selectionRate) dpRatio = selectionRate.max.value === 0 ? 1 : selectionRate.min.value / selectionRate.max.value;
  const eod =
    truePositiveRate || falsePositiveRate
      ? Math.max(truePositiveRate?.difference ?? -Infinity, falsePositiveRate?.difference ?? -Infinity)
      : null;
  return {
    groups,
    judgedGroups: judged,
    tooSmallGroups: tooSmall,
    demographicParityDifference: selectionRate?.difference ?? null,
    demographicParityRatio: dpRatio,
    equalizedOddsDifference: eod,
    equalOpportunityDifference: truePositiveRate?.difference ?? null,
    spreads: { selectionRate, truePositiveRate, falsePositiveRate },
  };
}

function ratio(numerator: number, denominator: number): number | null {
  return denominator === 0 ? null : numerator / denominator;
}

function spread(groups: readonly string[], value: (group: string) => number | null): Spread | null {
  let min: Extreme | null = null;
  let max: Extreme | null = null;
  let defined = 0;
  for (const group of groups) {
    const v = value(group);
    if (v === null) continue;
    defined++;
    if (!min || v < min.value) min = { group, value: v };
    if (!max || v > max.value) max = { group, value: v };
  }
  if (defined < 2 || !min || !max) return null;
  return { min, max, difference: max.value - min.value };
}

function compareGroupNames(a: string, b: string): number {
  if (a === MISSING_GROUP) return b === MISSING_GROUP ? 0 : 1;
  if (b === MISSING_GROUP) return -1;
  return a < b ? -1 : a > b ? 1 : 0;
}
