// What the signed-in person may do on a request page, and — when they may not — why, in words. The
// same rules the services enforce (the permission table, the uploader rule, one decision per
// reviewer, gates before approval), asked up front so the page offers only what will work and
// says what stands in the way; the services still refuse anything else.
import { can } from "../auth/permissions.ts";
import type { Actor } from "../auth/roles.ts";
import { isOpen, type RequestStatus } from "./state-machine.ts";

export type DecisionRights = {
  approve: boolean;
  reject: boolean;
  /** Why approving (or deciding at all) is not open to this person now; absent when approving is. */
  reason?: string;
  cancel: boolean;
};

export function decisionRights({
  actor,
  request,
  uploaderEmail,
}: {
  actor: Actor;
  request: { status: RequestStatus; requestedBy: { id: string } | null; blockedReason: string | null; approvals: readonly { user: { id: string }; decision: "approve" | "reject" }[] };
  /** The version's uploader (null: uploaded with the bootstrap token). */
  uploaderEmail: string | null;
}): DecisionRights {
  const open = isOpen(request.status);
  const cancel = open && can(actor, "promotion.cancel", { requesterId: request.requestedBy?.id ?? null });
  const refuse = (reason: string): DecisionRights => ({ approve: false, reject: false, reason, cancel });
  if (!open) return refuse(`This request is ${request.status.replace("_", " ")}: there is nothing left to decide.`);
  if (uploaderEmail !== null && actor.type === "user" && actor.email.toLowerCase() === uploaderEmail.toLowerCase())
    return refuse("You uploaded this version, so you cannot approve or reject it: another reviewer has to.");
  if (!can(actor, "promotion.approve"))
    return refuse(`Approving and rejecting takes the reviewer or admin role, signed in as yourself; you are signed in as a${/^[aeiou]/.test(actor.role) ? "n" : ""} ${actor.role}.`);
  const mine = request.approvals.find((a) => a.user.id === actor.id);
  if (mine) return refuse(`You already ${mine.decision === "approve" ? "approved" : "rejected"} this request; each reviewer decides once.`);
  if (request.status === "approved") return refuse("The request already has every approval it needs; the promotion is being completed.");
  if (request.status === "pending_checks")
    return { approve: false, reject: true, reason: `The gates have not passed yet, so it cannot be approved: ${request.blockedReason ?? "its checks are still running."} You can still reject it.`, cancel };
  return { approve: true, reject: true, cancel };
}
