// Paging through the audit log, for auditors and admins: in chain order (oldest first, what a
// verifier walks) or newest first (what a person investigating wants), filtered by exact values.
import { z } from "zod";
import type { Tx } from "../db/types.ts";
import { decodeCursor, encodeCursor, type Page } from "../http/pagination.ts";
import { badRequest } from "../errors/app-error.ts";

export const auditEventSchema = z
  .object({
    seq: z.string(),
    id: z.string(),
    at: z.string(),
    actor: z.object({ type: z.string(), id: z.string() }),
    credential: z
      .string()
      .nullable()
      .describe("The credential that acted: `token:<id>`, `session:<id>` or `bootstrap`; null for system actions and for events recorded before credentials were"),
    action: z.string(),
    subject: z.object({ type: z.string(), id: z.string() }),
    payload: z.record(z.string(), z.unknown()),
    prevHash: z.string(),
    hash: z.string(),
    hashVersion: z.number().int().describe("Which fields `hash` covers: 1 (legacy numbering) or 2; see the API guide"),
  })
  .meta({ id: "AuditEvent" });
export type AuditEventView = z.infer<typeof auditEventSchema>;

export const auditOrders = ["asc", "desc"] as const;
export type AuditOrder = (typeof auditOrders)[number];

const instant = z.union([z.iso.datetime({ offset: true }), z.iso.date()]);

export const auditQuery = z.object({
  order: z
    .enum(auditOrders)
    .default("asc")
    .describe("`asc`: chain order, oldest first (the default); `desc`: newest first. A cursor only pages the order it came from"),
  actor: z.string().max(320).optional().describe("Who acted: an actor id (a user's id, `bootstrap`, `worker:…`) or a user's email"),
  credential: z.string().max(200).optional().describe("The credential that acted, e.g. `token:<id>`"),
  subjectType: z.string().max(100).optional(),
  subjectId: z.string().max(500).optional(),
  action: z.string().max(100).optional(),
  from: instant.optional().describe("Events at or after this time: ISO 8601 with a time zone, or a date (00:00 UTC)"),
  to: instant.optional().describe("Events before this time: ISO 8601 with a time zone, or a date (00:00 UTC)"),
});
export type AuditQuery = Partial<z.output<typeof auditQuery>>;

export async function listAuditEvents(db: Tx, { limit, cursor, ...query }: { limit: number; cursor?: string } & AuditQuery): Promise<Page<AuditEventView>> {
  const order = query.order ?? "asc";
  // The cursor is the seq of the last event shown; its key names the order, so a cursor from one
  // order is refused by the other instead of silently skipping or repeating events.
  const cursorKey = order === "asc" ? "seq" : "before";
  let position: bigint | undefined;
  if (cursor) {
    const seq = decodeCursor(cursor, [cursorKey])[cursorKey];
    if (!/^\d{1,19}$/.test(seq)) throw badRequest("invalid_cursor", "the cursor is not one this API returned", [{ path: "cursor", message: "invalid cursor" }]);
    position = BigInt(seq);
  }
  const from = query.from ? new Date(query.from) : undefined;
  const to = query.to ? new Date(query.to) : undefined;
  if (from && to && from >= to) throw badRequest("invalid_time_range", "`from` must be before `to`", [{ path: "to", message: "must be after from" }]);
  const actorIds = query.actor ? await actorIdsFor(db, query.actor) : undefined;

  const rows = await db.auditEvent.findMany({
    where: {
      ...(position !== undefined ? { seq: order === "asc" ? { gt: position } : { lt: position } } : {}),
      ...(actorIds ? { actorId: { in: actorIds } } : {}),
      ...(query.credential ? { credential: query.credential } : {}),
      ...(query.subjectType ? { subjectType: query.subjectType } : {}),
      ...(query.subjectId ? { subjectId: query.subjectId } : {}),
      ...(query.action ? { action: query.action } : {}),
      ...(from || to ? { at: { ...(from ? { gte: from } : {}), ...(to ? { lt: to } : {}) } } : {}),
    },
    orderBy: { seq: order },
    take: limit + 1,
  });
  const last = rows.length > limit ? rows[limit - 1] : undefined;
  return {
    items: rows.slice(0, limit).map((e) => ({
      seq: e.seq.toString(),
      id: e.id,
      at: e.at.toISOString(),
      actor: { type: e.actorType, id: e.actorId },
      credential: e.credential,
      action: e.action,
      subject: { type: e.subjectType, id: e.subjectId },
      payload: e.payload as Record<string, unknown>,
      prevHash: e.prevHash,
      hash: e.hash,
      hashVersion: e.hashVersion,
    })),
    nextCursor: last ? encodeCursor({ [cursorKey]: last.seq.toString() }) : null,
  };
}

/** Events name their actor by id (ids never change, emails might); people search by email. */
async function actorIdsFor(db: Tx, actor: string): Promise<string[]> {
  if (!actor.includes("@")) return [actor];
  const user = await db.user.findUnique({ where: { email: actor.toLowerCase() }, select: { id: true } });
  return user ? [actor, user.id] : [actor];
}
