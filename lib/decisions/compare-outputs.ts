// How a replay's answer compares with the stored one: `identical` when every value is the same
// number or string, `within_tolerance` when numbers differ by at most atol + rtol·|stored| (the
// version's test-vector tolerances) and everything else is equal, `differs` otherwise. Only the
// outputs the decision stored are compared (a reporting server may have stored just the label).
export type Outcome = "identical" | "within_tolerance" | "differs";

export type Comparison = { outcome: Outcome; maxAbsDiff: number | null };

export function compareOutputs(
  stored: { output: Record<string, unknown>; score: number | null },
  replayed: { output: Record<string, unknown>; score: number | null },
  tolerance: { atol: number; rtol: number },
): Comparison {
  let identical = true;
  let within = true;
  let maxAbsDiff = 0;
  const visit = (a: unknown, b: unknown): void => {
    if (Array.isArray(a) || Array.isArray(b)) {
      if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return void (within = identical = false);
      a.forEach((x, i) => visit(x, b[i]));
      return;
    }
    if (typeof a === "number" && typeof b === "number") {
      if (Object.is(a, b) || a === b) return;
      identical = false;
      const diff = Math.abs(a - b);
      maxAbsDiff = Math.max(maxAbsDiff, diff);
      if (!(diff <= tolerance.atol + tolerance.rtol * Math.abs(a))) within = false;
      return;
    }
    if (a !== b) within = identical = false;
  };
  const keys = Object.keys(stored.output);
  if (keys.length === 0) return { outcome: "differs", maxAbsDiff: null };
  for (const key of keys) {
    if (!(key in replayed.output)) {
      within = identical = false;
      continue;
    }
    visit(stored.output[key], replayed.output[key]);
  }
  if (stored.score !== null) visit(stored.score, replayed.score);
  return { outcome: identical ? "identical" : within ? "within_tolerance" : "differs", maxAbsDiff: identical ? 0 : maxAbsDiff };
}
