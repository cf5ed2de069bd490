// The one sentence at the top of the version page that says whether the checks let this version
// through, and if not, which check and why (the run's own summary carries the numbers). Pure, so the
// wording is unit-tested.
import { checkKindLabel } from "@/lib/checks/format";
import type { ChecksSummary } from "@/lib/checks/list-check-runs";

export type VerdictTone = "pass" | "fail" | "pending" | "none";
export type VerdictSentence = { tone: VerdictTone; lead: string; detail?: string };

const lower = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);

export function verdictSentence(checks: Pick<ChecksSummary, "state" | "latest" | "previous">): VerdictSentence {
  const { latest } = checks;
  if (!latest.length) return { tone: "none", lead: "No checks have run for this version" };
  const pending = latest.filter((r) => r.status !== "finished");
  if (pending.length) {
    const names = pending.map((r) => lower(checkKindLabel[r.kind])).join(", ");
    const rechecking = pending.filter((r) => checks.previous?.some((p) => p.kind === r.kind)).length === pending.length;
    return {
      tone: "pending",
      lead: `${rechecking ? "Re-checking" : "Checking"}: ${names}`,
      detail: `${latest.length - pending.length} of ${latest.length} checks finished`,
    };
  }
  const bad = latest.filter((r) => r.verdict === "fail" || r.verdict === "error");
  if (bad.length) {
    const [first] = bad;
    const what = bad.map((r) => `${lower(checkKindLabel[r.kind])} ${r.verdict === "fail" ? "failed" : "could not finish (error)"}`).join(", ");
    return { tone: "fail", lead: `Blocked: ${what}`, detail: first?.summary ?? undefined };
  }
  const passed = latest.filter((r) => r.verdict === "pass").length;
  const na = latest.length - passed;
  if (!na) return { tone: "pass", lead: `All ${latest.length} checks passed` };
  return { tone: "pass", lead: `${passed} of ${latest.length} checks passed, ${na} not applicable` };
}
