// Shared between the promotion server actions and their forms (a "use server" module may only
// export async functions, so the types and the wording of refusals live here). Each refusal a
// service can give is said in terms of what the person sees and what to do next.
export type PromotionFormResult =
  | { ok: true; message: string; href?: string }
  | { ok: false; code: string; message: string; fieldErrors?: Record<string, string> };

export type DecideInput = { id: string; decision: "approve" | "reject"; comment: string; manifestDigest: string };
export type RequestInput = { model: string; version: string; to: "staging" | "prod"; reason: string };
export type CancelInput = { id: string; reason?: string };
export type RollbackInput = { model: string; reason: string; toVersion?: string };

const explanations: Record<string, string> = {
  digest_mismatch:
    "This request is for other bytes than the ones this page showed you (the page is out of date). Your decision was not recorded: reload the page and review what the request is for now.",
  self_approval: "You uploaded this version, so you cannot approve or reject it: another reviewer has to.",
  already_decided: "You have already decided on this request; each reviewer decides once.",
  request_closed: "The request was closed while you were reading it (promoted, rejected, cancelled or superseded). Reload the page to see how it ended.",
  comment_required: "Say why you reject it: a rejection needs a comment for the requester.",
  already_approved: "The request already has every approval it needs; the promotion is being completed. Reload the page.",
  request_exists: "This version already has an open request for that stage. Open it from the reviews page instead of requesting again.",
  already_in_stage: "The version is already in that stage.",
  not_model_owner: "Only the model's owners (or an admin) may do this. Ask an admin to add you as an owner.",
  not_requester: "Only whoever made the request (or an admin) may cancel it.",
  no_prod: "Nothing is in prod, so there is nothing to roll back.",
  no_previous_prod: "No earlier version was ever in prod, so there is nothing to roll back to.",
  already_prod: "That version is prod already.",
  authentication_required: "Your session has ended. Sign in again and retry.",
};

/** The words a form shows for a refused action: ours where we have better ones, the service's otherwise (with its own detail where it matters). */
export function explainRefusal(code: string, serviceMessage: string): string {
  if (code === "gates_not_passed") return `The gates no longer all pass, so it cannot be approved: ${serviceMessage.replace(/^The request is waiting for its gates, so it cannot be approved yet: /i, "")} Reload the page to see the checklist.`;
  if (code === "stage_skipped" || code === "not_a_former_prod" || code === "invalid_input") return serviceMessage;
  return explanations[code] ?? serviceMessage;
}
