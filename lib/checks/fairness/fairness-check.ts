// The fairness check: runs the model over the declared evaluation set, batch by batch, and compares
// per-group rates across each sensitive attribute against the stage policy's gates (docs/checks.md).
// The data is streamed and only confusion counts are kept, so the set may be any size.
import type { Readable } from "node:stream";
import type { Manifest } from "../../registry/envelope.ts";
import {
  delimiterFor,
  EvaluationDataError,
  inferEvaluationFormat,
  parseNumberText,
  readEvaluationBatches,
  type EvaluationColumn,
} from "../data/read-evaluation.ts";
import type { Thresholds } from "../../policy/thresholds.ts";
import type { CheckFunction, CheckOutcome, Column, Finding, RowBatch } from "../types.ts";
import { FairnessAccumulator, type AttributeMetrics, type FairnessMetrics, type Spread } from "./fairness-metrics.ts";

type Evaluation = NonNullable<Manifest["evaluation"]>;
type InputSchema = NonNullable<Manifest["inputSchema"]>;

export const runFairnessCheck: CheckFunction = async (ctx) => {
  const { manifest } = ctx;
  if (manifest.artifact.format !== "onnx")
    return notApplicable(`the artifact is ${manifest.artifact.format}, and the registry only executes ONNX models`);
  const evaluation = manifest.evaluation;
  if (!evaluation)
    return notApplicable(
      'no evaluation set declared: add "evaluation": { "path", "label", "sensitive": [...] } to the manifest and upload the file to run fairness',
    );
  const thresholds = ctx.thresholds.fairness;
  if (!manifest.inputSchema) return errorOutcome("the manifest declares an evaluation set but no inputSchema to map its columns to model inputs");
  const format = inferEvaluationFormat(evaluation.path, evaluation.format);
  if (!format)
    return errorOutcome(`cannot tell the format of '${evaluation.path}': name it .csv or .jsonl, or declare evaluation.format`);
  const file = ctx.files.list.get(evaluation.path);
  if (!file) return errorOutcome(`the evaluation set '${evaluation.path}' is declared but not in this version's files`);

  const plan = columnPlan(manifest.inputSchema, evaluation);
  const accumulator = new FairnessAccumulator(evaluation.sensitive);
  const started = performance.now();
  let rowsRead = 0;
  let bytesRead = 0;
  try {
    const model = await ctx.loadModel();
    const stream = await ctx.files.open(evaluation.path);
    const batches = readEvaluationBatches({
      source: countBytes(stream, (n) => (bytesRead += n)),
      format,
      columns: plan.columns,
      signal: ctx.signal,
      delimiter: format === "csv" ? delimiterFor(evaluation.path) : undefined,
    });
    for await (const batch of batches) {
      if (ctx.signal.aborted) throw ctx.signal.reason;
      const predictions = await model.predict(batch);
      if (predictions.predictedPositive.length !== batch.size)
        throw new Error(`the model returned ${predictions.predictedPositive.length} predictions for ${batch.size} rows`);
      accumulator.add({
        labels: labelValues(batch, evaluation.label, manifest.inputSchema.outputs?.positiveClass, rowsRead),
        predictedPositive: predictions.predictedPositive,
        groups: Object.fromEntries(evaluation.sensitive.map((s) => [s, groupValues(batch.columns.get(s)!)])),
      });
      rowsRead += batch.size;
      const fraction = file.size > 0 ? Math.min(bytesRead / file.size, 1) : 1;
      ctx.progress(fraction, `${rowsRead.toLocaleString("en-US")} rows evaluated`);
    }
  } catch (err) {
    if (ctx.signal.aborted) throw err;
    return errorOutcome(describeError(err, evaluation, format));
  }
  ctx.log(`fairness: ${rowsRead} rows of '${evaluation.path}' (${format}) in ${Math.round(performance.now() - started)} ms`);
  if (rowsRead === 0) return errorOutcome(`the evaluation set '${evaluation.path}' has no data rows`);

  const result = accumulator.result(thresholds.minGroupSize);
  if (result.rows === 0)
    return errorOutcome(`every row of '${evaluation.path}' is missing its label '${evaluation.label}', so nothing can be judged`);
  return judge(result, thresholds, evaluation, format);
};

// ---------------------------------------------------------------------------------------------------
// Columns.

type ColumnPlan = { columns: EvaluationColumn[] };

/**
 * Features keep the kind the model needs; the label and sensitive attributes are read as whatever
 * kind they already have when they double as features (one column, one kind), else label as number
 * unless the positive class is text, and sensitive attributes as text.
 */
