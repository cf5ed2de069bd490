// The request page's derived facts: the comparison against prod, the verdict-first sentence, and
// who may decide (with the reason when not).
import { describe, expect, it } from "vitest";
import type { Actor } from "../auth/roles.ts";
import { compareVersions, type ComparedVersion } from "./compare-versions.ts";
import { decisionRights } from "./decision-rights.ts";
import { describeRequest } from "./describe-request.ts";
import type { Gate } from "./gates.ts";

const group = (n: number, selectionRate: number) => ({ n, selectionRate, truePositiveRate: 0.8, falsePositiveRate: null, tooSmall: n < 30 });
const side = (version: string, over: Partial<ComparedVersion> & { metrics?: unknown; inputSchema?: unknown } = {}): ComparedVersion => ({
  version,
  manifest: {
    metrics: over.metrics ?? { auc: 0.9, accuracy: 0.8 },
    inputSchema: over.inputSchema ?? { features: [{ name: "age", type: "int", min: 18, max: 100 }, { name: "income", type: "float", min: 0 }] },
  },
  files: over.files ?? [
    { path: "model.onnx", sha256: "a".repeat(64), role: "artifact" },
    { path: "MODEL_CARD.md", sha256: "c".repeat(64), role: "card" },
  ],
  fairnessMetrics: "fairnessMetrics" in over ? (over.fairnessMetrics ?? null) : { attributes: { sex: { groups: { F: group(500, 0.3), M: group(500, 0.4) } } } },
});

describe("compareVersions", () => {
  it("lines up metrics with their delta, and metrics only one side reports", () => {
    const c = compareVersions({ candidate: side("1.1.0", { metrics: { auc: 0.91, f1: 0.7 } }), prod: side("1.0.0", { metrics: { auc: 0.9, accuracy: 0.8 } }) });
    expect(c.metrics).toEqual([
      { name: "auc", candidate: 0.91, prod: 0.9, delta: 0.01 },
      { name: "accuracy", candidate: null, prod: 0.8, delta: null },
      { name: "f1", candidate: 0.7, prod: null, delta: null },
    ]);
  });

  it("marks schema rows with the schema gate's own changes, breaking ones flagged", () => {
    const c = compareVersions({
      candidate: side("1.1.0", { inputSchema: { features: [{ name: "age", type: "int", min: 21, max: 100 }, { name: "zip", type: "category", nullable: true }] } }),
      prod: side("1.0.0"),
    });
    const byName = Object.fromEntries(c.schema.rows.map((r) => [r.feature, r]));
    expect(byName.age).toMatchObject({ status: "changed", breaking: true, changes: ["age: minimum raised from 18 to 21"] });
    expect(byName.income).toMatchObject({ status: "removed", breaking: true });
    expect(byName.zip).toMatchObject({ status: "added", breaking: false });
    expect(c.schema.compatibility?.verdict).toBe("fail");
  });

  it("passes an unchanged schema and reports unchanged rows", () => {
    const c = compareVersions({ candidate: side("1.1.0"), prod: side("1.0.0") });
    expect(c.schema.rows.every((r) => r.status === "unchanged" && !r.breaking)).toBe(true);
    expect(c.schema.compatibility?.verdict).toBe("pass");
  });

  it("puts each group's rates side by side, including groups only one run saw", () => {
    const c = compareVersions({
      candidate: side("1.1.0", { fairnessMetrics: { attributes: { sex: { groups: { F: group(500, 0.35), X: group(5, 0.2) } } } } }),
      prod: side("1.0.0"),
    });
    expect(c.fairness).toHaveLength(1);
    const rows = Object.fromEntries(c.fairness[0]!.rows.map((r) => [r.group, r]));
    expect(rows.F!.candidate!.selectionRate).toBe(0.35);
    expect(rows.F!.prod!.selectionRate).toBe(0.3);
    expect(rows.M!.candidate).toBeNull();
    expect(rows.X!.prod).toBeNull();
    expect(rows.X!.candidate!.tooSmall).toBe(true);
  });

  it("ignores fairness metrics it cannot read instead of failing", () => {
    const c = compareVersions({ candidate: side("1.1.0", { fairnessMetrics: { attributes: "nonsense" } }), prod: side("1.0.0", { fairnessMetrics: null }) });
    expect(c.fairness).toEqual([]);
  });

  it("says which files' bytes changed", () => {
    const c = compareVersions({
      candidate: side("1.1.0", { files: [{ path: "model.onnx", sha256: "b".repeat(64), role: "artifact" }, { path: "MODEL_CARD.md", sha256: "c".repeat(64), role: "card" }, { path: "eval.csv", sha256: "e".repeat(64), role: "evaluation" }] }),
      prod: side("1.0.0"),
    });
    expect(c.files.map((f) => [f.path, f.status])).toEqual([
      ["MODEL_CARD.md", "unchanged"],
      ["eval.csv", "added"],
      ["model.onnx", "changed"],
    ]);
  });
});

