// POST /models/{name}/versions/{version}/promotions: ask for a version to move to the next stage.
// The request is for the version's manifest digest; it is evaluated at once and, when nothing
// stands in the way (→ staging with passed checks and no approvals required), promoted at once.
import { z } from "zod";
import { recordAuditEvent } from "../audit/record-event.ts";
import { credentialOf } from "../audit/credential.ts";
import type { Actor } from "../auth/roles.ts";
import { isUniqueViolation } from "../db/errors.ts";
import type { Db } from "../db/types.ts";
import { conflict } from "../errors/app-error.ts";
import { authorizeModelAction } from "../registry/models.ts";
import type { ObjectStore } from "../storage/index.ts";
import { lockModel, loadVersionFacts, readCardCompleteness } from "./facts.ts";
import { getPromotion } from "./get-promotion.ts";
import { emitPromotionEvent } from "./notify.ts";
import { settleRequest } from "./settle.ts";
import { assertRequestable, promotionTargets } from "./state-machine.ts";
import type { PromotionView } from "./views.ts";

export const requestPromotionBody = z
  .strictObject({
    to: z.enum(promotionTargets).describe("the next stage: staging from dev, prod from staging"),
    reason: z.string().trim().min(1, "say why this version should move").max(2000),
  })
  .meta({ id: "PromotionRequestBody" });

export async function requestPromotion(
  deps: { prisma: Db; store: ObjectStore },
  opts: { actor: Actor; model: string; version: string; to: "staging" | "prod"; reason: string },
): Promise<PromotionView> {
  // The card is part of the immutable version: read it before taking any lock.
  const facts = await loadVersionFacts(deps.prisma, { model: opts.model, version: opts.version });
  const card = await readCardCompleteness(deps.prisma, deps.store, facts.id);
  const id = await deps.prisma
    .$transaction(async (tx) => {
    const model = await authorizeModelAction(tx, opts.actor, "promotion.request", opts.model);
    await lockModel(tx, model.id, [facts.id]);
    const version = await loadVersionFacts(tx, { id: facts.id });
    assertRequestable(version.stage, opts.to);
    const open = await tx.promotionRequest.findFirst({
      where: { versionId: version.id, toStage: opts.to, status: { in: ["pending_checks", "awaiting_approval", "approved"] } },
      select: { id: true },
    });
    if (open) throw conflict("request_exists", `${opts.model} ${opts.version} already has an open request for ${opts.to} (${open.id})`);
    const request = await tx.promotionRequest.create({
      data: {
        modelId: model.id,
        versionId: version.id,
        manifestDigest: version.manifestDigest,
        fromStage: version.stage,
        toStage: opts.to,
        status: "pending_checks",
        reason: opts.reason,
        requestedById: opts.actor.type === "user" ? opts.actor.id : null,
        requestedByCredential: credentialOf(opts.actor),
        requiredApprovals: 0,
        gates: [],
        card: card as object,
      },
      select: { id: true },
    });
    const data = { requestId: request.id, model: opts.model, version: opts.version, manifestDigest: version.manifestDigest, from: version.stage, to: opts.to, reason: opts.reason };
    await recordAuditEvent(tx, { actor: opts.actor, action: "promotion.requested", subject: { type: "promotion_request", id: request.id }, payload: data });
    await emitPromotionEvent(tx, "promotion.requested", data);
    await settleRequest(tx, { requestId: request.id, actor: opts.actor });
    return request.id;
  })
    .catch((error: unknown) => {
      // The partial unique index is the backstop behind the check above (the model lock makes it rare).
      if (isUniqueViolation(error)) throw conflict("request_exists", `${opts.model} ${opts.version} already has an open request for ${opts.to}`);
      throw error;
    });
  return getPromotion(deps.prisma, { id });
}