function columnPlan(schema: InputSchema, evaluation: Evaluation): ColumnPlan {
  const kinds = new Map<string, EvaluationColumn["kind"]>();
  for (const f of schema.features) kinds.set(f.name, f.type === "category" ? "text" : "number");
  const positiveClass = schema.outputs?.positiveClass;
  if (!kinds.has(evaluation.label)) kinds.set(evaluation.label, typeof positiveClass === "string" ? "text" : "number");
  for (const s of evaluation.sensitive) if (!kinds.has(s)) kinds.set(s, "text");
  return { columns: [...kinds].map(([name, kind]) => ({ name, kind })) };
}

/** 1 = positive class, 0 = other, NaN = missing. Without a declared positive class, labels must be 0/1. */
function labelValues(batch: RowBatch, label: string, positiveClass: string | number | undefined, rowsBefore: number): Float64Array {
  const column = batch.columns.get(label)!;
  const out = new Float64Array(batch.size);
  const where = (i: number) => `data row ${rowsBefore + i + 1}: label '${label}'`;
  // A numeric column compared with a text positive class ("1"), e.g. when the label is also a feature.
  const positiveNumber = typeof positiveClass === "string" ? parseNumberText(positiveClass) : positiveClass;
  for (let i = 0; i < batch.size; i++) {
    if (column.kind === "text" && typeof positiveClass === "string") {
      const text = column.values[i]!;
      out[i] = text === null ? NaN : text === positiveClass ? 1 : 0;
      continue;
    }
    let value: number;
    if (column.kind === "number") value = column.values[i]!;
    else {
      const text = column.values[i]!;
      const parsed = text === null ? NaN : parseNumberText(text);
      if (parsed === undefined)
        throw new LabelError(
          positiveClass === undefined
            ? `${where(i)} is '${text}', not 0 or 1; declare inputSchema.outputs.positiveClass for other label values`
            : `${where(i)} is '${text}', but the positive class ${positiveClass} is a number`,
        );
      value = parsed;
    }
    if (Number.isNaN(value)) out[i] = NaN;
    else if (positiveClass === undefined) {
      if (value !== 0 && value !== 1)
        throw new LabelError(`${where(i)} is ${value}, not 0 or 1; declare inputSchema.outputs.positiveClass for other label values`);
      out[i] = value;
    } else out[i] = value === positiveNumber ? 1 : 0;
  }
  return out;
}

class LabelError extends Error {}

function groupValues(column: Column): (string | null)[] {
  if (column.kind === "text") return column.values;
  return Array.from(column.values, (v) => (Number.isNaN(v) ? null : String(v)));
}

async function* countBytes(stream: Readable, onBytes: (n: number) => void): AsyncGenerator<Uint8Array | string> {
  for await (const chunk of stream as AsyncIterable<Uint8Array | string>) {
    onBytes(typeof chunk === "string" ? Buffer.byteLength(chunk) : chunk.byteLength);
    yield chunk;
  }
}

// ---------------------------------------------------------------------------------------------------
// Verdict.

