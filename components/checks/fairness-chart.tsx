// Fairness results per sensitive attribute: the gate metrics, a bar chart of per-group rates with the
// gates drawn on it, and a table of the same numbers (the table is what screen readers use; the chart
// is for eyes). Only the parts charted are parsed; anything else in the metrics goes to the generic view.
// How each rate is read (which direction is worse, where the gate line sits, which groups fail it) is
// fairness-reading.ts: only a group on the worse side of a gate is red, and it says so in words.
import { z } from "zod";
import { Badge } from "../ui/badge";
import { cn } from "../ui/cn";
import { Table, TBody, TD, TH, THead, TR, RowHeader } from "../ui/table";
import { CheckCircleIcon, XCircleIcon } from "../ui/icons";
import { fmt3, fmtRate } from "@/lib/format/numbers";
import { GenericMetrics, isRecord } from "./metrics-view";
import { rateMetrics, readRate, worseText } from "./fairness-reading";

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

function isJudged(name: string, g: Group, attribute: Attribute): boolean {
  if (attribute.judgedGroups) return attribute.judgedGroups.includes(name);
  return !g.tooSmall;
}

function reading(attribute: Attribute, metric: (typeof rateMetrics)[number], thresholds: FairnessThresholds) {
  return readRate(
    Object.entries(attribute.groups).map(([name, g]) => [name, g[metric.key], isJudged(name, g, attribute)]),
    metric,
    thresholds,
  );
}

const ticks = [0, 0.25, 0.5, 0.75, 1];
const HATCH = "bg-[repeating-linear-gradient(135deg,#cbd5e1_0_4px,#e2e8f0_4px_8px)] dark:bg-[repeating-linear-gradient(135deg,#475569_0_4px,#334155_4px_8px)]";

function RatePanel({ attribute, metric, thresholds }: { attribute: Attribute; metric: (typeof rateMetrics)[number]; thresholds: FairnessThresholds }) {
  const { gate, groups } = reading(attribute, metric, thresholds);
  const entries = Object.entries(attribute.groups);
  return (
    <div className="rounded-lg bg-slate-50/60 p-3 ring-1 ring-slate-200 dark:bg-slate-800/40 dark:ring-slate-700" data-metric={metric.key}>
      <p className="text-xs font-semibold text-slate-800 dark:text-slate-200">
        {metric.label} <span className="font-normal text-slate-600 dark:text-slate-400">· {worseText[metric.worse]}</span>
      </p>
      <p className="mb-2 min-h-4 text-[11px] text-slate-600 dark:text-slate-400">
        {gate ? gate.text : metric.gate ? "No gate: fewer than two judged groups" : "Reported, not gated"}
      </p>
      <div className="space-y-1">
        {entries.map(([name, g]) => {
          const value = g[metric.key];
          const judged = isJudged(name, g, attribute);
          const read = groups.get(name);
          const worse = read?.worse ?? false;
          const width = typeof value === "number" && Number.isFinite(value) ? Math.min(Math.max(value, 0), 1) * 100 : 0;
          return (
            <div key={name} className="grid grid-cols-[4.5rem_minmax(0,1fr)] items-center gap-x-2 text-xs sm:grid-cols-[5rem_minmax(6rem,1fr)_minmax(0,15rem)]">
              <span className={cn("truncate text-right font-medium", judged ? "text-slate-800 dark:text-slate-200" : "text-slate-600 dark:text-slate-400")} title={name}>
                {name}
              </span>
              <div className="relative py-[3px]">
                <div className="relative h-3.5 rounded-sm bg-white ring-1 ring-slate-300 ring-inset dark:bg-slate-900 dark:ring-slate-600">
                  {typeof value === "number" ? (
                    <div
                      className={cn("h-full rounded-sm", !judged ? HATCH : worse ? "bg-red-600 dark:bg-red-500" : "bg-indigo-500 dark:bg-indigo-400")}
                      style={{ width: `${width}%` }}
                    />
                  ) : null}
                </div>
                {gate ? (
                  <div className="absolute inset-y-0 border-l-2 border-dashed border-slate-800/70 dark:border-slate-200/80" style={{ left: `${Math.min(Math.max(gate.at, 0), 1) * 100}%` }} />
                ) : null}
              </div>
              <span
                className={cn(
                  "col-start-2 sm:col-start-3",
                  worse ? "font-semibold text-red-700 dark:text-red-300" : judged ? "text-slate-700 dark:text-slate-300" : "text-slate-600 dark:text-slate-400",
                )}
              >
                <span className="font-mono tabular-nums">{fmtRate(value)}</span> {!judged ? "— too small, not judged" : typeof value !== "number" ? "— undefined" : read ? `— ${read.text}` : ""}
              </span>
            </div>
          );
        })}
      </div>
      <div className="mt-1 grid grid-cols-[4.5rem_minmax(0,1fr)] gap-x-2 text-[10px] text-slate-600 sm:grid-cols-[5rem_minmax(6rem,1fr)_minmax(0,15rem)] dark:text-slate-400">
        <span />
        <div className="relative h-3">
          {ticks.map((t) => (
            <span key={t} className="absolute -translate-x-1/2 tabular-nums" style={{ left: `${t * 100}%` }}>
              {t}
            </span>
          ))}
        </div>
      </div>
    </div>
  );
}

