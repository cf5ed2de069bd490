// Fairness results per sensitive attribute: the gate metrics, a bar chart of per-group rates with the
// gates drawn on it, and a table of the same numbers (the table is what screen readers use; the chart
// is for eyes). Only the parts charted are parsed; anything else in the metrics goes to the generic view.
//
// The gate lines are exact, not decoration: a spread max − min ≤ t holds iff every group is at or
// above max − t, and a ratio min / max ≥ r holds iff every group is at or above r × max. So a judged
// group whose bar ends left of its panel's line is the group that fails the gate.
import { z } from "zod";
import { Badge } from "../ui/badge";
import { cn } from "../ui/cn";
import { Table, TBody, TD, TH, THead, TR, RowHeader } from "../ui/table";
import { CheckCircleIcon, XCircleIcon } from "../ui/icons";
import { fmt3, fmtRate } from "@/lib/format/numbers";
import { GenericMetrics, isRecord } from "./metrics-view";

const rate = z.number().nullable().optional();

const groupSchema = z.object({
  n: z.number(),
  baseRate: rate,
  selectionRate: rate,
  truePositiveRate: rate,
  falsePositiveRate: rate,
  falseNegativeRate: rate,
  precision: rate,
  accuracy: rate,
  tooSmall: z.boolean().optional(),
});
type Group = z.infer<typeof groupSchema>;

const attributeSchema = z.object({
  groups: z.record(z.string(), groupSchema),
  judgedGroups: z.array(z.string()).optional(),
  tooSmallGroups: z.array(z.string()).optional(),
  demographicParityDifference: rate,
  demographicParityRatio: rate,
  equalizedOddsDifference: rate,
  equalOpportunityDifference: rate,
});
type Attribute = z.infer<typeof attributeSchema>;

const thresholdsSchema = z.object({
  minDemographicParityRatio: z.number().optional(),
  maxEqualizedOddsDifference: z.number().optional(),
  minGroupSize: z.number().optional(),
});
type FairnessThresholds = z.infer<typeof thresholdsSchema>;

const evaluationSchema = z.object({ path: z.string(), format: z.string().optional(), label: z.string().optional(), sensitive: z.array(z.string()).optional() });

type RateKey = "selectionRate" | "truePositiveRate" | "falsePositiveRate" | "falseNegativeRate";

const panels: { key: RateKey; label: string; gate: "dp" | "eod" | null }[] = [
  { key: "selectionRate", label: "Selection rate", gate: "dp" },
  { key: "truePositiveRate", label: "True positive rate (TPR)", gate: "eod" },
  { key: "falsePositiveRate", label: "False positive rate (FPR)", gate: "eod" },
  { key: "falseNegativeRate", label: "False negative rate (FNR)", gate: null },
];

function isJudged(name: string, g: Group, attribute: Attribute): boolean {
  if (attribute.judgedGroups) return attribute.judgedGroups.includes(name);
  return !g.tooSmall;
}

/** Where the gate line sits for one panel, or null when the gate does not apply (fewer than two judged values). */
function gateFloor(attribute: Attribute, key: RateKey, gate: "dp" | "eod" | null, t: FairnessThresholds): { floor: number; text: string } | null {
  if (!gate) return null;
  const values = Object.entries(attribute.groups)
    .filter(([name, g]) => isJudged(name, g, attribute))
    .map(([, g]) => g[key])
    .filter((v): v is number => typeof v === "number" && Number.isFinite(v));
  if (values.length < 2) return null;
  const max = Math.max(...values);
  if (gate === "dp" && t.minDemographicParityRatio !== undefined)
    return { floor: max * t.minDemographicParityRatio, text: `gate: ≥ ${fmtRate(t.minDemographicParityRatio)} × highest (${fmtRate(max)}) = ${fmtRate(max * t.minDemographicParityRatio)}` };
  if (gate === "eod" && t.maxEqualizedOddsDifference !== undefined)
    return {
      floor: Math.max(0, max - t.maxEqualizedOddsDifference),
      text: `gate: within ${fmtRate(t.maxEqualizedOddsDifference)} of highest (${fmtRate(max)}), ≥ ${fmtRate(Math.max(0, max - t.maxEqualizedOddsDifference))}`,
    };
  return null;
}

