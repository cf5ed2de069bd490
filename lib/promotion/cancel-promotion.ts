// POST /promotions/{id}/cancel: the requester (or an admin) withdraws an open request.
import { recordAuditEvent } from "../audit/record-event.ts";
import { assertAllowed } from "../auth/permissions.ts";
import type { Actor } from "../auth/roles.ts";
import type { Db } from "../db/types.ts";
import { notFound } from "../errors/app-error.ts";
import { lockModel } from "./facts.ts";
import { getPromotion } from "./get-promotion.ts";
import { emitPromotionEvent } from "./notify.ts";
import { transition, type RequestStatus } from "./state-machine.ts";
import type { PromotionView } from "./views.ts";

export async function cancelPromotion(db: Db, { actor, id, reason }: { actor: Actor; id: string; reason?: string }): Promise<PromotionView> {
  await db.$transaction(async (tx) => {
    const found = await tx.promotionRequest.findUnique({ where: { id }, select: { modelId: true, requestedById: true } });
    if (!found) throw notFound("promotion_not_found", "no promotion request with this id");
    assertAllowed(actor, "promotion.cancel", { requesterId: found.requestedById });
    await lockModel(tx, found.modelId);
    const request = await tx.promotionRequest.findUniqueOrThrow({
      where: { id },
      select: { status: true, manifestDigest: true, toStage: true, model: { select: { name: true } }, version: { select: { version: true } } },
    });
    const status = transition(request.status as RequestStatus, { type: "cancellation" });
    await tx.promotionRequest.update({ where: { id }, data: { status, closedAt: new Date(), blockedReason: `cancelled by ${actor.email}${reason ? `: ${reason}` : ""}` } });
    const data = { requestId: id, model: request.model.name, version: request.version.version, manifestDigest: request.manifestDigest, to: request.toStage, reason: reason ?? "" };
    await recordAuditEvent(tx, { actor, action: "promotion.cancelled", subject: { type: "promotion_request", id }, payload: data });
    await emitPromotionEvent(tx, "promotion.cancelled", data);
  });
  return getPromotion(db, { id });
}
