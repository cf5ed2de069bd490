// Models: named containers of versions. Names are permanent (they are in URLs and audit records).
import { z } from "zod";
import { recordAuditEvent } from "../audit/record-event.ts";
import type { Actor } from "../auth/roles.ts";
import type { Db, Tx } from "../db/types.ts";
import { isUniqueViolation } from "../db/errors.ts";
import type { Prisma } from "../db/types.ts";
import { conflict, notFound } from "../http/errors.ts";
import { decodeCursor, encodeCursor, type Page } from "../http/pagination.ts";
import { modelNameSchema } from "./rules.ts";

export const tagSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.:\-/]{0,63}$/, "tags are 1-64 chars: letters, digits, _ . : - /");
export const tagsSchema = z.array(tagSchema).max(50);

export const modelViewSchema = z
  .object({
    name: z.string(),
    description: z.string(),
    tags: z.array(z.string()),
    owner: z.string().nullable().describe("email of the owner"),
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

const modelInclude = {
  owner: { select: { email: true } },
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
    owner: m.owner?.email ?? null,
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
  try {
    return await db.$transaction(async (tx) => {
      const model = await tx.model.create({
        data: {
          name,
          description: description ?? "",
          tags: [...new Set(tags ?? [])],
          ownerId: actor.type === "user" ? actor.id : null,
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
    const before = await tx.model.findUnique({ where: { name } });
    if (!before) throw notFound("model_not_found", `no model named '${name}'`);
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

export async function findModelId(db: Tx, name: string): Promise<string> {
  const model = await db.model.findUnique({ where: { name }, select: { id: true } });
  if (!model) throw notFound("model_not_found", `no model named '${name}'`);
  return model.id;
}
