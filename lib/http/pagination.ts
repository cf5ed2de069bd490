// Cursor pagination: `?limit=&cursor=` in, `{ items, nextCursor }` out. A cursor is the sort key of
// the last item returned, opaque to clients (base64url JSON), so pages stay stable under inserts.
import { z } from "zod";
import { badRequest } from "../errors/app-error.ts";

export const paginationQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(1000).optional(),
});

export type Page<T> = { items: T[]; nextCursor: string | null };

export const pageSchema = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable() });

export function encodeCursor(key: Record<string, string | number>): string {
  return Buffer.from(JSON.stringify(key)).toString("base64url");
}

export function decodeCursor<K extends string>(cursor: string, keys: K[]): Record<K, string> {
  try {
    const value = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as Record<string, unknown>;
    const out = {} as Record<K, string>;
    for (const k of keys) {
      const v = value[k];
      if (typeof v !== "string" && typeof v !== "number") throw new Error(k);
      out[k] = String(v);
    }
    return out;
  } catch {
    throw badRequest("invalid_cursor", "the cursor is not one this API returned", [{ path: "cursor", message: "invalid cursor" }]);
  }
}

/** The common keyset: newest first by (createdAt, id). */
export function decodeTimeCursor(cursor: string): { createdAt: Date; id: string } {
  const { createdAt, id } = decodeCursor(cursor, ["createdAt", "id"]);
  const date = new Date(createdAt);
  if (Number.isNaN(date.getTime())) throw badRequest("invalid_cursor", "the cursor is not one this API returned");
  return { createdAt: date, id };
}

export function timeCursorWhere(cursor: string | undefined) {
  if (!cursor) return {};
  const after = decodeTimeCursor(cursor);
  return {
    OR: [{ createdAt: { lt: after.createdAt } }, { createdAt: after.createdAt, id: { lt: after.id } }],
  };
}

export function timePage<R extends { createdAt: Date; id: string }, T>(rows: R[], limit: number, view: (r: R) => T): Page<T> {
  const last = rows.length > limit ? rows[limit - 1] : undefined;
  return {
    items: rows.slice(0, limit).map(view),
    nextCursor: last ? encodeCursor({ createdAt: last.createdAt.toISOString(), id: last.id }) : null,
  };
}
