// Models: named containers of versions. Names are permanent (they are in URLs and audit records).
import { z } from "zod";
import { recordAuditEvent } from "../audit/record-event.ts";
import type { Actor } from "../auth/roles.ts";
import type { Db, Tx } from "../db/types.ts";
import { isUniqueViolation } from "../db/errors.ts";
import type { Prisma } from "../db/types.ts";
import { conflict, notFound, unprocessable } from "../errors/app-error.ts";
import { decodeCursor, encodeCursor, type Page } from "../http/pagination.ts";
import { modelNameSchema } from "./rules.ts";
import { emailSchema } from "../schemas/email.ts";
import { assertAllowed, type Action } from "../auth/permissions.ts";

export const tagSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.:\-/]{0,63}$/, "tags are 1-64 chars: letters, digits, _ . : - /");
export const tagsSchema = z.array(tagSchema).max(50);

export const modelViewSchema = z
  .object({
    name: z.string(),
    description: z.string(),
    tags: z.array(z.string()),
    owner: z.string().nullable().describe("email of the model's first owner (kept for older clients; see owners)"),
    owners: z.array(z.string()).describe("emails of the users who may upload versions and edit the model (admins may too)"),
    versionCount: z.number().int(),
    latestVersion: z.string().nullable(),
    aliases: z.record(z.string(), z.string()).describe("alias name → version"),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: "Model" });
export type ModelView = z.infer<typeof modelViewSchema>;

export const createModelBody = z
  .strictObject({ name: modelNameSchema, description: z.string().max(10_000).optional(), tags: tagsSchema.optional() })
  .meta({ id: "CreateModel" });
export const updateModelBody = z
  .strictObject({ description: z.string().max(10_000).optional(), tags: tagsSchema.optional() })
  .refine((b) => b.description !== undefined || b.tags !== undefined, "send description and/or tags")
  .meta({ id: "UpdateModel" });

export const setOwnersBody = z
  .strictObject({ emails: z.array(emailSchema).max(50).describe("the model's owners; [] leaves it to admins") })
  .meta({ id: "SetModelOwners" });

const modelInclude = {
  owners: { orderBy: [{ addedAt: "asc" }, { user: { email: "asc" } }], select: { user: { select: { email: true } } } },
  aliases: { include: { version: { select: { version: true } } } },
  _count: { select: { versions: true } },
  versions: { orderBy: { createdAt: "desc" }, take: 1, select: { version: true } },
} satisfies Prisma.ModelInclude;

type ModelRow = Prisma.ModelGetPayload<{ include: typeof modelInclude }>;

function toModelView(m: ModelRow): ModelView {
  return {
    name: m.name,
    description: m.description,
    tags: m.tags,
    owner: m.owners[0]?.user.email ?? null,
    owners: m.owners.map((o) => o.user.email),
    versionCount: m._count.versions,
    latestVersion: m.versions[0]?.version ?? null,
    aliases: Object.fromEntries(m.aliases.map((a) => [a.name, a.version.version])),
    createdAt: m.createdAt.toISOString(),
    updatedAt: m.updatedAt.toISOString(),
  };
}

export async function createModel(
  db: Db,
  { actor, name, description, tags }: { actor: Actor; name: string; description?: string; tags?: string[] },
): Promise<ModelView> {
  assertAllowed(actor, "model.create");
  try {
    return await db.$transaction(async (tx) => {
      // The creator owns the model; one made with the bootstrap token has no owner, so only admins
      // write to it until an admin assigns owners.
      const creator = actor.type === "user" ? actor.id : null;
      const model = await tx.model.create({
        data: {
          name,
          description: description ?? "",
          tags: [...new Set(tags ?? [])],
          ownerId: creator,
          ...(creator ? { owners: { create: { userId: creator } } } : {}),
        },
        include: modelInclude,
      });
      await recordAuditEvent(tx, {
        actor,
        action: "model.created",
        subject: { type: "model", id: name },
        payload: { description: model.description, tags: model.tags },
      });
      return toModelView(model);
    });
  } catch (error) {
    if (isUniqueViolation(error))
      throw conflict("model_exists", `a model named '${name}' already exists`);
    throw error;
  }
}

export async function getModel(db: Tx, name: string): Promise<ModelView> {
  const model = await db.model.findUnique({ where: { name }, include: modelInclude });
  if (!model) throw notFound("model_not_found", `no model named '${name}'`);
  return toModelView(model);
}

