// Server-rendered times: a short relative form for scanning, the exact UTC instant on hover.
const units: [Intl.RelativeTimeFormatUnit, number][] = [
  ["year", 365 * 24 * 3600],
  ["month", 30 * 24 * 3600],
  ["week", 7 * 24 * 3600],
  ["day", 24 * 3600],
  ["hour", 3600],
  ["minute", 60],
];
const relative = new Intl.RelativeTimeFormat("en", { numeric: "auto" });

export function formatRelative(iso: string, now = Date.now()): string {
  const seconds = Math.round((new Date(iso).getTime() - now) / 1000);
  for (const [unit, size] of units) {
    if (Math.abs(seconds) >= size) return relative.format(Math.round(seconds / size), unit);
  }
  return "just now";
}

export function formatUtc(iso: string): string {
  return new Date(iso).toISOString().replace("T", " ").replace(/\.\d+Z$/, " UTC");
}

export function Time({ iso, mode = "relative" }: { iso: string | null; mode?: "relative" | "absolute" }) {
  if (!iso) return <span className="text-slate-500 dark:text-slate-400">—</span>;
  return (
    <time dateTime={iso} title={formatUtc(iso)} className="whitespace-nowrap">
      {mode === "relative" ? formatRelative(iso) : formatUtc(iso)}
    </time>
  );
}