function GateResult({ label, value, threshold, direction, notJudged }: { label: string; value: number | null | undefined; threshold: number | undefined; direction: "min" | "max"; notJudged: string }) {
  const judged = typeof value === "number";
  const ok = judged && threshold !== undefined ? (direction === "min" ? value >= threshold : value <= threshold) : null;
  return (
    <div className="rounded-lg px-3 py-2 ring-1 ring-slate-200 dark:ring-slate-700">
      <dt className="text-xs text-slate-500 dark:text-slate-400">{label}</dt>
      <dd className="mt-0.5 flex flex-wrap items-center gap-2">
        <span className="font-mono text-base font-semibold text-slate-900 dark:text-slate-100 tabular-nums">{fmtRate(value)}</span>
        {threshold !== undefined ? (
          <span className="text-xs text-slate-500 dark:text-slate-400">
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
          <span className="text-xs text-slate-500 dark:text-slate-400">{notJudged}</span>
        ) : null}
      </dd>
    </div>
  );
}

function Reported({ label, value }: { label: string; value: number | null | undefined }) {
  return (
    <div className="rounded-lg px-3 py-2 ring-1 ring-slate-200 dark:ring-slate-700">
      <dt className="text-xs text-slate-500 dark:text-slate-400">{label}</dt>
      <dd className="mt-0.5 flex items-center gap-2">
        <span className="font-mono text-base font-semibold text-slate-900 dark:text-slate-100 tabular-nums">{fmtRate(value)}</span>
        <span className="text-xs text-slate-500 dark:text-slate-400">reported</span>
      </dd>
    </div>
  );
}

const tableMetrics = ["selectionRate", "truePositiveRate", "falsePositiveRate", "falseNegativeRate", "precision", "accuracy"] as const;

export function FairnessTable({ attributeName, attribute, thresholds = {} }: { attributeName: string; attribute: Attribute; thresholds?: FairnessThresholds }) {
  const metrics = tableMetrics.map((k) => rateMetrics.find((m) => m.key === k)!);
  const readings = new Map(metrics.map((m) => [m.key, reading(attribute, m, thresholds)]));
  return (
    <Table caption={`Per-group fairness metrics for ${attributeName}`} className="rounded-lg ring-1 ring-slate-200 dark:ring-slate-700">
      <THead>
        <TH>Group</TH>
        <TH className="text-right">n</TH>
        <TH className="text-right">Base rate</TH>
        {metrics.map((m) => (
          <TH key={m.key} className="text-right">
            {m.short}
            {/* The direction, in the header: screen readers use this table instead of the chart. */}
            <span className="block text-[10px] font-normal tracking-normal normal-case">{m.worse === "either" ? "gap matters" : worseText[m.worse]}</span>
          </TH>
        ))}
      </THead>
      <TBody>
        {Object.entries(attribute.groups).map(([name, g]) => {
          const judged = isJudged(name, g, attribute);
          const cell = cn("text-right font-mono tabular-nums", !judged && "text-slate-600 dark:text-slate-400");
          return (
            <TR key={name}>
              <RowHeader className={cn("whitespace-nowrap", !judged && "text-slate-600 dark:text-slate-400")}>
                {name}
                {!judged ? (
                  <Badge tone="neutral" className="ml-2" title="Fewer rows than the policy's minimum group size: reported, not judged">
                    too small
                  </Badge>
                ) : null}
              </RowHeader>
              <TD className={cell}>{fmt3(g.n)}</TD>
              <TD className={cell}>{fmtRate(g.baseRate)}</TD>
              {metrics.map((m) => {
                const worse = readings.get(m.key)?.groups.get(name)?.worse ?? false;
                return (
                  <TD key={m.key} className={cn(cell, worse && "font-semibold text-red-700 dark:text-red-300")}>
                    {fmtRate(g[m.key])}
                    {worse ? <span className="ml-1 font-sans text-xs">✕ worse</span> : null}
                  </TD>
                );
              })}
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
      <h4 className="text-sm font-semibold text-slate-900 dark:text-slate-100">
        Sensitive attribute <code className="rounded bg-slate-100 dark:bg-slate-800 px-1.5 py-0.5 font-mono text-[13px]">{attributeName}</code>
        <span className="ml-2 text-xs font-normal text-slate-500 dark:text-slate-400">
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
        <div aria-hidden="true" className="grid gap-3 xl:grid-cols-2">
          {rateMetrics.map((m) => (
            <RatePanel key={m.key} attribute={attribute} metric={m} thresholds={thresholds} />
          ))}
        </div>
        <figcaption className="flex flex-wrap items-center gap-x-4 gap-y-1 text-xs text-slate-600 dark:text-slate-400">
          <span className="inline-flex items-center gap-1.5">
            <span aria-hidden="true" className="inline-block h-2.5 w-4 rounded-sm bg-indigo-500 dark:bg-indigo-400" /> judged group
          </span>
          <span className="inline-flex items-center gap-1.5">
            <span aria-hidden="true" className="inline-block h-2.5 w-4 rounded-sm bg-red-600 dark:bg-red-500" /> on the worse side of the gate: fails it (also said in words)
          </span>
          <span className="inline-flex items-center gap-1.5">
            <span aria-hidden="true" className={cn("inline-block h-2.5 w-4 rounded-sm", HATCH)} /> too small, not judged
          </span>
          <span className="inline-flex items-center gap-1.5">
            <span aria-hidden="true" className="inline-block h-3 border-l-2 border-dashed border-slate-800/70 dark:border-slate-200/80" /> gate line
          </span>
          <span className="sr-only">The table below lists the same per-group numbers, with the direction that is worse for each rate.</span>
        </figcaption>
      </figure>
      <FairnessTable attributeName={attributeName} attribute={attribute} thresholds={thresholds} />
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
      <p className="text-sm text-slate-600 dark:text-slate-400">
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
