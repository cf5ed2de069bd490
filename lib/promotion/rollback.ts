// POST /models/{name}/rollback: prod goes back to the previous prod (or a named earlier one) at once,
// without gates — a rollback is how a bad release is stopped — but only to a version that was prod
// before, with a reason, audited. The rolled-back version is archived and marked.
import { z } from "zod";
import { recordAuditEvent } from "../audit/record-event.ts";
import { credentialOf } from "../audit/credential.ts";
import { assertAllowed } from "../auth/permissions.ts";
import type { Actor } from "../auth/roles.ts";
import type { Db } from "../db/types.ts";
import { conflict, notFound, unprocessable } from "../errors/app-error.ts";
import { currentProd, lockModel } from "./facts.ts";
import { emitPromotionEvent } from "./notify.ts";

export const rollbackBody = z
  .strictObject({
    stage: z.literal("prod").default("prod").describe("the stage to roll back; only prod has a history of releases"),
    toVersion: z.string().min(1).max(128).optional().describe("an earlier prod version; default: the prod before the current one"),
    reason: z.string().trim().min(1, "say why prod is rolled back").max(2000),
  })
  .meta({ id: "RollbackBody" });

export const rollbackResultSchema = z
  .object({ model: z.string(), stage: z.literal("prod"), from: z.string(), to: z.string(), manifestDigest: z.string(), reason: z.string(), at: z.string() })
  .meta({ id: "Rollback" });
export type RollbackResult = z.infer<typeof rollbackResultSchema>;

export async function rollbackStage(db: Db, opts: { actor: Actor; model: string; toVersion?: string; reason: string }): Promise<RollbackResult> {
  return db.$transaction(async (tx) => {
    const model = await tx.model.findUnique({ where: { name: opts.model }, select: { id: true, owners: { select: { userId: true } } } });
    if (!model) throw notFound("model_not_found", `no model named '${opts.model}'`);
    assertAllowed(opts.actor, "promotion.rollback", { owners: model.owners.map((o) => o.userId) });
    const named = opts.toVersion
      ? await tx.modelVersion.findUnique({ where: { modelId_version: { modelId: model.id, version: opts.toVersion } }, select: { id: true } })
      : null;
    if (opts.toVersion && !named) throw notFound("version_not_found", `model '${opts.model}' has no version '${opts.toVersion}'`);
    await lockModel(tx, model.id, named ? [named.id] : []);
    const prod = await currentProd(tx, model.id);
    if (!prod) throw conflict("no_prod", `${opts.model} has nothing in prod to roll back`);

    // Versions that were prod before, newest first; a version rolled back itself is skipped unless named.
    const formerProds = await tx.stageEvent.findMany({
      where: { modelId: model.id, toStage: "prod", kind: { in: ["promoted", "restored"] }, versionId: { not: prod.id }, ...(named ? { versionId: named.id } : {}) },
      orderBy: { at: "desc" },
      select: { versionId: true, version: { select: { version: true, manifestDigest: true, rolledBackAt: true } } },
    });
    if (named && named.id === prod.id) throw conflict("already_prod", `${opts.toVersion} is prod already`);
    const target = named ? formerProds[0] : formerProds.find((e) => !e.version.rolledBackAt);
    if (!target) {
      throw named
        ? unprocessable("not_a_former_prod", `${opts.toVersion} was never in prod, so prod cannot roll back to it`, [{ path: "toVersion", message: "must be a version that was prod before" }])
        : conflict("no_previous_prod", `${opts.model} has no earlier prod version to roll back to`);
    }
    const at = new Date();
    const who = { actorType: opts.actor.type, actorId: opts.actor.id, credential: credentialOf(opts.actor) };
    await tx.modelVersion.update({ where: { id: prod.id }, data: { stage: "archived", rolledBackAt: at } });
    await tx.modelVersion.update({ where: { id: target.versionId }, data: { stage: "prod", rolledBackAt: null } });
    await tx.alias.update({ where: { modelId_name: { modelId: model.id, name: "prod" } }, data: { versionId: target.versionId } });
    await tx.stageEvent.createMany({
      data: [
        { modelId: model.id, versionId: prod.id, kind: "rolled_back", fromStage: "prod", toStage: "archived", alias: "prod", reason: opts.reason, at, ...who },
        { modelId: model.id, versionId: target.versionId, kind: "restored", fromStage: "archived", toStage: "prod", alias: "prod", reason: opts.reason, at, ...who },
      ],
    });
    const result: RollbackResult = { model: opts.model, stage: "prod", from: prod.version, to: target.version.version, manifestDigest: target.version.manifestDigest, reason: opts.reason, at: at.toISOString() };
    await recordAuditEvent(tx, { actor: opts.actor, action: "promotion.rolled_back", subject: { type: "model", id: opts.model }, payload: result });
    await emitPromotionEvent(tx, "rollback", result);
    return result;
  });
}