const gate = (id: string, status: Gate["status"], detail = ""): Gate => ({ id, label: id, status, detail });
const req = (over: Partial<Parameters<typeof describeRequest>[0]> = {}) => ({
  status: "pending_checks" as const,
  to: "prod",
  gates: [gate("check.validation", "pass"), gate("check.fairness", "pass"), gate("card", "pass"), gate("approvals", "pending", "1 of 2 approvals so far")],
  blockedReason: null,
  closedAt: null,
  requiredApprovals: 2,
  ...over,
});

describe("describeRequest", () => {
  it("leads with what blocks a request and counts its gates for the queue", () => {
    const d = describeRequest(req({ gates: [gate("check.validation", "pass"), gate("check.fairness", "fail"), gate("card", "fail"), gate("approvals", "pending", "0 of 2 approvals so far")] }));
    expect(d.tone).toBe("blocked");
    expect(d.headline).toBe("Blocked: fairness check failed and model card incomplete");
    expect(d.glance).toBe("1/4 gates · fairness and model card failing");
  });

  it("says a request is ready, with the approvals counted so far", () => {
    const d = describeRequest(req({ status: "awaiting_approval" }));
    expect(d.headline).toBe("Ready for your approval — 1 of 2 approvals");
    expect(d.glance).toBe("Ready — 1 of 2 approvals");
    expect(describeRequest(req({ status: "awaiting_approval", approvalsCounted: 0 })).headline).toBe("Ready for your approval — 0 of 2 approvals");
  });

  it("says when a closed request was promoted, and why one was rejected", () => {
    expect(describeRequest(req({ status: "promoted", closedAt: "2025-03-03T14:02:09.123Z" })).headline).toBe("Promoted to prod on 2025-03-03 14:02 UTC");
    expect(describeRequest(req({ status: "rejected", blockedReason: "rejected by rita@bank.example: drift" })).headline).toBe("Rejected — by rita@bank.example: drift");
  });

  it("tells running checks apart from failed ones", () => {
    const d = describeRequest(req({ gates: [gate("check.validation", "pass"), gate("check.fairness", "pending")] }));
    expect(d.tone).toBe("waiting");
    expect(d.headline).toBe("Waiting for checks: fairness still running");
  });
});

const actor = (over: Partial<Actor> = {}): Actor => ({ type: "user", id: "r1", email: "rita@bank.example", role: "reviewer", scopes: ["read", "write", "review"], ...over }) as Actor;
const open = { status: "awaiting_approval" as const, requestedBy: { id: "o1" }, blockedReason: null, approvals: [] };

describe("decisionRights", () => {
  it("lets a reviewer who did not upload the version approve an awaiting request", () => {
    expect(decisionRights({ actor: actor(), request: open, uploaderEmail: "owner@bank.example" })).toEqual({ approve: true, reject: true, cancel: false });
  });

  it("tells the uploader they cannot approve, whatever their role", () => {
    const r = decisionRights({ actor: actor({ email: "Owner@bank.example", id: "o1", role: "contributor", scopes: ["read", "write"] }), request: open, uploaderEmail: "owner@bank.example" });
    expect(r).toMatchObject({ approve: false, reject: false, cancel: true });
    expect(r.reason).toMatch(/^You uploaded this version, so you cannot approve/);
  });

  it("names the role a contributor lacks", () => {
    const r = decisionRights({ actor: actor({ id: "c2", email: "c@bank.example", role: "contributor", scopes: ["read", "write"] }), request: open, uploaderEmail: null });
    expect(r.approve).toBe(false);
    expect(r.reason).toContain("reviewer or admin role");
  });

  it("refuses approval while the gates fail, but still allows a rejection", () => {
    const r = decisionRights({ actor: actor(), request: { ...open, status: "pending_checks", blockedReason: "Fairness check: Failed." }, uploaderEmail: null });
    expect(r).toMatchObject({ approve: false, reject: true });
    expect(r.reason).toContain("Fairness check: Failed.");
  });

  it("says a reviewer already decided, and a closed request has nothing left", () => {
    expect(decisionRights({ actor: actor(), request: { ...open, approvals: [{ user: { id: "r1" }, decision: "approve" }] }, uploaderEmail: null }).reason).toContain("You already approved");
    const closed = decisionRights({ actor: actor({ role: "admin", scopes: ["read", "write", "review", "admin"] }), request: { ...open, status: "promoted" }, uploaderEmail: null });
    expect(closed).toMatchObject({ approve: false, reject: false, cancel: false });
    expect(closed.reason).toContain("promoted");
  });
});
