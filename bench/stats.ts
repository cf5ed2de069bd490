import type { CpuUsage } from "./processes.ts";

// Small numeric helpers shared by the benchmarks and the report.

export const MiB = 1024 * 1024;
export const GiB = 1024 * MiB;

export async function timed<T>(fn: () => Promise<T>): Promise<{ seconds: number; result: T }> {
  const start = performance.now();
  const result = await fn();
  return { seconds: (performance.now() - start) / 1000, result };
}

export function median(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The p-th percentile (nearest rank) of the samples. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** A transfer measured several times: the median time decides the reported rate. */
export type Transfer = { bytes: number; seconds: number[]; cpu: CpuUsage[] };

/** Median CPU seconds per GiB moved, per process, and for everything else on the machine. */
export function cpuPerGiB(t: Transfer): Record<string, number> {
  const names = Object.keys(t.cpu[0]?.byProcess ?? {});
  const perGiB = (values: number[]) => median(values) / (t.bytes / GiB);
  return {
    ...Object.fromEntries(names.map((name) => [name, perGiB(t.cpu.map((c) => c.byProcess[name]!))])),
    others: perGiB(t.cpu.map((c) => c.others)),
  };
}

export function mibPerSecond(t: Transfer): number {
  return t.bytes / MiB / median(t.seconds);
}

export function formatBytes(bytes: number): string {
  if (bytes >= GiB) return `${+(bytes / GiB).toFixed(2)} GiB`;
  return `${+(bytes / MiB).toFixed(1)} MiB`;
}

export function formatRatio(value: number): string {
  return Number.isFinite(value) ? value.toFixed(2) : "n/a";
}
