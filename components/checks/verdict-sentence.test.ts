import { describe, expect, it } from "vitest";
import type { ChecksSummary } from "@/lib/checks/list-check-runs";
import { verdictSentence } from "./verdict-sentence";

type Run = ChecksSummary["latest"][number];
const run = (kind: Run["kind"], status: Run["status"], verdict: Run["verdict"], summary: string | null = null) => ({ kind, status, verdict, summary }) as Run;
const all = (verdict: Run["verdict"]) => (["validation", "fairness", "adversarial", "security"] as const).map((k) => run(k, "finished", verdict));

describe("verdictSentence", () => {
  it("names the failed check and quotes its summary, with the numbers", () => {
    const latest = all("pass");
    latest[1] = run("fairness", "finished", "fail", "sex: equalized odds difference 0.21 > 0.1");
    expect(verdictSentence({ state: "failed", latest, previous: [] })).toEqual({
      tone: "fail",
      lead: "Blocked: fairness failed",
      detail: "sex: equalized odds difference 0.21 > 0.1",
    });
  });

  it("lists every failed or errored check", () => {
    const latest = all("pass");
    latest[0] = run("validation", "finished", "error", "timed out");
    latest[3] = run("security", "finished", "fail", "dangerous import os.system");
    expect(verdictSentence({ state: "failed", latest, previous: [] }).lead).toBe("Blocked: validation could not finish (error), security failed");
  });

  it("says all passed, or how many did not apply", () => {
    expect(verdictSentence({ state: "passed", latest: all("pass"), previous: [] })).toEqual({ tone: "pass", lead: "All 4 checks passed" });
    const latest = all("pass");
    latest[2] = run("adversarial", "finished", "not_applicable");
    expect(verdictSentence({ state: "passed", latest, previous: [] }).lead).toBe("3 of 4 checks passed, 1 not applicable");
  });

  it("says re-checking when the running checks had a verdict before, checking when they are new", () => {
    const latest = all("pass");
    latest[1] = run("fairness", "running", null);
    const previous = [run("fairness", "finished", "pass")];
    expect(verdictSentence({ state: "running", latest, previous })).toEqual({ tone: "pending", lead: "Re-checking: fairness", detail: "3 of 4 checks finished" });
    expect(verdictSentence({ state: "running", latest, previous: [] }).lead).toBe("Checking: fairness");
    expect(verdictSentence({ state: "not_run", latest: [], previous: [] }).tone).toBe("none");
  });
});
