// PUT / DELETE /models/{name}/aliases/{alias}: owners point custom aliases (champion, challenger, …)
// at versions. prod and staging are the workflow's: they move only by promotion and rollback.
import { z } from "zod";
import { recordAuditEvent } from "../audit/record-event.ts";
import { credentialOf } from "../audit/credential.ts";
import type { Actor } from "../auth/roles.ts";
import type { Db } from "../db/types.ts";
import { forbidden, notFound } from "../errors/app-error.ts";
import { authorizeModelAction } from "../registry/models.ts";
import { lockModel } from "./facts.ts";

/** Stage names: an alias with one of these names would read as a stage. */
export const reservedAliases = ["prod", "staging", "dev", "archived", "none"] as const;

export const aliasNameSchema = z
  .string()
  .regex(/^[a-z][a-z0-9_-]{0,62}$/, "1-63 characters: lower-case letters, digits, '-' and '_', starting with a letter");

export const setAliasBody = z.strictObject({ version: z.string().min(1).max(128) }).meta({ id: "SetAliasBody" });

export const customAliasSchema = z.object({ model: z.string(), alias: z.string(), version: z.string(), manifestDigest: z.string() }).meta({ id: "CustomAlias" });
export type CustomAlias = z.infer<typeof customAliasSchema>;

function assertCustom(alias: string) {
  if ((reservedAliases as readonly string[]).includes(alias))
    throw forbidden("alias_reserved", `'${alias}' is moved only by the promotion workflow (promotion and rollback), not set by hand`);
}

export async function setCustomAlias(db: Db, opts: { actor: Actor; model: string; alias: string; version: string }): Promise<CustomAlias> {
  assertCustom(opts.alias);
  return db.$transaction(async (tx) => {
    const model = await authorizeModelAction(tx, opts.actor, "alias.manage", opts.model);
    await lockModel(tx, model.id);
    const version = await tx.modelVersion.findUnique({ where: { modelId_version: { modelId: model.id, version: opts.version } }, select: { id: true, manifestDigest: true, stage: true } });
    if (!version) throw notFound("version_not_found", `model '${opts.model}' has no version '${opts.version}'`);
    const before = await tx.alias.findUnique({ where: { modelId_name: { modelId: model.id, name: opts.alias } }, select: { version: { select: { version: true } } } });
    await tx.alias.upsert({
      where: { modelId_name: { modelId: model.id, name: opts.alias } },
      create: { modelId: model.id, name: opts.alias, versionId: version.id },
      update: { versionId: version.id },
    });
    await tx.stageEvent.create({
      data: { modelId: model.id, versionId: version.id, kind: "alias_set", alias: opts.alias, actorType: opts.actor.type, actorId: opts.actor.id, credential: credentialOf(opts.actor), reason: before ? `moved from ${before.version.version}` : "" },
    });
    const result = { model: opts.model, alias: opts.alias, version: opts.version, manifestDigest: version.manifestDigest };
    await recordAuditEvent(tx, { actor: opts.actor, action: "alias.set", subject: { type: "model", id: opts.model }, payload: { ...result, previous: before?.version.version ?? null } });
    return result;
  });
}

export async function removeCustomAlias(db: Db, opts: { actor: Actor; model: string; alias: string }): Promise<void> {
  assertCustom(opts.alias);
  await db.$transaction(async (tx) => {
    const model = await authorizeModelAction(tx, opts.actor, "alias.manage", opts.model);
    await lockModel(tx, model.id);
    const alias = await tx.alias.findUnique({ where: { modelId_name: { modelId: model.id, name: opts.alias } }, select: { versionId: true, version: { select: { version: true } } } });
    if (!alias) throw notFound("alias_not_found", `model '${opts.model}' has no alias '${opts.alias}'`);
    await tx.alias.delete({ where: { modelId_name: { modelId: model.id, name: opts.alias } } });
    await tx.stageEvent.create({
      data: { modelId: model.id, versionId: alias.versionId, kind: "alias_removed", alias: opts.alias, actorType: opts.actor.type, actorId: opts.actor.id, credential: credentialOf(opts.actor) },
    });
    await recordAuditEvent(tx, { actor: opts.actor, action: "alias.removed", subject: { type: "model", id: opts.model }, payload: { alias: opts.alias, version: alias.version.version } });
  });
}
