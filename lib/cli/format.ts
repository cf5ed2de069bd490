// Human-readable output helpers shared by the commands (byte sizes: lib/format/bytes.ts).

/** Megabytes (10^6, as network speeds are quoted) per second. */
export function formatRate(bytes: number, ms: number): string {
  return `${(bytes / 1e6 / Math.max(ms / 1000, 0.001)).toFixed(1)} MB/s`;
}

/** Left-aligned columns separated by two spaces; column widths from the widest cell. */
export function formatTable(rows: string[][]): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, [...cell].length)));
  return rows
    .map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell + " ".repeat(widths[i]! - [...cell].length))).join("  ").trimEnd())
    .join("\n");
}
