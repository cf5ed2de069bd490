// A model's decisions per UTC day over the last 30 days, stacked by version: plain CSS bars (no chart
// library), a legend in words, the hover title of each day, and the same numbers as a table. The bars
// are one labelled image for screen readers (a sentence with the totals); the table is the way to
// read every number.
import type { DailyDecisionCounts } from "@/lib/decisions/count-decisions";
import { cn } from "../ui/cn";
import { RowHeader, Table, TBody, TD, TH, THead, TR } from "../ui/table";
import { chartSeries, chartSummary } from "./chart-series";

// Distinct in hue and in lightness, so neighbours in a stack stay apart in greyscale too.
const swatches = [
  "bg-indigo-600 dark:bg-indigo-400",
  "bg-amber-400 dark:bg-amber-300",
  "bg-teal-600 dark:bg-teal-400",
  "bg-rose-400 dark:bg-rose-300",
  "bg-sky-800 dark:bg-sky-600",
];
const otherSwatch = "bg-slate-400 dark:bg-slate-500";

const short = (day: string) => day.slice(5);

export function DecisionsChart({ counts }: { counts: DailyDecisionCounts }) {
  const { series, dayTotals, peak } = chartSeries(counts);
  const colour = (i: number) => (series[i]!.other ? otherSwatch : swatches[i % swatches.length]!);
  const n = counts.days.length;
  return (
    <div className="space-y-4">
      <ul aria-label="Versions in the chart" className="flex flex-wrap gap-x-4 gap-y-1.5 text-sm">
        {series.map((s, i) => (
          <li key={s.key} className="inline-flex items-center gap-1.5">
            <span aria-hidden="true" className={cn("size-3 rounded-sm", colour(i))} />
            <span className={cn(!s.other && "font-mono")}>{s.label}</span>
            <span className="text-slate-600 dark:text-slate-400">
              · {s.total.toLocaleString("en-US")} decision{s.total === 1 ? "" : "s"}
            </span>
          </li>
        ))}
      </ul>
      <figure className="m-0">
        <div role="img" aria-label={chartSummary(counts)} className="flex gap-2">
          <div aria-hidden="true" className="flex h-40 flex-col justify-between text-right text-[11px] text-slate-600 tabular-nums dark:text-slate-400">
            <span>{peak.toLocaleString("en-US")}</span>
            <span>0</span>
          </div>
          <div className="min-w-0 flex-1">
            <div className="flex h-40 items-end gap-px border-b border-l border-slate-300 dark:border-slate-600 sm:gap-0.5">
              {counts.days.map((day, d) => (
                <div
                  key={day}
                  title={`${day}: ${dayTotals[d]!.toLocaleString("en-US")} decision${dayTotals[d] === 1 ? "" : "s"}${
                    dayTotals[d] ? ` (${series.filter((s) => s.counts[d]).map((s) => `${s.label}: ${s.counts[d]}`).join(", ")})` : ""
                  }`}
                  className="flex h-full min-w-0 flex-1 flex-col-reverse"
                  data-day={day}
                  data-total={dayTotals[d]}
                >
                  {series.map((s, i) =>
                    s.counts[d] ? <div key={s.key} className={cn("w-full first:rounded-b-none last:rounded-t-sm", colour(i))} style={{ height: `${(s.counts[d]! / peak) * 100}%` }} /> : null,
                  )}
                </div>
              ))}
            </div>
            <div aria-hidden="true" className="mt-1 flex justify-between text-[11px] text-slate-600 dark:text-slate-400">
              <span>{short(counts.days[0]!)}</span>
              <span>{short(counts.days[Math.floor(n / 2)]!)}</span>
              <span>{short(counts.days[n - 1]!)}</span>
            </div>
          </div>
        </div>
        <figcaption className="mt-2 text-xs text-slate-600 dark:text-slate-400">Decisions per day (UTC), stacked by version. Hover a day for its numbers.</figcaption>
      </figure>
      <details className="rounded-lg ring-1 ring-slate-200 dark:ring-slate-700">
        <summary className="cursor-pointer rounded-lg px-4 py-2.5 text-sm font-medium text-slate-800 hover:bg-slate-50 dark:text-slate-200 dark:hover:bg-slate-800">
          The numbers as a table
        </summary>
        <div className="border-t border-slate-200 dark:border-slate-700">
          <Table caption={`Decisions per day and version, the last ${n} days`}>
            <THead>
              <TH>Day (UTC)</TH>
              {counts.versions.map((v) => (
                <TH key={v.version} className="text-right font-mono normal-case">
                  {v.version}
                </TH>
              ))}
              <TH className="text-right">Total</TH>
            </THead>
            <TBody>
              {counts.days.map((day, d) => (
                <TR key={day}>
                  <RowHeader className="font-normal whitespace-nowrap tabular-nums">{day}</RowHeader>
                  {counts.versions.map((v) => (
                    <TD key={v.version} className="text-right tabular-nums">
                      {v.counts[d] ? v.counts[d]!.toLocaleString("en-US") : <span className="text-slate-500 dark:text-slate-400">0</span>}
                    </TD>
                  ))}
                  <TD className="text-right font-medium tabular-nums">{dayTotals[d]!.toLocaleString("en-US")}</TD>
                </TR>
              ))}
            </TBody>
          </Table>
        </div>
      </details>
    </div>
  );
}