const ticks = [0, 0.25, 0.5, 0.75, 1];

function RatePanel({ attribute, panel, thresholds }: { attribute: Attribute; panel: (typeof panels)[number]; thresholds: FairnessThresholds }) {
  const gate = gateFloor(attribute, panel.key, panel.gate, thresholds);
  const entries = Object.entries(attribute.groups);
  return (
    <div className="rounded-lg bg-slate-50/60 p-3 ring-1 ring-slate-200">
      <p className="text-xs font-semibold text-slate-700">{panel.label}</p>
      <p className="mb-2 min-h-4 text-[11px] text-slate-500">
        {gate ? gate.text : panel.key === "falseNegativeRate" ? "1 − TPR: gated through the TPR spread" : panel.gate ? "no gate: fewer than two judged groups" : null}
      </p>
      <div>
        {entries.map(([name, g]) => {
          const value = g[panel.key];
          const judged = isJudged(name, g, attribute);
          const below = judged && gate !== null && typeof value === "number" && value < gate.floor - 1e-12;
          const width = typeof value === "number" && Number.isFinite(value) ? Math.min(Math.max(value, 0), 1) * 100 : 0;
          return (
            <div key={name} className="flex items-center gap-2 text-xs">
              <span className={cn("w-20 shrink-0 truncate text-right font-medium", judged ? "text-slate-700" : "text-slate-400")} title={name}>
                {name}
              </span>
              <div className="relative flex-1 py-[3px]">
                <div className="relative h-3.5 rounded-sm bg-white ring-1 ring-slate-200 ring-inset">
                  {typeof value === "number" ? (
                    <div
                      className={cn(
                        "h-full rounded-sm",
                        !judged ? "bg-[repeating-linear-gradient(135deg,#cbd5e1_0_4px,#e2e8f0_4px_8px)]" : below ? "bg-red-500" : "bg-indigo-500",
                      )}
                      style={{ width: `${width}%` }}
                    />
                  ) : null}
                </div>
                {gate ? <div className="absolute inset-y-0 border-l-2 border-dashed border-slate-800/70" style={{ left: `${Math.min(gate.floor, 1) * 100}%` }} /> : null}
              </div>
              <span className={cn("w-24 shrink-0 font-mono tabular-nums", below ? "font-semibold text-red-700" : judged ? "text-slate-700" : "text-slate-400")}>
                {fmtRate(value)}
                {below ? " ✕ below" : !judged ? " small" : ""}
              </span>
            </div>
          );
        })}
      </div>
      <div className="mt-1 flex items-start gap-2 text-[10px] text-slate-400">
        <span className="w-20 shrink-0" />
        <div className="relative h-3 flex-1">
          {ticks.map((t) => (
            <span key={t} className="absolute -translate-x-1/2 tabular-nums" style={{ left: `${t * 100}%` }}>
              {t}
            </span>
          ))}
        </div>
        <span className="w-24 shrink-0" />
      </div>
    </div>
  );
}

function GateResult({ label, value, threshold, direction, notJudged }: { label: string; value: number | null | undefined; threshold: number | undefined; direction: "min" | "max"; notJudged: string }) {
  const judged = typeof value === "number";
  const ok = judged && threshold !== undefined ? (direction === "min" ? value >= threshold : value <= threshold) : null;
  return (
    <div className="rounded-lg px-3 py-2 ring-1 ring-slate-200">
      <dt className="text-xs text-slate-500">{label}</dt>
      <dd className="mt-0.5 flex flex-wrap items-center gap-2">
        <span className="font-mono text-base font-semibold text-slate-900 tabular-nums">{fmtRate(value)}</span>
        {threshold !== undefined ? (
          <span className="text-xs text-slate-500">
            gate {direction === "min" ? "≥" : "≤"} {fmtRate(threshold)}
          </span>
        ) : null}
        {ok === true ? (
          <Badge tone="green">
            <CheckCircleIcon className="size-3.5" />
            Pass
          </Badge>
        ) : ok === false ? (
          <Badge tone="red">
            <XCircleIcon className="size-3.5" />
            Fail
          </Badge>
        ) : !judged ? (
          <span className="text-xs text-slate-500">{notJudged}</span>
        ) : null}
      </dd>
    </div>
  );
}

