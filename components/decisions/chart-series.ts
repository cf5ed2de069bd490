// What the model page's decisions chart draws: at most `max` series (the versions with the most
// decisions), the rest summed as "other versions", each day's total, and a sentence that says what
// the chart shows for those who cannot see it.
import type { DailyDecisionCounts } from "@/lib/decisions/count-decisions";

export type ChartSeries = { key: string; label: string; total: number; counts: number[]; other: boolean };

export function chartSeries(counts: DailyDecisionCounts, max = 5): { series: ChartSeries[]; dayTotals: number[]; peak: number } {
  const shown = counts.versions.length > max ? counts.versions.slice(0, max - 1) : counts.versions;
  const rest = counts.versions.slice(shown.length);
  const series: ChartSeries[] = shown.map((v) => ({ key: v.version, label: v.version, total: v.total, counts: v.counts, other: false }));
  if (rest.length)
    series.push({
      key: "__other",
      label: `${rest.length} other version${rest.length === 1 ? "" : "s"}`,
      total: rest.reduce((s, v) => s + v.total, 0),
      counts: counts.days.map((_, i) => rest.reduce((s, v) => s + (v.counts[i] ?? 0), 0)),
      other: true,
    });
  const dayTotals = counts.days.map((_, i) => counts.versions.reduce((s, v) => s + (v.counts[i] ?? 0), 0));
  return { series, dayTotals, peak: Math.max(0, ...dayTotals) };
}

export function chartSummary(counts: DailyDecisionCounts): string {
  const { dayTotals, peak } = chartSeries(counts);
  const n = counts.days.length;
  if (counts.total === 0) return `No decisions in the last ${n} days.`;
  const busiest = counts.days[dayTotals.indexOf(peak)]!;
  const byVersion = counts.versions.map((v) => `${v.version}: ${v.total.toLocaleString("en-US")}`).join(", ");
  return `${counts.total.toLocaleString("en-US")} decision${counts.total === 1 ? "" : "s"} in the last ${n} days (${byVersion}); the busiest day was ${busiest} with ${peak.toLocaleString("en-US")}.`;
}
