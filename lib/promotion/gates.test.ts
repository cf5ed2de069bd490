import { describe, expect, it } from "vitest";
import type { Manifest } from "../registry/envelope.ts";
import { evaluateGates, type GateInput, type LatestCheck } from "./gates.ts";

const kinds = ["validation", "fairness", "adversarial", "security"] as const;
const manifest = { inputSchema: { features: [{ name: "age", type: "int", min: 0, max: 120 }] } } as unknown as Manifest;
const run = (kind: (typeof kinds)[number], over: Partial<LatestCheck> = {}): LatestCheck => ({
  kind,
  status: "finished",
  verdict: "pass",
  summary: null,
  checkerVersion: "1.0.0",
  thresholds: { t: 1 },
  ...over,
});
const input = (over: Partial<GateInput> = {}): GateInput => ({
  target: "prod",
  version: { version: "1.1.0", manifest },
  checks: kinds.map((k) => run(k)),
  current: { checkerVersions: { validation: "1.0.0", fairness: "1.0.0", adversarial: "1.0.0", security: "1.0.0" }, thresholds: { validation: { t: 1 }, fairness: { t: 1 }, adversarial: { t: 1 }, security: { t: 1 } } },
  policy: { requiredApprovals: { staging: 0, prod: 2 }, waivers: [] },
  card: { complete: true, missing: [] },
  prod: { version: "1.0.0", manifest },
  approvals: { counted: 2, required: 2 },
  ...over,
});

describe("evaluateGates", () => {
  it("promotes when every gate passes and the approvals are in", () => {
    const e = evaluateGates(input());
    expect([e.ready, e.promotable, e.blockedReason]).toEqual([true, true, undefined]);
  });

  it("asks → staging for validation and security only", () => {
    const e = evaluateGates(input({ target: "staging", checks: [run("validation"), run("security")], approvals: { counted: 0, required: 0 } }));
    expect(e.gates.map((g) => g.id)).toEqual(["check.validation", "check.security", "approvals"]);
    expect(e.promotable).toBe(true);
  });

  it("refuses results from an older checker or an earlier policy's thresholds", () => {
    const old = evaluateGates(input({ checks: kinds.map((k) => run(k, k === "security" ? { checkerVersion: "0.9.0" } : {})) }));
    expect(old.gates[3]).toMatchObject({ status: "fail", detail: "The last security run used checker 0.9.0; the current checker is 1.0.0: rerun the checks." });
    const stale = evaluateGates(input({ checks: kinds.map((k) => run(k, k === "fairness" ? { thresholds: { t: 2 } } : {})) }));
    expect(stale.gates[1]!.status).toBe("fail");
    expect(stale.promotable).toBe(false);
  });

  it("tells running from failed, and an error from a fail", () => {
    const running = evaluateGates(input({ checks: kinds.map((k) => run(k, k === "adversarial" ? { status: "running", verdict: null } : {})) }));
    expect([running.ready, running.running]).toEqual([false, true]);
    const errored = evaluateGates(input({ checks: kinds.map((k) => run(k, k === "validation" ? { verdict: "error", summary: "session failed" } : {})) }));
    expect(errored.gates[0]!.detail).toBe("The check could not complete (error). session failed. Fix the cause and rerun it.");
    const missing = evaluateGates(input({ checks: [] }));
    expect(missing.gates.slice(0, 4).every((g) => g.status === "fail")).toBe(true);
  });

  it("waits for approvals once everything else passes, saying how many are missing", () => {
    const e = evaluateGates(input({ approvals: { counted: 1, required: 3 } }));
    expect([e.ready, e.promotable, e.blockedReason]).toEqual([true, false, "1 of 3 approvals so far; 2 more needed from reviewers who did not upload this version."]);
  });

  it("has nothing to compare the schema with before the first prod", () => {
    expect(evaluateGates(input({ prod: null })).gates.find((g) => g.id === "schema")!.status).toBe("pass");
  });
});
