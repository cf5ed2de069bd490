// The gates a version must pass to enter a stage, evaluated from facts the caller loads (check runs,
// the model card's completeness, the current prod version, the policy, the approvals). Pure, so the
// same function answers the request page, the queue and the deciding transaction — which calls it
// again at the moment of promotion, against the prod of that moment.
//
// → staging: validation and security pass (+ approvals if the model's policy asks for them).
// → prod: all four checks pass on the current checker versions and policy thresholds, the model card
// is complete, the input schema is compatible with prod's (or the major version is higher), and the
// policy's approvals (two by default) by reviewers other than the uploader.
import type { CheckRunStatus, CheckVerdict } from "../db/generated/enums.ts";
import { canonicalJson } from "../integrity/canonical-json.ts";
import type { PolicyCheckKind, PromotionPolicy } from "../policy/stage-policy.ts";
import type { Manifest } from "../registry/envelope.ts";
import type { CardCompleteness } from "./card-completeness.ts";
import { schemaCompatibility, type SchemaChange } from "./schema-compatibility.ts";
import type { PromotionTarget } from "./state-machine.ts";

export type GateStatus = "pass" | "fail" | "pending" | "waived";

export type Gate = {
  /** check.validation | check.fairness | check.adversarial | check.security | card | schema | approvals */
  id: string;
  label: string;
  status: GateStatus;
  /** One sentence a reviewer understands: why it passes, or what is missing. */
  detail: string;
  /** The schema gate's changes against prod. */
  changes?: SchemaChange[];
  /** The card gate's missing items. */
  missing?: { item: string; message: string }[];
};

export type LatestCheck = {
  kind: PolicyCheckKind;
  status: CheckRunStatus;
  verdict: CheckVerdict | null;
  summary: string | null;
  checkerVersion: string;
  thresholds: unknown;
};

export type GateInput = {
  target: PromotionTarget;
  version: { version: string; manifest: Manifest };
  /** The latest run of each check kind. */
  checks: readonly LatestCheck[];
  /** The checker versions and the thresholds each check would run with under today's policy. */
  current: { checkerVersions: Record<PolicyCheckKind, string>; thresholds: Record<PolicyCheckKind, unknown> };
  policy: PromotionPolicy;
  card: CardCompleteness;
  /** The version prod points at now (null: nothing is in prod yet). Only read for → prod. */
  prod: { version: string; manifest: Manifest } | null;
  approvals: { counted: number; required: number };
};

export type GateEvaluation = {
  gates: Gate[];
  /** Every gate except approvals passes (or is waived): the request may collect or count approvals. */
  ready: boolean;
  /** Some gate is still running (as opposed to failed). */
  running: boolean;
  /** ready and enough approvals: promotion may happen now. */
  promotable: boolean;
  /** What stands in the way, in a sentence (absent when promotable). */
  blockedReason?: string;
  approvals: { counted: number; required: number };
};

const requiredChecks: Record<PromotionTarget, readonly PolicyCheckKind[]> = {
  staging: ["validation", "security"],
  prod: ["validation", "fairness", "adversarial", "security"],
};

const checkLabel: Record<PolicyCheckKind, string> = {
  validation: "Validation check",
  fairness: "Fairness check",
  adversarial: "Adversarial robustness check",
  security: "Security scan",
};

function checkGate(kind: PolicyCheckKind, run: LatestCheck | undefined, input: GateInput): Gate {
  const base = { id: `check.${kind}`, label: checkLabel[kind] };
  if (!run) return { ...base, status: "fail", detail: `The ${kind} check has never run on this version: run the checks.` };
  if (run.status !== "finished") return { ...base, status: "pending", detail: `The ${kind} check is ${run.status === "queued" ? "queued" : "running"}.` };
  const currentChecker = input.current.checkerVersions[kind];
  if (run.checkerVersion !== currentChecker)
    return { ...base, status: "fail", detail: `The last ${kind} run used checker ${run.checkerVersion}; the current checker is ${currentChecker}: rerun the checks.` };
  if (canonicalJson(run.thresholds) !== canonicalJson(input.current.thresholds[kind]))
    return { ...base, status: "fail", detail: `The last ${kind} run used thresholds from an earlier policy: rerun the checks under the current one.` };
  const summary = run.summary ? ` ${run.summary.replace(/\.?$/, ".")}` : "";
  switch (run.verdict) {
    case "pass":
      return { ...base, status: "pass", detail: `Passed.${summary}` };
    case "not_applicable": {
      const waiver = input.policy.waivers.find((w) => w.check === kind);
      return waiver
        ? { ...base, status: "waived", detail: `Not applicable to this artifact, waived by the model's policy: ${waiver.reason}` }
        : { ...base, status: "fail", detail: `Not applicable to this artifact, which blocks ${input.target} unless the model's policy waives the ${kind} check.${summary}` };
    }
    case "error":
      return { ...base, status: "fail", detail: `The check could not complete (error).${summary} Fix the cause and rerun it.` };
    default:
      return { ...base, status: "fail", detail: `Failed.${summary}` };
  }
}

function cardGate(card: CardCompleteness): Gate {
  const base = { id: "card", label: "Model card complete" };
  if (card.complete) return { ...base, status: "pass", detail: "The card states intended use, limitations, fairness notes and an owner or contact." };
  return { ...base, status: "fail", detail: `The card is missing: ${card.missing.map((m) => m.message).join(" ")}`, missing: card.missing };
}

function schemaGate(input: GateInput): Gate {
  const base = { id: "schema", label: "Schema compatible with prod" };
  if (!input.prod) return { ...base, status: "pass", detail: "Nothing is in prod yet, so there is no schema to stay compatible with.", changes: [] };
  const result = schemaCompatibility({
    prod: { version: input.prod.version, inputSchema: input.prod.manifest.inputSchema },
    candidate: { version: input.version.version, inputSchema: input.version.manifest.inputSchema },
  });
  return { ...base, status: result.verdict, detail: result.summary, changes: result.changes };
}

function approvalsGate({ counted, required }: GateInput["approvals"]): Gate {
  const base = { id: "approvals", label: `${required} reviewer approval${required === 1 ? "" : "s"}` };
  if (required === 0) return { ...base, label: "Reviewer approval", status: "pass", detail: "The policy asks for no human approval for this stage." };
  if (counted >= required) return { ...base, status: "pass", detail: `${counted} of ${required} approvals from reviewers who did not upload this version.` };
  return { ...base, status: "pending", detail: `${counted} of ${required} approvals so far; ${required - counted} more needed from reviewers who did not upload this version.` };
}

export function evaluateGates(input: GateInput): GateEvaluation {
  const latest = new Map(input.checks.map((c) => [c.kind, c]));
  const gates: Gate[] = requiredChecks[input.target].map((kind) => checkGate(kind, latest.get(kind), input));
  if (input.target === "prod") gates.push(cardGate(input.card), schemaGate(input));
  const approvals = approvalsGate(input.approvals);
  const blocking = gates.filter((g) => g.status === "fail" || g.status === "pending");
  const ready = blocking.length === 0;
  const promotable = ready && approvals.status === "pass";
  gates.push(approvals);
  const blockedReason = !ready
    ? blocking.map((g) => `${g.label}: ${g.detail}`).join(" ")
    : promotable
      ? undefined
      : approvals.detail;
  return { gates, ready, running: blocking.some((g) => g.status === "pending"), promotable, approvals: input.approvals, ...(blockedReason ? { blockedReason } : {}) };
}
