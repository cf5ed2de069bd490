// Every status × every event, against a table written out by hand from the workflow's definition
// (the header of state-machine.ts): what each transition gives, or that it is refused with a 409.
import { describe, expect, it } from "vitest";
import { AppError } from "../errors/app-error.ts";
import {
  assertMayDecide,
  assertRequestable,
  countedApprovals,
  isOpen,
  nextStage,
  requestStatuses,
  transition,
  type PromotionEvent,
  type RequestStatus,
} from "./state-machine.ts";

const events: Record<string, PromotionEvent> = {
  "checks passed, 0 of 2": { type: "checks_passed", counted: 0, required: 2 },
  "checks passed, none required": { type: "checks_passed", counted: 0, required: 0 },
  "checks changed": { type: "checks_changed" },
  "approval, 1 of 2": { type: "approval", counted: 1, required: 2 },
  "approval, 2 of 2": { type: "approval", counted: 2, required: 2 },
  rejection: { type: "rejection" },
  promotion: { type: "promotion" },
  cancellation: { type: "cancellation" },
  supersession: { type: "supersession" },
};

// "x" = refused. Rows: from-status; columns in the order of `events` above.
const expected: Record<RequestStatus, (RequestStatus | "x")[]> = {
  //                 passed 0/2          passed 0/0  changed           appr 1/2             appr 2/2    reject      promote     cancel       supersede
  pending_checks: ["awaiting_approval", "approved", "pending_checks", "x", "x", "rejected", "x", "cancelled", "superseded"],
  awaiting_approval: ["x", "x", "pending_checks", "awaiting_approval", "approved", "rejected", "x", "cancelled", "superseded"],
  approved: ["x", "x", "pending_checks", "x", "x", "x", "promoted", "cancelled", "superseded"],
  promoted: ["x", "x", "x", "x", "x", "x", "x", "x", "x"],
  rejected: ["x", "x", "x", "x", "x", "x", "x", "x", "x"],
  cancelled: ["x", "x", "x", "x", "x", "x", "x", "x", "x"],
  superseded: ["x", "x", "x", "x", "x", "x", "x", "x", "x"],
};

function outcome(status: RequestStatus, event: PromotionEvent): string {
  try {
    return transition(status, event);
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    expect(error.kind).toBe("conflict");
    expect(error.code).toBe(isOpen(status) ? "invalid_transition" : "request_closed");
    return "x";
  }
}

describe("the request state machine", () => {
  for (const status of requestStatuses) {
    it(`from ${status}`, () => {
      expect(Object.keys(events).map((name) => outcome(status, events[name]!))).toEqual(expected[status]);
    });
  }

  it("has exactly three open statuses", () => {
    expect(requestStatuses.filter(isOpen)).toEqual(["pending_checks", "awaiting_approval", "approved"]);
  });
});

describe("stages", () => {
  it("go dev → staging → prod, never skipping, and nowhere from prod or archived", () => {
    expect([nextStage("dev"), nextStage("staging"), nextStage("prod"), nextStage("archived")]).toEqual(["staging", "prod", undefined, undefined]);
    expect(() => assertRequestable("dev", "staging")).not.toThrow();
    expect(() => assertRequestable("staging", "prod")).not.toThrow();
    const refusal = (from: Parameters<typeof assertRequestable>[0], to: Parameters<typeof assertRequestable>[1]) => {
      try {
        assertRequestable(from, to);
      } catch (error) {
        return `${(error as AppError).kind}:${(error as AppError).code}`;
      }
      return "allowed";
    };
    expect(refusal("dev", "prod")).toBe("unprocessable:stage_skipped");
    expect(refusal("archived", "prod")).toBe("unprocessable:stage_skipped");
    expect(refusal("prod", "staging")).toBe("unprocessable:stage_skipped");
    expect(refusal("staging", "staging")).toBe("conflict:already_in_stage");
    expect(refusal("prod", "prod")).toBe("conflict:already_in_stage");
  });
});

describe("approvals", () => {
  const digest = "sha256:" + "a".repeat(64);
  const other = "sha256:" + "b".repeat(64);

  it("count distinct non-uploader reviewers who approved this exact digest", () => {
    const approvals = [
      { userId: "uploader", decision: "approve" as const, manifestDigest: digest },
      { userId: "r1", decision: "approve" as const, manifestDigest: digest },
      { userId: "r1", decision: "approve" as const, manifestDigest: digest },
      { userId: "r2", decision: "approve" as const, manifestDigest: other },
      { userId: "r3", decision: "reject" as const, manifestDigest: digest },
      { userId: "r4", decision: "approve" as const, manifestDigest: digest },
    ];
    // r1 once, r4; not the uploader, not r2 (another digest), not r3 (a rejection).
    expect(countedApprovals(approvals, { uploaderId: "uploader", manifestDigest: digest })).toBe(2);
    // A version uploaded by the bootstrap token has no uploader to exclude.
    expect(countedApprovals(approvals, { uploaderId: null, manifestDigest: digest })).toBe(3);
  });

  it("refuse the uploader, a stale digest, a second decision and a rejection without a comment", () => {
    const request = { uploaderId: "u", manifestDigest: digest, approvals: [{ userId: "r1", decision: "approve" as const, manifestDigest: digest }] };
    const code = (d: Parameters<typeof assertMayDecide>[0]) => {
      try {
        assertMayDecide(d, request);
      } catch (error) {
        return `${(error as AppError).kind}:${(error as AppError).code}`;
      }
      return "allowed";
    };
    expect(code({ userId: "u", decision: "approve", manifestDigest: digest })).toBe("forbidden:self_approval");
    expect(code({ userId: "r2", decision: "approve", manifestDigest: other })).toBe("conflict:digest_mismatch");
    expect(code({ userId: "r1", decision: "approve", manifestDigest: digest })).toBe("conflict:already_decided");
    expect(code({ userId: "r2", decision: "reject", manifestDigest: digest, comment: "  " })).toBe("unprocessable:comment_required");
    expect(code({ userId: "r2", decision: "reject", manifestDigest: digest, comment: "card lacks limitations" })).toBe("allowed");
    expect(code({ userId: "r2", decision: "approve", manifestDigest: digest })).toBe("allowed");
  });
});
