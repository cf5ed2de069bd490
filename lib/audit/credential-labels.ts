// Events name the credential that acted by id (`token:<id>`); people recognise a token by its name and
// prefix. One query for a whole page of events, like the actors' emails (lib/auth/user-emails.ts).
import type { Tx } from "../db/types.ts";

export type TokenLabel = { name: string; prefix: string; revoked: boolean };

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Name and prefix of every API token named by `credentials`, keyed by token id. */
export async function tokenLabelsById(db: Tx, credentials: (string | null)[]): Promise<Map<string, TokenLabel>> {
  const ids = [...new Set(credentials.flatMap((c) => (c?.startsWith("token:") ? [c.slice("token:".length)] : [])))].filter((id) => uuid.test(id));
  if (!ids.length) return new Map();
  const tokens = await db.apiToken.findMany({ where: { id: { in: ids } }, select: { id: true, name: true, prefix: true, revokedAt: true } });
  return new Map(tokens.map((t) => [t.id, { name: t.name, prefix: t.prefix, revoked: t.revokedAt !== null }]));
}
