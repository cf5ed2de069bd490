// Paging through the audit log in chain order (oldest first), for auditors and admins.
import { z } from "zod";
import type { Tx } from "../db/types.ts";
import { decodeCursor, encodeCursor, type Page } from "../http/pagination.ts";
import { badRequest } from "../http/errors.ts";

export const auditEventSchema = z
  .object({
    seq: z.string(),
    id: z.string(),
    at: z.string(),
    actor: z.object({ type: z.string(), id: z.string() }),
    action: z.string(),
    subject: z.object({ type: z.string(), id: z.string() }),
    payload: z.record(z.string(), z.unknown()),
    prevHash: z.string(),
    hash: z.string(),
  })
  .meta({ id: "AuditEvent" });
export type AuditEventView = z.infer<typeof auditEventSchema>;

export const auditQuery = z.object({
  subjectType: z.string().max(100).optional(),
  subjectId: z.string().max(500).optional(),
  action: z.string().max(100).optional(),
});

export async function listAuditEvents(
  db: Tx,
  { limit, cursor, subjectType, subjectId, action }: { limit: number; cursor?: string } & z.infer<typeof auditQuery>,
): Promise<Page<AuditEventView>> {
  let after: bigint | undefined;
  if (cursor) {
    const { seq } = decodeCursor(cursor, ["seq"]);
    if (!/^\d{1,19}$/.test(seq)) throw badRequest("invalid_cursor", "the cursor is not one this API returned");
    after = BigInt(seq);
  }
  const rows = await db.auditEvent.findMany({
    where: {
      ...(after !== undefined ? { seq: { gt: after } } : {}),
      ...(subjectType ? { subjectType } : {}),
      ...(subjectId ? { subjectId } : {}),
      ...(action ? { action } : {}),
    },
    orderBy: { seq: "asc" },
    take: limit + 1,
  });
  const last = rows.length > limit ? rows[limit - 1] : undefined;
  return {
    items: rows.slice(0, limit).map((e) => ({
      seq: e.seq.toString(),
      id: e.id,
      at: e.at.toISOString(),
      actor: { type: e.actorType, id: e.actorId },
      action: e.action,
      subject: { type: e.subjectType, id: e.subjectId },
      payload: e.payload as Record<string, unknown>,
      prevHash: e.prevHash,
      hash: e.hash,
    })),
    nextCursor: last ? encodeCursor({ seq: last.seq.toString() }) : null,
  };
}