/** Models sorted by name; `q` matches name or description (case-insensitive) or an exact tag. */
export async function listModels(db: Tx, { q, limit, cursor }: { q?: string; limit: number; cursor?: string }): Promise<Page<ModelView>> {
  const after = cursor ? decodeCursor(cursor, ["name"]).name : undefined;
  const search = q?.trim();
  const rows = await db.model.findMany({
    where: {
      ...(after ? { name: { gt: after } } : {}),
      ...(search
        ? {
            OR: [
              { name: { contains: search, mode: "insensitive" } },
              { description: { contains: search, mode: "insensitive" } },
              { tags: { has: search } },
            ],
          }
        : {}),
    },
    orderBy: { name: "asc" },
    take: limit + 1,
    include: modelInclude,
  });
  const last = rows.length > limit ? rows[limit - 1] : undefined;
  return { items: rows.slice(0, limit).map(toModelView), nextCursor: last ? encodeCursor({ name: last.name }) : null };
}

export async function updateModel(
  db: Db,
  { actor, name, description, tags }: { actor: Actor; name: string; description?: string; tags?: string[] },
): Promise<ModelView> {
  return db.$transaction(async (tx) => {
    const before = await authorizeModelAction(tx, actor, "model.edit", name);
    const model = await tx.model.update({
      where: { name },
      data: {
        ...(description !== undefined ? { description } : {}),
        ...(tags !== undefined ? { tags: [...new Set(tags)] } : {}),
      },
      include: modelInclude,
    });
    await recordAuditEvent(tx, {
      actor,
      action: "model.updated",
      subject: { type: "model", id: name },
      payload: {
        before: { description: before.description, tags: before.tags },
        after: { description: model.description, tags: model.tags },
      },
    });
    return toModelView(model);
  });
}

/**
 * The model an action is about, after the permission check with its owners as the resource (the
 * `owner` rule): 404 for an unknown model, 403 for someone who may not act on this one.
 */
export async function authorizeModelAction(db: Tx, actor: Actor, action: Action, name: string) {
  const model = await db.model.findUnique({ where: { name }, include: { owners: { select: { userId: true } } } });
  if (!model) throw notFound("model_not_found", `no model named '${name}'`);
  assertAllowed(actor, action, { owners: model.owners.map((o) => o.userId) });
  return model;
}

/** The ids of a model's owners (for pages asking `can(actor, action, { owners })`). */
export async function modelOwnerIds(db: Tx, name: string): Promise<string[]> {
  const rows = await db.modelOwner.findMany({ where: { model: { name } }, select: { userId: true } });
  return rows.map((r) => r.userId);
}

/** Replaces a model's owners (admins; audited). Every email must name an active user. */
export async function setModelOwners(db: Db, { actor, name, emails }: { actor: Actor; name: string; emails: string[] }): Promise<ModelView> {
  assertAllowed(actor, "model.manage_owners");
  return db.$transaction(async (tx) => {
    const model = await tx.model.findUnique({ where: { name }, include: modelInclude });
    if (!model) throw notFound("model_not_found", `no model named '${name}'`);
    const wanted = [...new Set(emails.map((e) => e.toLowerCase()))];
    const users = await tx.user.findMany({ where: { email: { in: wanted }, disabledAt: null }, select: { id: true, email: true } });
    const missing = wanted.filter((e) => !users.some((u) => u.email === e));
    if (missing.length)
      throw unprocessable(
        "unknown_owner",
        `no active user with email ${missing.map((e) => `'${e}'`).join(", ")}`,
        missing.map((e) => ({ path: `emails.${wanted.indexOf(e)}`, message: "no active user with this email" })),
      );
    await tx.modelOwner.deleteMany({ where: { modelId: model.id, userId: { notIn: users.map((u) => u.id) } } });
    await tx.modelOwner.createMany({ data: users.map((u) => ({ modelId: model.id, userId: u.id })), skipDuplicates: true });
    const after = await tx.model.findUniqueOrThrow({ where: { id: model.id }, include: modelInclude });
    await recordAuditEvent(tx, {
      actor,
      action: "model.owners_changed",
      subject: { type: "model", id: name },
      payload: { before: model.owners.map((o) => o.user.email), after: after.owners.map((o) => o.user.email) },
    });
    return toModelView(after);
  });
}

export async function findModelId(db: Tx, name: string): Promise<string> {
  const model = await db.model.findUnique({ where: { name }, select: { id: true } });
  if (!model) throw notFound("model_not_found", `no model named '${name}'`);
  return model.id;
}