function Reported({ label, value }: { label: string; value: number | null | undefined }) {
  return (
    <div className="rounded-lg px-3 py-2 ring-1 ring-slate-200">
      <dt className="text-xs text-slate-500">{label}</dt>
      <dd className="mt-0.5 flex items-center gap-2">
        <span className="font-mono text-base font-semibold text-slate-900 tabular-nums">{fmtRate(value)}</span>
        <span className="text-xs text-slate-500">reported</span>
      </dd>
    </div>
  );
}

export function FairnessTable({ attributeName, attribute }: { attributeName: string; attribute: Attribute }) {
  return (
    <Table caption={`Per-group fairness metrics for ${attributeName}`} className="rounded-lg ring-1 ring-slate-200">
      <THead>
        <TH>Group</TH>
        <TH className="text-right">n</TH>
        <TH className="text-right">Base rate</TH>
        <TH className="text-right">Selection rate</TH>
        <TH className="text-right">TPR</TH>
        <TH className="text-right">FPR</TH>
        <TH className="text-right">FNR</TH>
        <TH className="text-right">Precision</TH>
        <TH className="text-right">Accuracy</TH>
      </THead>
      <TBody>
        {Object.entries(attribute.groups).map(([name, g]) => {
          const judged = isJudged(name, g, attribute);
          const cell = cn("text-right font-mono tabular-nums", !judged && "text-slate-400");
          return (
            <TR key={name}>
              <RowHeader className={cn("whitespace-nowrap", !judged && "text-slate-500")}>
                {name}
                {!judged ? (
                  <Badge tone="neutral" className="ml-2" title="Fewer rows than the policy's minimum group size: reported, not judged">
                    too small
                  </Badge>
                ) : null}
              </RowHeader>
              <TD className={cell}>{fmt3(g.n)}</TD>
              <TD className={cell}>{fmtRate(g.baseRate)}</TD>
              <TD className={cell}>{fmtRate(g.selectionRate)}</TD>
              <TD className={cell}>{fmtRate(g.truePositiveRate)}</TD>
              <TD className={cell}>{fmtRate(g.falsePositiveRate)}</TD>
              <TD className={cell}>{fmtRate(g.falseNegativeRate)}</TD>
              <TD className={cell}>{fmtRate(g.precision)}</TD>
              <TD className={cell}>{fmtRate(g.accuracy)}</TD>
            </TR>
          );
        })}
      </TBody>
    </Table>
  );
}

