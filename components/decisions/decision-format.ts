// How the auditor's pages word decisions: the label a row shows, values as text, the stage then
// against the stage now, and the JSON a replay needs when the ledger kept only the input's digest.
// Pure functions, shared by server and client components (and tested on their own).

/** The decided label: the `label` output when the model has one, else its first single value. */
export function outputLabel(output: Record<string, unknown>): string {
  if ("label" in output && isScalar(output.label)) return String(output.label);
  for (const value of Object.values(output)) if (isScalar(value)) return String(value);
  return "—";
}

const isScalar = (v: unknown): v is string | number | boolean => typeof v === "string" || typeof v === "number" || typeof v === "boolean";

/** A score to 4 decimals (enough to tell two scores apart at a glance; the exact value is on the decision page). */
export function formatScore(score: number | null | undefined): string {
  return typeof score === "number" && Number.isFinite(score) ? score.toFixed(4) : "—";
}

/** An output or input value as text: numbers exactly as stored, arrays and objects as compact JSON. */
export function formatValue(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return JSON.stringify(value);
}

/** A difference for people: 0 as "0", tiny values in exponent form so they are not rounded away. */
export function formatDiff(diff: number | null | undefined): string {
  if (diff === null || diff === undefined || !Number.isFinite(diff)) return "—";
  if (diff === 0) return "0";
  return Math.abs(diff) < 1e-3 ? diff.toExponential(2) : String(Number(diff.toPrecision(6)));
}

/**
 * The stage a version held at the decision against its stage today, as one phrase:
 * "prod at the time · archived now", "prod at the time · still prod", "not registered yet at the time".
 */
export function stageThenNow(then: string | null, now: string): { then: string; now: string; changed: boolean; sentence: string } {
  const thenLabel = then ?? "not registered";
  const changed = then !== now;
  const sentence = then === null ? `not registered yet at the time · ${now} now` : changed ? `${then} at the time · ${now} now` : `${then} at the time · still ${now}`;
  return { then: thenLabel, now, changed, sentence };
}

/** Which output keys a side-by-side comparison shows: the stored ones first (replay compares those), then any new ones. */
export function comparedKeys(stored: Record<string, unknown>, replayed: Record<string, unknown>): string[] {
  return [...Object.keys(stored), ...Object.keys(replayed).filter((k) => !(k in stored))];
}

/** Whether a stored and a replayed value are the same (numbers by value, everything else as JSON). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (typeof a === "number" && typeof b === "number") return a === b || Object.is(a, b);
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The input a person pastes for a replay: one JSON object of feature values, or why not. */
export function parseReplayInput(text: string): { ok: true; input: Record<string, unknown> } | { ok: false; message: string } {
  if (!text.trim()) return { ok: false, message: "Paste the decision's input as a JSON object, e.g. {\"score_a\": 0.8, \"score_b\": 0.5}." };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, message: `Not valid JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) return { ok: false, message: "The input is one JSON object of feature values ({…}), not an array or a single value." };
  return { ok: true, input: value as Record<string, unknown> };
}
