// Shared wording and number formatting for the checks UI, so the panel, the checks page and the
// history table describe a run the same way.
import type { CheckRunView } from "@/lib/checks/list-check-runs";

export type CheckKindName = CheckRunView["kind"];
export type RunStatus = CheckRunView["status"];
export type Verdict = NonNullable<CheckRunView["verdict"]>;

export const checkKindOrder: readonly CheckKindName[] = ["validation", "fairness", "adversarial", "security"];

export const checkKindLabel: Record<CheckKindName, string> = {
  validation: "Validation",
  fairness: "Fairness",
  adversarial: "Adversarial robustness",
  security: "Security",
};

export const checkKindDescription: Record<CheckKindName, string> = {
  validation: "The model loads, matches its input schema, reproduces its test vectors and survives schema probing; latency is measured.",
  fairness: "Per-group rates on the declared evaluation set, compared across each sensitive attribute against the policy's gates.",
  adversarial: "Black-box robustness: bounded random noise, a finite-difference gradient-sign attack and the uploader's adversarial vectors.",
  security: "The artifact is scanned without executing it: pickle opcodes, safetensors headers, ONNX external data and size limits.",
};

export const checksHref = (model: string, version: string) => `/models/${encodeURIComponent(model)}/versions/${encodeURIComponent(version)}/checks`;

/** Numbers in metrics tables: three decimals, integers as they are, null/undefined/NaN as an em dash. */
export function fmt3(value: unknown): string {
  if (typeof value !== "number" || !Number.isFinite(value)) return "—";
  return Number.isInteger(value) ? value.toLocaleString("en-US") : value.toFixed(3);
}

/** Rates and gate values: always three decimals, so 1 reads "1.000" next to "0.946". */
export function fmtRate(value: unknown): string {
  if (typeof value !== "number" || !Number.isFinite(value)) return "—";
  return value.toFixed(3);
}

export function fmtPercent(value: unknown, digits = 1): string {
  if (typeof value !== "number" || !Number.isFinite(value)) return "—";
  return `${(value * 100).toFixed(digits)}%`;
}

export function fmtDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return "—";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes} min ${Math.round((ms % 60_000) / 1000)} s`;
}

export function fmtMs(ms: unknown): string {
  if (typeof ms !== "number" || !Number.isFinite(ms)) return "—";
  if (ms < 1) return `${Number((ms * 1000).toPrecision(3))} µs`;
  return ms < 10 ? `${ms.toFixed(2)} ms` : ms < 1000 ? `${ms.toFixed(1)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

/** camelCase / snake_case metric keys as words: "maxFlipRate" → "max flip rate". */
export function humanizeKey(key: string): string {
  return key
    .replace(/_/g, " ")
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/\s+/g, " ")
    .toLowerCase()
    .trim();
}

export function isPending(run: Pick<CheckRunView, "status">): boolean {
  return run.status !== "finished";
}
