// Server-side browser sessions. The session cookie is next-auth's encrypted JWT, but it carries
// only the session's id: every request looks the row up (one indexed join with the user), so a
// session ends the moment it is signed out, expires, or its user is disabled, demoted or has the
// password reset — not when the cookie happens to expire.
import type { Tx } from "../db/types.ts";
import { roleScopes, type Actor, type Role } from "./roles.ts";
import { revokeTokenTrees } from "./tokens.ts";

/** How long a browser session lasts from sign-in, at most. */
export const SESSION_MAX_AGE_SECONDS = 12 * 60 * 60;

export type SessionActor = Actor & {
  sessionId: string;
  mustChangePassword: boolean;
  /** False for accounts that sign in only through single sign-on (they have no password to change). */
  hasPassword: boolean;
};

export async function createSession(
  db: Tx,
  { userId, clientAddress, userAgent, method = "password" }: { userId: string; clientAddress?: string; userAgent?: string; method?: "password" | "oidc" | "github" },
): Promise<{ id: string; expiresAt: Date }> {
  const row = await db.session.create({
    data: {
      userId,
      expiresAt: new Date(Date.now() + SESSION_MAX_AGE_SECONDS * 1000),
      clientAddress: clientAddress?.slice(0, 100) ?? null,
      userAgent: userAgent?.slice(0, 300) ?? null,
      method,
    },
    select: { id: true, expiresAt: true },
  });
  return row;
}

type SessionRow = { sessionId: string; userId: string; email: string; role: string; mustChangePassword: boolean; hasPassword: boolean };

/** The actor of a live session, or undefined (unknown, revoked, expired, or the user is disabled). */
export async function actorForSession(db: Tx, sessionId: string): Promise<SessionActor | undefined> {
  const rows = await db.$queryRaw<SessionRow[]>`
    SELECT s."id" AS "sessionId", u."id" AS "userId", u."email", u."role"::text AS role,
      -- Only a password sign-in is held to a pending password change: a single sign-on did not use it.
      (u."mustChangePassword" AND s."method" = 'password') AS "mustChangePassword",
      (u."passwordHash" IS NOT NULL) AS "hasPassword"
    FROM "Session" s JOIN "User" u ON u."id" = s."userId"
    WHERE s."id" = ${sessionId}::uuid AND s."revokedAt" IS NULL AND s."expiresAt" > now() AND u."disabledAt" IS NULL`;
  const row = rows[0];
  if (!row) return undefined;
  const role = row.role as Role;
  return {
    type: "user",
    id: row.userId,
    email: row.email,
    role,
    scopes: [...roleScopes[role]],
    sessionId: row.sessionId,
    mustChangePassword: row.mustChangePassword,
    hasPassword: row.hasPassword,
  };
}

/** Ends one session (sign-out). Returns the user it belonged to, when it was live. */
export async function revokeSession(db: Tx, sessionId: string): Promise<string | undefined> {
  const rows = await db.$queryRaw<{ userId: string }[]>`
    UPDATE "Session" SET "revokedAt" = now() WHERE "id" = ${sessionId}::uuid AND "revokedAt" IS NULL RETURNING "userId"`;
  return rows[0]?.userId;
}

/**
 * Ends everything a user is signed in with: all sessions and all API tokens. Called when a user is
 * disabled, demoted, or has the password reset, in the same transaction as that change.
 */
export async function revokeAllCredentials(tx: Tx, userId: string, { exceptSessionId }: { exceptSessionId?: string } = {}): Promise<{ sessions: number; tokens: number }> {
  const now = new Date();
  const sessions = await tx.session.updateMany({
    where: { userId, revokedAt: null, ...(exceptSessionId ? { id: { not: exceptSessionId } } : {}) },
    data: { revokedAt: now },
  });
  // The user's tokens, and every token minted from them (possibly for other users).
  const own = await tx.apiToken.findMany({ where: { userId, revokedAt: null }, select: { id: true } });
  const tokens = await revokeTokenTrees(tx, own.map((t) => t.id));
  return { sessions: sessions.count, tokens: tokens.length };
}
