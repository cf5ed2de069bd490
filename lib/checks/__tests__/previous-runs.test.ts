// While a rerun is queued or running, the version page keeps the verdict it replaces in view; this is
// the selection that decides which finished run that is.
import { describe, expect, it } from "vitest";
import { previousFinishedPerKind } from "../list-check-runs.ts";
import type { CheckKind } from "../types.ts";

type Run = { id: string; kind: CheckKind; status: "queued" | "running" | "finished"; verdict: string | null };
const run = (id: string, kind: CheckKind, status: Run["status"], verdict: string | null = null): Run => ({ id, kind, status, verdict });

describe("previousFinishedPerKind", () => {
  it("gives, per check being re-run, the newest finished run before it, in kind order", () => {
    // Newest first, as the database returns them.
    const runs = [
      run("s3", "security", "queued"),
      run("f3", "fairness", "running"),
      run("f2", "fairness", "finished", "fail"),
      run("s2", "security", "running"), // an older unfinished run is not a verdict
      run("v1", "validation", "finished", "pass"),
      run("f1", "fairness", "finished", "pass"),
      run("s1", "security", "finished", "pass"),
    ];
    expect(previousFinishedPerKind(runs).map((r) => r.id)).toEqual(["f2", "s1"]);
  });

  it("is empty when every latest run has finished, and skips a re-run check that never finished before", () => {
    expect(previousFinishedPerKind([run("v2", "validation", "finished", "pass"), run("v1", "validation", "finished", "fail")])).toEqual([]);
    expect(previousFinishedPerKind([run("a2", "adversarial", "running"), run("a1", "adversarial", "queued")])).toEqual([]);
  });
});