function judge(result: FairnessMetrics, thresholds: Thresholds["fairness"], evaluation: Evaluation, format: string): CheckOutcome {
  const findings: Finding[] = [];
  const failures: string[] = [];
  const unjudged: string[] = [];
  for (const [attribute, a] of Object.entries(result.attributes)) {
    if (a.demographicParityRatio !== null && a.demographicParityRatio < thresholds.minDemographicParityRatio) {
      const s = a.spreads.selectionRate!;
      failures.push(`demographic parity ratio ${fmt(a.demographicParityRatio)} < ${fmt(thresholds.minDemographicParityRatio)} (${attribute})`);
      findings.push({
        severity: "error",
        code: "fairness_demographic_parity_ratio",
        message: `${attribute}: demographic parity ratio ${fmt(a.demographicParityRatio)} is below ${fmt(thresholds.minDemographicParityRatio)} (selection rate ${fmt(s.min.value)} for '${s.min.group}' vs ${fmt(s.max.value)} for '${s.max.group}').`,
        details: {
          attribute,
          metric: "demographicParityRatio",
          value: a.demographicParityRatio,
          threshold: thresholds.minDemographicParityRatio,
          lowestGroup: s.min,
          highestGroup: s.max,
        },
      });
    }
    if (a.equalizedOddsDifference !== null && a.equalizedOddsDifference > thresholds.maxEqualizedOddsDifference) {
      const worst = widestRateSpread(a);
      failures.push(`equalized odds difference ${fmt(a.equalizedOddsDifference)} > ${fmt(thresholds.maxEqualizedOddsDifference)} (${attribute})`);
      findings.push({
        severity: "error",
        code: "fairness_equalized_odds_difference",
        message: `${attribute}: equalized odds difference ${fmt(a.equalizedOddsDifference)} is above ${fmt(thresholds.maxEqualizedOddsDifference)} (${worst.rate} ${fmt(worst.spread.min.value)} for '${worst.spread.min.group}' vs ${fmt(worst.spread.max.value)} for '${worst.spread.max.group}').`,
        details: {
          attribute,
          metric: "equalizedOddsDifference",
          value: a.equalizedOddsDifference,
          threshold: thresholds.maxEqualizedOddsDifference,
          truePositiveRate: a.spreads.truePositiveRate,
          falsePositiveRate: a.spreads.falsePositiveRate,
        },
      });
    }
    if (a.tooSmallGroups.length) {
      const sizes = Object.fromEntries(a.tooSmallGroups.map((g) => [g, a.groups[g]!.n]));
      findings.push({
        severity: "warning",
        code: "fairness_group_too_small",
        message: `${attribute}: ${a.tooSmallGroups.length} group${a.tooSmallGroups.length > 1 ? "s have" : " has"} fewer than ${thresholds.minGroupSize} rows (${a.tooSmallGroups.map((g) => `'${g}' ${sizes[g]}`).join(", ")}); reported but not judged.`,
        details: { attribute, minGroupSize: thresholds.minGroupSize, groups: sizes },
      });
    }
    if (a.demographicParityRatio === null) {
      unjudged.push(attribute);
      findings.push({
        severity: "warning",
        code: "fairness_attribute_not_judged",
        message: `${attribute}: fewer than two groups have at least ${thresholds.minGroupSize} rows, so no disparity could be measured.`,
        details: { attribute, judgedGroups: a.judgedGroups, minGroupSize: thresholds.minGroupSize },
      });
    }
  }
  if (result.rowsWithoutLabel > 0)
    findings.push({
      severity: "warning",
      code: "fairness_rows_without_label",
      message: `${result.rowsWithoutLabel} rows have no value for the label '${evaluation.label}' and were left out.`,
      details: { rows: result.rowsWithoutLabel, label: evaluation.label },
    });

  const metrics = {
    rows: result.rows,
    rowsWithoutLabel: result.rowsWithoutLabel,
    evaluation: { path: evaluation.path, format, label: evaluation.label, sensitive: evaluation.sensitive },
    note: `disparity metrics are computed over groups with at least ${thresholds.minGroupSize} rows (judgedGroups); smaller groups are reported but not judged`,
    attributes: result.attributes,
    thresholds,
  };
  if (failures.length) return { verdict: "fail", summary: failures.join("; "), metrics, findings };
  const judged = evaluation.sensitive.filter((s) => !unjudged.includes(s));
  const summary = judged.length
    ? `DP ratio ≥ ${fmt(thresholds.minDemographicParityRatio)} and equalized odds difference ≤ ${fmt(thresholds.maxEqualizedOddsDifference)} for ${judged.join(", ")} over ${result.rows} rows` +
      (unjudged.length ? `; not judged (groups too small): ${unjudged.join(", ")}` : "")
    : `no sensitive attribute has two groups of at least ${thresholds.minGroupSize} rows; nothing could be judged over ${result.rows} rows`;
  return { verdict: "pass", summary, metrics, findings };
}

function widestRateSpread(a: AttributeMetrics): { rate: string; spread: Spread } {
  const tpr = a.spreads.truePositiveRate;
  const fpr = a.spreads.falsePositiveRate;
  if (fpr && (!tpr || fpr.difference >= tpr.difference)) return { rate: "false positive rate", spread: fpr };
  return { rate: "true positive rate", spread: tpr! };
}

function fmt(v: number): string {
  return String(Number(v.toFixed(3)));
}

function describeError(err: unknown, evaluation: Evaluation, format: string): string {
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof EvaluationDataError) {
    const hint =
      err.details.column === evaluation.label ? " (for text labels, declare inputSchema.outputs.positiveClass)" : "";
    return `cannot read the evaluation set '${evaluation.path}' as ${format}: ${message}${hint}`;
  }
  if (err instanceof LabelError) return `evaluation set '${evaluation.path}': ${message}`;
  return `fairness could not run the model over '${evaluation.path}': ${message}`;
}

function notApplicable(summary: string): CheckOutcome {
  return { verdict: "not_applicable", summary, metrics: {}, findings: [] };
}

function errorOutcome(message: string): CheckOutcome {
  return {
    verdict: "error",
    summary: message,
    metrics: {},
    findings: [{ severity: "error", code: "fairness_error", message }],
  };
}
