// Moving an open request as far as the gates allow, in the caller's transaction (which holds the
// model's lock): re-evaluate every gate against the prod of this moment, step the state machine, and
// when the request is approved, promote — move the alias, set the stages, archive the old prod,
// supersede the other open requests for that stage — all in the same transaction. Called after a
// request is made, after each decision, and when a version's checks finish.
import { recordAuditEvent, type AuditActor } from "../audit/record-event.ts";
import { credentialOf } from "../audit/credential.ts";
import type { Tx } from "../db/types.ts";
import type { CardCompleteness } from "./card-completeness.ts";
import { countApprovals, currentProd, evaluateVersionGates, loadVersionFacts, type VersionFacts } from "./facts.ts";
import type { GateEvaluation } from "./gates.ts";
import { emitPromotionEvent } from "./notify.ts";
import { isOpen, transition, type PromotionTarget, type RequestStatus } from "./state-machine.ts";

export type SettleResult = { status: RequestStatus; evaluation: GateEvaluation; promoted: boolean };

const finalStatuses: readonly RequestStatus[] = ["promoted", "rejected", "cancelled", "superseded"];

type RequestRow = {
  id: string;
  versionId: string;
  manifestDigest: string;
  toStage: string;
  status: RequestStatus;
  card: unknown;
  reason: string;
};

export async function settleRequest(tx: Tx, { requestId, actor }: { requestId: string; actor: AuditActor }): Promise<SettleResult> {
  const request = (await tx.promotionRequest.findUniqueOrThrow({
    where: { id: requestId },
    select: { id: true, versionId: true, manifestDigest: true, toStage: true, status: true, card: true, reason: true },
  })) as RequestRow;
  const version = await loadVersionFacts(tx, { id: request.versionId });
  const target = request.toStage as PromotionTarget;
  const evaluation = await evaluateVersionGates(tx, {
    version,
    target,
    card: request.card as CardCompleteness,
    approvals: () => countApprovals(tx, request, version.uploaderId),
  });
  if (!isOpen(request.status)) return { status: request.status, evaluation, promoted: false };

  const { counted } = evaluation.approvals;
  let status = request.status;
  if (!evaluation.ready) {
    if (status !== "pending_checks") status = transition(status, { type: "checks_changed" });
  } else if (status === "pending_checks") {
    status = transition(status, { type: "checks_passed", counted, required: evaluation.requiredApprovals });
  } else if (status === "awaiting_approval") {
    status = transition(status, { type: "approval", counted, required: evaluation.requiredApprovals });
  }

  let promoted = false;
  if (status === "approved" && evaluation.promotable) {
    await promote(tx, { request, version, target, actor });
    status = transition(status, { type: "promotion" });
    promoted = true;
  }
  await tx.promotionRequest.update({
    where: { id: request.id },
    data: {
      status,
      gates: evaluation.gates as object,
      blockedReason: evaluation.blockedReason ?? null,
      requiredApprovals: evaluation.requiredApprovals,
      ...(finalStatuses.includes(status) ? { closedAt: new Date() } : {}),
    },
  });
  if (status !== request.status && !promoted) {
    await recordAuditEvent(tx, {
      actor,
      action: status === "pending_checks" ? "promotion.blocked" : "promotion.ready",
      subject: { type: "promotion_request", id: request.id },
      payload: { from: request.status, to: status, model: version.model, version: version.version, reason: evaluation.blockedReason ?? null },
    });
  }
  return { status, evaluation, promoted };
}

/** Moves the stage's alias to the version, in the deciding transaction. */
async function promote(tx: Tx, { request, version, target, actor }: { request: RequestRow; version: VersionFacts; target: PromotionTarget; actor: AuditActor }) {
  const credential = credentialOf(actor);
  const who = { actorType: actor.type, actorId: actor.id, credential };
  let replaced: { id: string; version: string } | null = null;
  if (target === "prod") {
    const prod = await currentProd(tx, version.modelId);
    if (prod && prod.id !== version.id) {
      replaced = { id: prod.id, version: prod.version };
      await tx.modelVersion.update({ where: { id: prod.id }, data: { stage: "archived" } });
      await tx.stageEvent.create({
        data: { modelId: version.modelId, versionId: prod.id, kind: "archived", fromStage: "prod", toStage: "archived", requestId: request.id, reason: `replaced by ${version.version}`, ...who },
      });
    }
  }
  await tx.alias.upsert({
    where: { modelId_name: { modelId: version.modelId, name: target } },
    create: { modelId: version.modelId, name: target, versionId: version.id },
    update: { versionId: version.id },
  });
  await tx.modelVersion.update({ where: { id: version.id }, data: { stage: target } });
  await tx.stageEvent.create({
    data: { modelId: version.modelId, versionId: version.id, kind: "promoted", fromStage: version.stage, toStage: target, alias: target, requestId: request.id, reason: request.reason, ...who },
  });
  // The other open requests for this stage were judged against the prod that just changed.
  const others = await tx.promotionRequest.findMany({
    where: { modelId: version.modelId, toStage: target, status: { in: ["pending_checks", "awaiting_approval", "approved"] }, id: { not: request.id } },
    select: { id: true, status: true },
  });
  for (const other of others) {
    await tx.promotionRequest.update({
      where: { id: other.id },
      data: { status: transition(other.status, { type: "supersession" }), closedAt: new Date(), blockedReason: `superseded: ${version.version} was promoted to ${target} first` },
    });
  }
  const data = {
    requestId: request.id,
    model: version.model,
    version: version.version,
    manifestDigest: version.manifestDigest,
    stage: target,
    previous: replaced?.version ?? null,
    superseded: others.map((o) => o.id),
  };
  await recordAuditEvent(tx, { actor, action: "promotion.promoted", subject: { type: "promotion_request", id: request.id }, payload: data });
  await emitPromotionEvent(tx, "promotion.promoted", data);
}
