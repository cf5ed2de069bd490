// POST /promotions/{id}/approvals: a reviewer approves or rejects a request, for the manifest digest
// their page showed. The approval that completes the count promotes in the same transaction, after
// every gate is re-checked against the prod of that moment; the model's lock makes simultaneous
// approvals take turns, so exactly one of them promotes and the later ones find the request closed.
import { z } from "zod";
import { recordAuditEvent } from "../audit/record-event.ts";
import { credentialOf } from "../audit/credential.ts";
import { assertAllowed } from "../auth/permissions.ts";
import type { Actor } from "../auth/roles.ts";
import type { Db } from "../db/types.ts";
import { conflict, notFound } from "../errors/app-error.ts";
import { lockModel, loadVersionFacts } from "./facts.ts";
import { getPromotion } from "./get-promotion.ts";
import { emitPromotionEvent } from "./notify.ts";
import { settleRequest } from "./settle.ts";
import { assertMayDecide, isOpen, transition, type RequestStatus } from "./state-machine.ts";
import type { PromotionView } from "./views.ts";

export const decidePromotionBody = z
  .strictObject({
    decision: z.enum(["approve", "reject"]),
    comment: z.string().trim().max(4000).default(""),
    manifestDigest: z
      .string()
      .regex(/^[0-9a-f]{64}$/, "the sha256 manifest digest (64 lower-case hex characters) of the version you reviewed")
      .describe("the digest the reviewer was shown; a mismatch with the request's is a 409 (digest_mismatch)"),
  })
  .meta({ id: "ApprovalBody" });

export async function decidePromotion(
  db: Db,
  opts: { actor: Actor; id: string; decision: "approve" | "reject"; comment: string; manifestDigest: string },
): Promise<PromotionView> {
  assertAllowed(opts.actor, "promotion.approve");
  const { actor } = opts;
  await db.$transaction(async (tx) => {
    const found = await tx.promotionRequest.findUnique({ where: { id: opts.id }, select: { modelId: true, versionId: true } });
    if (!found) throw notFound("promotion_not_found", "no promotion request with this id");
    await lockModel(tx, found.modelId, [found.versionId]);
    const request = await tx.promotionRequest.findUniqueOrThrow({
      where: { id: opts.id },
      select: { id: true, status: true, manifestDigest: true, toStage: true, approvals: { select: { userId: true, decision: true, manifestDigest: true } } },
    });
    const status = request.status as RequestStatus;
    const version = await loadVersionFacts(tx, { id: found.versionId });
    if (!isOpen(status)) transition(status, { type: "rejection" }); // throws request_closed
    assertMayDecide(
      { userId: actor.id, decision: opts.decision, manifestDigest: opts.manifestDigest, comment: opts.comment },
      { uploaderId: version.uploaderId, manifestDigest: request.manifestDigest, approvals: request.approvals as { userId: string; decision: "approve" | "reject"; manifestDigest: string }[] },
    );
    if (opts.decision === "approve" && status === "pending_checks") {
      const current = await tx.promotionRequest.findUniqueOrThrow({ where: { id: request.id }, select: { blockedReason: true } });
      throw conflict("gates_not_passed", `the request is waiting for its gates, so it cannot be approved yet: ${current.blockedReason ?? "checks are running"}`);
    }
    if (opts.decision === "approve" && status === "approved") throw conflict("already_approved", "the request already has every approval it needs");
    await tx.approval.create({
      data: { requestId: request.id, userId: actor.id, credential: credentialOf(actor) ?? `user:${actor.id}`, decision: opts.decision, comment: opts.comment, manifestDigest: opts.manifestDigest },
    });
    const data = { requestId: request.id, model: version.model, version: version.version, manifestDigest: request.manifestDigest, to: request.toStage, reviewer: actor.email, comment: opts.comment };
    if (opts.decision === "reject") {
      await tx.promotionRequest.update({ where: { id: request.id }, data: { status: transition(status, { type: "rejection" }), closedAt: new Date(), blockedReason: `rejected by ${actor.email}: ${opts.comment}` } });
      await recordAuditEvent(tx, { actor, action: "promotion.rejected", subject: { type: "promotion_request", id: request.id }, payload: data });
      await emitPromotionEvent(tx, "promotion.rejected", data);
      return;
    }
    await recordAuditEvent(tx, { actor, action: "promotion.approved", subject: { type: "promotion_request", id: request.id }, payload: data });
    await emitPromotionEvent(tx, "promotion.approved", data);
    await settleRequest(tx, { requestId: request.id, actor });
  });
  return getPromotion(db, { id: opts.id });
}
