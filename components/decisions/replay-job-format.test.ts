import { describe, expect, it } from "vitest";
import type { ReplayJobView } from "@/lib/decisions/views";
import { replayJobPercent, replayJobScope, replayJobVerdict } from "./replay-job-format";

const job = (over: Partial<ReplayJobView>): ReplayJobView => ({
  id: "0195f3a2-6c1e-7b3d-9a4e-2f1c3b5d7e90",
  status: "finished",
  filter: { model: "credit-risk" },
  total: 0,
  processed: 0,
  counts: { identical: 0, within_tolerance: 0, differs: 0, not_replayable: 0 },
  differences: [],
  error: null,
  requestedBy: { type: "user", id: "u1" },
  createdAt: "2026-03-03T10:00:00.000Z",
  startedAt: null,
  finishedAt: null,
  ...over,
});

describe("bulk replay wording", () => {
  it("puts the worst finding first: differences over unreplayable decisions over all-clear", () => {
    const differs = replayJobVerdict(job({ total: 10, processed: 10, counts: { identical: 7, within_tolerance: 0, differs: 2, not_replayable: 1 } }));
    expect(differs).toMatchObject({ tone: "red", headline: "2 of 10 decisions differ from the stored answer" });
    expect(differs.detail).toMatch(/^7 replayed to their stored answer; 1 could not be replayed/);
    expect(replayJobVerdict(job({ total: 3, processed: 3, counts: { identical: 1, within_tolerance: 1, differs: 1, not_replayable: 0 } })).headline).toBe(
      "1 of 3 decisions differs from the stored answer",
    );
    expect(replayJobVerdict(job({ total: 4, processed: 4, counts: { identical: 3, within_tolerance: 0, differs: 0, not_replayable: 1 } }))).toMatchObject({
      tone: "amber",
      headline: "1 of 4 decisions could not be replayed",
    });
    const clear = replayJobVerdict(job({ total: 1200, processed: 1200, counts: { identical: 1190, within_tolerance: 10, differs: 0, not_replayable: 0 } }));
    expect(clear).toMatchObject({ tone: "green", headline: "All 1,200 decisions replay to their stored answers", detail: "1,190 identical, 10 within the version's test-vector tolerance." });
    expect(replayJobVerdict(job({ total: 1, processed: 1, counts: { identical: 1, within_tolerance: 0, differs: 0, not_replayable: 0 } })).headline).toBe("The decision replays to its stored answer");
    expect(replayJobVerdict(job({})).headline).toBe("No decisions matched");
  });

  it("says where a job is while it runs, and that a failed one stopped", () => {
    expect(replayJobVerdict(job({ status: "queued", total: null })).headline).toBe("Queued: waiting for a worker");
    expect(replayJobVerdict(job({ status: "running", total: null })).headline).toBe("Running: counting the decisions");
    expect(replayJobVerdict(job({ status: "running", total: 2500, processed: 1000 })).headline).toBe("Running: 1,000 of 2,500 decisions replayed");
    const failed = replayJobVerdict(job({ status: "failed", total: 2500, processed: 500, error: "connection lost" }));
    expect(failed).toMatchObject({ tone: "amber" });
    expect(failed.detail).toMatch(/^connection lost 500 of 2,500 decisions were replayed/);
  });

  it("measures progress without running past 100 % or dividing by zero", () => {
    expect(replayJobPercent({ status: "running", total: null, processed: 0 })).toBeNull();
    expect(replayJobPercent({ status: "running", total: 3, processed: 1 })).toBe(33);
    // Decisions made while the job runs (no end time) can take processed past the count taken at the start.
    expect(replayJobPercent({ status: "running", total: 3, processed: 5 })).toBe(100);
    expect(replayJobPercent({ status: "running", total: 0, processed: 0 })).toBe(100);
    expect(replayJobPercent({ status: "finished", total: 10, processed: 4 })).toBe(100);
  });

  it("names the scope as one phrase", () => {
    expect(replayJobScope({ model: "credit-risk" })).toBe("every version of credit-risk · all time");
    expect(replayJobScope({ model: "credit-risk", version: "1.4.0", from: "2026-03-01T00:00:00Z", to: "2026-03-02T00:00:00Z" })).toMatch(
      /^credit-risk@1\.4\.0 · 2026-03-01 00:00(:00)? UTC → before 2026-03-02 00:00(:00)? UTC$/,
    );
    expect(replayJobScope({ model: "m", to: "2026-03-02T00:00:00Z" })).toMatch(/^every version of m · before 2026-03-02/);
  });
});
