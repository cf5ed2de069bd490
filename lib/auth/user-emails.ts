// Audit events name their actor by id (ids never change; emails might). For reading, show the
// user's current email next to it: one query for the whole page.
import type { Tx } from "../db/types.ts";

export async function userEmailsById(db: Tx, ids: string[]): Promise<Map<string, string>> {
  const unique = [...new Set(ids)];
  if (!unique.length) return new Map();
  const users = await db.user.findMany({ where: { id: { in: unique } }, select: { id: true, email: true } });
  return new Map(users.map((u) => [u.id, u.email]));
}
