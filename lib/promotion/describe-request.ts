// A request in one sentence, verdict first, for the reviewer queue and the top of the request page:
// "Blocked: fairness check failed", "Ready for your approval — 1 of 2 approvals", "Promoted to prod
// on 2025-03-03 14:02 UTC". Derived only from the request's status and gates, so the queue (stored
// gates) and the request page (gates re-evaluated now) phrase the same facts the same way.
import type { Gate } from "./gates.ts";
import type { RequestStatus } from "./state-machine.ts";

export type RequestTone = "blocked" | "waiting" | "ready" | "approved" | "promoted" | "closed";

export type RequestDescription = {
  tone: RequestTone;
  /** The page's header sentence. */
  headline: string;
  /** The queue's short form: "5/7 gates · fairness failing", "Ready — 1 of 2 approvals". */
  glance: string;
};

type Describable = {
  status: RequestStatus;
  to: string;
  gates: readonly Gate[];
  blockedReason: string | null;
  closedAt: string | null;
  /** Counted approvals when known (the request page); the queue reads them from the approvals gate. */
  approvalsCounted?: number;
  requiredApprovals: number;
};

/** "check.fairness" → "fairness"; the card and schema gates by what they are about. */
function shortName(gate: Gate): string {
  if (gate.id.startsWith("check.")) return gate.id.slice("check.".length);
  if (gate.id === "card") return "model card";
  if (gate.id === "schema") return "schema";
  return gate.label.toLowerCase();
}

/** What a failing gate means, as a reviewer would say it. */
function failure(gate: Gate): string {
  if (gate.id.startsWith("check.")) return `${shortName(gate)} check failed`;
  if (gate.id === "card") return "model card incomplete";
  if (gate.id === "schema") return "schema incompatible with prod";
  return `${gate.label.toLowerCase()} not met`;
}

const list = (names: string[]) => (names.length <= 2 ? names.join(" and ") : `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`);

const utc = (iso: string) => new Date(iso).toISOString().replace("T", " ").replace(/:\d\d\.\d+Z$/, " UTC");

function approvalsOf(r: Describable): { counted: number; required: number } {
  if (r.approvalsCounted !== undefined) return { counted: r.approvalsCounted, required: r.requiredApprovals };
  // The stored approvals gate says "1 of 2 approvals…"; without it nothing has been counted yet.
  const gate = r.gates.find((g) => g.id === "approvals");
  const match = gate ? /^(\d+) of (\d+)/.exec(gate.detail) : null;
  return match ? { counted: Number(match[1]), required: Number(match[2]) } : { counted: 0, required: r.requiredApprovals };
}

export function describeRequest(r: Describable): RequestDescription {
  const checkGates = r.gates.filter((g) => g.id !== "approvals");
  const passed = r.gates.filter((g) => g.status === "pass" || g.status === "waived").length;
  const tally = r.gates.length ? `${passed}/${r.gates.length} gates` : "gates not evaluated yet";
  const failing = checkGates.filter((g) => g.status === "fail");
  const pending = checkGates.filter((g) => g.status === "pending").map(shortName);
  const { counted, required } = approvalsOf(r);
  const approvals = `${counted} of ${required} approval${required === 1 ? "" : "s"}`;

  switch (r.status) {
    case "promoted":
      return { tone: "promoted", headline: `Promoted to ${r.to}${r.closedAt ? ` on ${utc(r.closedAt)}` : ""}`, glance: `Promoted to ${r.to}` };
    case "rejected":
      return { tone: "closed", headline: r.blockedReason ? `Rejected — ${r.blockedReason.replace(/^rejected by /, "by ")}` : "Rejected", glance: "Rejected" };
    case "cancelled":
      return { tone: "closed", headline: r.blockedReason ? `Cancelled — ${r.blockedReason.replace(/^cancelled by /, "by ")}` : "Cancelled", glance: "Cancelled" };
    case "superseded":
      return { tone: "closed", headline: `Superseded: another version was promoted to ${r.to} first`, glance: "Superseded" };
    case "approved":
      return { tone: "approved", headline: `Approved — ${approvals}; the promotion to ${r.to} is being completed`, glance: `Approved — ${approvals}` };
    case "awaiting_approval":
      return { tone: "ready", headline: `Ready for your approval — ${approvals}`, glance: `Ready — ${approvals}` };
    case "pending_checks":
      if (failing.length) return { tone: "blocked", headline: `Blocked: ${list(failing.map(failure))}`, glance: `${tally} · ${list(failing.map(shortName))} failing` };
      if (pending.length) return { tone: "waiting", headline: `Waiting for checks: ${list(pending)} still running`, glance: `${tally} · ${list(pending)} running` };
      return { tone: "waiting", headline: `Waiting for its gates${r.blockedReason ? `: ${r.blockedReason}` : ""}`, glance: tally };
  }
}
