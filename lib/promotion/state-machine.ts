// The promotion workflow's rules, once, as pure functions: which stage a version may be requested
// for, how a PromotionRequest moves between states, and which approvals count. The services that
// store requests and move aliases call these inside their transactions; nothing here touches the
// database, so every rule is tested exhaustively on its own.
//
// The workflow: a request is for one version's manifest digest and the next stage (dev → staging →
// prod). It waits in `pending_checks` until the gates that come from checks hold; then in
// `awaiting_approval` until the approvals the policy requires count (straight to `approved` when it
// requires none); `approved` ends in `promoted` when the alias moves. A rerun, a failed check or a
// gate that stops holding sends an open request back to `pending_checks`. Reviewers may reject an
// open request before it is approved; requesters and admins may cancel an open request; when one
// request for a model and stage is promoted, the other open ones for it are superseded. `promoted`,
// `rejected`, `cancelled` and `superseded` are final.
import { conflict, forbidden, unprocessable } from "../errors/app-error.ts";

/** Where a version is. A new version enters `dev`; `archived` is a former prod kept for rollback. */
export const stages = ["dev", "staging", "prod", "archived"] as const;
export type Stage = (typeof stages)[number];

/** The stages a promotion can be requested for. */
export const promotionTargets = ["staging", "prod"] as const;
export type PromotionTarget = (typeof promotionTargets)[number];

/** dev → staging → prod, never skipping. Nothing follows prod; an archived version returns only by rollback. */
export function nextStage(stage: Stage): PromotionTarget | undefined {
  return stage === "dev" ? "staging" : stage === "staging" ? "prod" : undefined;
}

/** Refuses a request that skips a stage (422) or asks for the stage the version already holds (409). */
export function assertRequestable(current: Stage, to: PromotionTarget): void {
  if (current === to) throw conflict("already_in_stage", `the version is already in ${to}`);
  const next = nextStage(current);
  if (next !== to) {
    throw unprocessable(
      "stage_skipped",
      next ? `a version in ${current} can only be promoted to ${next}: stages are never skipped` : `a version in ${current} cannot be promoted (an archived version returns to prod only by rollback)`,
      [{ path: "to", message: next ? `must be ${next}` : "no promotion from this stage" }],
    );
  }
}

export const requestStatuses = ["pending_checks", "awaiting_approval", "approved", "promoted", "rejected", "cancelled", "superseded"] as const;
export type RequestStatus = (typeof requestStatuses)[number];

/** Statuses from which a request can still move; the others are final. */
export const openStatuses: readonly RequestStatus[] = ["pending_checks", "awaiting_approval", "approved"];
export const isOpen = (status: RequestStatus): boolean => openStatuses.includes(status);

/**
 * What can happen to a request. `checks_passed` and `approval` carry the approvals that count so far
 * (after this one) and how many the policy requires, so the machine decides whether the request is
 * now `approved`.
 */
export type PromotionEvent =
  | { type: "checks_passed"; counted: number; required: number }
  /** A rerun was queued, a check failed, or a gate no longer holds (e.g. against a new prod): back to waiting, with the reason. */
  | { type: "checks_changed" }
  | { type: "approval"; counted: number; required: number }
  | { type: "rejection" }
  | { type: "promotion" }
  | { type: "cancellation" }
  /** Another request for the same model and stage was promoted first. */
  | { type: "supersession" };

const enoughApprovals = (e: { counted: number; required: number }): RequestStatus => (e.counted >= e.required ? "approved" : "awaiting_approval");

/**
 * The transition table. A missing entry is a refused transition: a stale or duplicate request
 * (two reviewers deciding at once, a cancel after the promotion) is a 409 that names both states.
 */
const table: Record<RequestStatus, Partial<{ [K in PromotionEvent["type"]]: (e: Extract<PromotionEvent, { type: K }>) => RequestStatus }>> = {
  pending_checks: {
    checks_passed: enoughApprovals,
    checks_changed: () => "pending_checks",
    rejection: () => "rejected",
    cancellation: () => "cancelled",
    supersession: () => "superseded",
  },
  awaiting_approval: {
    approval: enoughApprovals,
    checks_changed: () => "pending_checks",
    rejection: () => "rejected",
    cancellation: () => "cancelled",
    supersession: () => "superseded",
  },
  approved: {
    promotion: () => "promoted",
    checks_changed: () => "pending_checks",
    cancellation: () => "cancelled",
    supersession: () => "superseded",
  },
  promoted: {},
  rejected: {},
  cancelled: {},
  superseded: {},
};

export function transition(status: RequestStatus, event: PromotionEvent): RequestStatus {
  const step = table[status][event.type] as ((e: PromotionEvent) => RequestStatus) | undefined;
  if (!step) {
    throw conflict(
      isOpen(status) ? "invalid_transition" : "request_closed",
      isOpen(status) ? `a request that is ${status.replace("_", " ")} cannot take a ${event.type.replace("_", " ")}` : `the request is already ${status}`,
    );
  }
  return step(event);
}

export type ApprovalRecord = { userId: string; decision: "approve" | "reject"; manifestDigest: string };

/**
 * The approvals that count toward a request: approvals (not rejections) of this exact manifest
 * digest, by anyone but the uploader, each reviewer once. Who may approve at all (the reviewer or
 * admin role, with their own review-scoped credential) is the permission table's business.
 */
export function countedApprovals(approvals: readonly ApprovalRecord[], { uploaderId, manifestDigest }: { uploaderId: string | null; manifestDigest: string }): number {
  const reviewers = new Set(approvals.filter((a) => a.decision === "approve" && a.manifestDigest === manifestDigest && a.userId !== uploaderId).map((a) => a.userId));
  return reviewers.size;
}

/**
 * Refuses a decision that cannot count: by the uploader (403), on a digest other than the
 * request's — the reviewer's page showed something else (409) — or a second decision by the same
 * reviewer (409). A rejection needs a comment (422).
 */
export function assertMayDecide(
  decision: { userId: string; decision: "approve" | "reject"; manifestDigest: string; comment?: string },
  request: { uploaderId: string | null; manifestDigest: string; approvals: readonly ApprovalRecord[] },
): void {
  if (decision.userId === request.uploaderId) throw forbidden("self_approval", "the uploader of a version cannot approve or reject its promotion");
  if (decision.manifestDigest !== request.manifestDigest)
    throw conflict("digest_mismatch", `the request is for manifest ${request.manifestDigest}, not ${decision.manifestDigest}: reload the request and review what it is for`);
  if (request.approvals.some((a) => a.userId === decision.userId)) throw conflict("already_decided", "you have already decided on this request");
  if (decision.decision === "reject" && !decision.comment?.trim())
    throw unprocessable("comment_required", "a rejection needs a comment saying why", [{ path: "comment", message: "required when rejecting" }]);
}