/** One sensitive attribute: gate results, the chart and the table. */
export function FairnessChart({ attributeName, attribute, thresholds }: { attributeName: string; attribute: Attribute; thresholds: FairnessThresholds }) {
  const smallCount = Object.entries(attribute.groups).filter(([n, g]) => !isJudged(n, g, attribute)).length;
  const notJudged = `not judged: fewer than two groups${thresholds.minGroupSize !== undefined ? ` of ≥ ${thresholds.minGroupSize} rows` : ""}`;
  return (
    <section aria-label={`Sensitive attribute ${attributeName}`} className="space-y-3" data-fairness-attribute={attributeName}>
      <h4 className="text-sm font-semibold text-slate-900">
        Sensitive attribute <code className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-[13px]">{attributeName}</code>
        <span className="ml-2 text-xs font-normal text-slate-500">
          {Object.keys(attribute.groups).length} groups{smallCount ? `, ${smallCount} too small to judge` : ""}
        </span>
      </h4>
      <dl className="grid gap-2 sm:grid-cols-2 xl:grid-cols-4">
        <GateResult label="Demographic parity ratio" value={attribute.demographicParityRatio} threshold={thresholds.minDemographicParityRatio} direction="min" notJudged={notJudged} />
        <GateResult label="Equalized odds difference" value={attribute.equalizedOddsDifference} threshold={thresholds.maxEqualizedOddsDifference} direction="max" notJudged={notJudged} />
        <Reported label="Demographic parity difference" value={attribute.demographicParityDifference} />
        <Reported label="Equal opportunity difference" value={attribute.equalOpportunityDifference} />
      </dl>
      <figure className="space-y-2">
        <div aria-hidden="true" className="grid gap-3 md:grid-cols-2">
          {panels.map((p) => (
            <RatePanel key={p.key} attribute={attribute} panel={p} thresholds={thresholds} />
          ))}
        </div>
        <figcaption className="flex flex-wrap items-center gap-x-4 gap-y-1 text-xs text-slate-500">
          <span className="inline-flex items-center gap-1.5">
            <span aria-hidden="true" className="inline-block h-2.5 w-4 rounded-sm bg-indigo-500" /> judged group
          </span>
          <span className="inline-flex items-center gap-1.5">
            <span aria-hidden="true" className="inline-block h-2.5 w-4 rounded-sm bg-red-500" /> below the gate
          </span>
          <span className="inline-flex items-center gap-1.5">
            <span aria-hidden="true" className="inline-block h-2.5 w-4 rounded-sm bg-[repeating-linear-gradient(135deg,#cbd5e1_0_3px,#e2e8f0_3px_6px)]" /> too small, not judged
          </span>
          <span className="inline-flex items-center gap-1.5">
            <span aria-hidden="true" className="inline-block h-3 border-l-2 border-dashed border-slate-800/70" /> gate line
          </span>
          <span className="sr-only">The table below lists the same per-group numbers.</span>
        </figcaption>
      </figure>
      <FairnessTable attributeName={attributeName} attribute={attribute} />
    </section>
  );
}

/** The fairness check's metrics, from whatever shape arrived: charted where it parses, generic elsewhere. */
export function FairnessDetails({ metrics, thresholds }: { metrics: Record<string, unknown> | null; thresholds: Record<string, unknown> }) {
  if (!metrics || !Object.keys(metrics).length) return null;
  // The run's own thresholds are what it was judged by; the copy inside metrics is a fallback for older rows.
  const t = thresholdsSchema.safeParse(Object.keys(thresholds).length ? thresholds : metrics.thresholds);
  const gates = t.success ? t.data : {};
  const evaluation = evaluationSchema.safeParse(metrics.evaluation);
  const rawAttributes = isRecord(metrics.attributes) ? metrics.attributes : {};
  const parsed = Object.entries(rawAttributes).map(([name, value]) => [name, attributeSchema.safeParse(value), value] as const);
  const unparsed = parsed.filter(([, r]) => !r.success);
  return (
    <div className="space-y-6">
      <p className="text-sm text-slate-600">
        {typeof metrics.rows === "number" ? <>{fmt3(metrics.rows)} labelled rows</> : "Rows"}
        {evaluation.success ? (
          <>
            {" "}
            from <code className="font-mono text-xs">{evaluation.data.path}</code>
            {evaluation.data.label ? (
              <>
                , label <code className="font-mono text-xs">{evaluation.data.label}</code>
              </>
            ) : null}
          </>
        ) : null}
        {typeof metrics.rowsWithoutLabel === "number" && metrics.rowsWithoutLabel > 0 ? <>; {fmt3(metrics.rowsWithoutLabel)} rows without a label left out</> : null}
        {gates.minGroupSize !== undefined ? <>. Groups under {gates.minGroupSize} rows are reported but not judged.</> : "."}
      </p>
      {parsed.map(([name, result]) => (result.success ? <FairnessChart key={name} attributeName={name} attribute={result.data} thresholds={gates} /> : null))}
      {unparsed.length ? <GenericMetrics title="Attributes in an unrecognised shape" metrics={Object.fromEntries(unparsed.map(([n, , v]) => [n, v]))} /> : null}
      <GenericMetrics title="Other metrics" metrics={metrics} omit={["attributes", "rows", "rowsWithoutLabel", "evaluation", "thresholds", "note"]} />
    </div>
  );
}
