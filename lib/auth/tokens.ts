// API tokens for CI and scripts. The token is shown once; only its sha256 is stored, with a short
// prefix so people can tell their tokens apart in listings.
import { randomBytes, timingSafeEqual } from "node:crypto";
import { recordAuditEvent } from "../audit/record-event.ts";
import { queryRows } from "../db/client.ts";
import type { Db, Tx } from "../db/types.ts";
import { sha256Hex } from "../integrity/digest.ts";
import { forbidden, notFound, unauthorized, unprocessable } from "../errors/app-error.ts";
import { timeCursorWhere, timePage, type Page } from "../http/pagination.ts";
import { assertAllowed, can } from "./permissions.ts";
import { credentialOf } from "../audit/credential.ts";
import { scopesAllowedFor, type Actor, type Role, type Scope } from "./roles.ts";

const TOKEN_PREFIX = "mr_";
/** Re-writing lastUsedAt on every request would put a write on the alias-resolve hot path. */
const LAST_USED_RESOLUTION_MS = 60_000;

export type ApiTokenView = {
  id: string;
  name: string;
  prefix: string;
  scopes: Scope[];
  userId: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
  createdAt: string;
  /** The token that minted this one; null for root tokens. */
  parentId: string | null;
};

type TokenRow = {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  userId: string;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  createdAt: Date;
  parentId: string | null;
};

export function toTokenView(t: TokenRow): ApiTokenView {
  return {
    id: t.id,
    name: t.name,
    prefix: t.prefix,
    scopes: t.scopes as Scope[],
    userId: t.userId,
    expiresAt: t.expiresAt?.toISOString() ?? null,
    lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
    revokedAt: t.revokedAt?.toISOString() ?? null,
    createdAt: t.createdAt.toISOString(),
    parentId: t.parentId,
  };
}

export function hashToken(token: string): string {
  return sha256Hex(token);
}

export type CreateApiTokenOptions = {
  actor: Actor;
  name: string;
  scopes: Scope[];
  expiresAt?: Date;
  /** Mint the token for another user (needs tokens.manage; never with the review scope). */
  userEmail?: string;
};

/**
 * Mints a token. A token never mints anything wider or longer-lived than itself: when the actor
 * acted with a token, the new token's scopes are a subset of that token's, its expiry is no later
 * (it defaults to the parent's), and it records the parent, so revoking the parent revokes it.
 * Tokens minted from a browser session, the CLI or the bootstrap token are roots.
 */
export async function createApiToken(db: Db, { actor, name, scopes, expiresAt, userEmail }: CreateApiTokenOptions) {
  const requested = [...new Set(scopes)];
  if (expiresAt && expiresAt.getTime() <= Date.now())
    throw unprocessable("invalid_expiry", "expiresAt must be in the future", [{ path: "expiresAt", message: "must be in the future" }]);
  const email = (userEmail ?? actor.email).toLowerCase();
  const forOther = actor.type !== "user" || email !== actor.email.toLowerCase();
  assertAllowed(actor, forOther ? "tokens.manage" : "tokens.own");
  // Signing off in someone else's name must be impossible: review tokens are minted by their user only.
  if (forOther && requested.includes("review"))
    throw forbidden("review_scope_own_user_only", "a token with the review scope can only be minted by its own user, signed in or with their own token");
  const excessOverCredential = requested.filter((s) => !actor.scopes.includes(s));
  if (excessOverCredential.length)
    throw forbidden("scope_exceeds_token", `this credential cannot mint the scope(s) ${excessOverCredential.join(", ")}: a token only mints narrower tokens`);
  return db.$transaction(async (tx) => {
    const parent = actor.tokenId
      ? await tx.apiToken.findUnique({ where: { id: actor.tokenId }, select: { id: true, expiresAt: true } })
      : null;
    if (actor.tokenId && !parent) throw unauthorized("invalid_token", "the API token is not valid");
    let expiry = expiresAt ?? null;
    if (parent?.expiresAt) {
      if (expiry && expiry.getTime() > parent.expiresAt.getTime())
        throw unprocessable("expiry_exceeds_token", `a token minted by a token expires no later than it: at most ${parent.expiresAt.toISOString()}`, [
          { path: "expiresAt", message: `must be at most ${parent.expiresAt.toISOString()}` },
        ]);
      expiry ??= parent.expiresAt;
    }
    const user = await tx.user.findUnique({ where: { email } });
    if (!user) throw notFound("user_not_found", `no user with email '${email}'`);
    if (user.disabledAt) throw unprocessable("user_disabled", `user '${email}' is disabled`);
    const allowed = scopesAllowedFor(user.role as Role);
    const excess = requested.filter((s) => !allowed.includes(s));
    if (excess.length) throw forbidden("scope_exceeds_role", `a ${user.role} cannot hold the scope(s) ${excess.join(", ")}`);
    const token = TOKEN_PREFIX + randomBytes(32).toString("base64url");
    const row = await tx.apiToken.create({
      data: {
        userId: user.id,
        name,
        prefix: token.slice(0, TOKEN_PREFIX.length + 8),
        hash: hashToken(token),
        scopes: requested,
        expiresAt: expiry,
        parentId: parent?.id ?? null,
        mintedBy: credentialOf(actor) ?? actor.type,
      },
    });
    await recordAuditEvent(tx, {
      actor,
      action: "token.created",
      subject: { type: "api_token", id: row.id },
      payload: { name, scopes: row.scopes, userId: user.id, expiresAt: row.expiresAt?.toISOString() ?? null, parentId: row.parentId },
    });
    return { token, view: toTokenView(row) };
  });
}

/** Tokens newest first: the actor's own, or (tokens.manage, unless `onlyOwn`) everyone's. */
export async function listApiTokens(
  db: Tx,
  { actor, limit, cursor, onlyOwn = false }: { actor: Actor; limit: number; cursor?: string; onlyOwn?: boolean },
): Promise<Page<ApiTokenView>> {
  assertAllowed(actor, "tokens.own");
  const everyone = !onlyOwn && can(actor, "tokens.manage");
  const rows = await db.apiToken.findMany({
    where: { ...(everyone ? {} : { userId: actor.id }), ...timeCursorWhere(cursor) },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: limit + 1,
  });
  return timePage(rows, limit, toTokenView);
}

/** Revokes a token and every token minted from it, transitively. */
export async function revokeApiToken(db: Db, { actor, id }: { actor: Actor; id: string }) {
  assertAllowed(actor, "tokens.own");
  return db.$transaction(async (tx) => {
    const token = await tx.apiToken.findUnique({ where: { id } });
    // Someone else's token answers 404, not 403: its existence is not theirs to learn.
    if (!token || (token.userId !== actor.id && !can(actor, "tokens.manage"))) throw notFound("token_not_found", `no token with id '${id}'`);
    if (token.revokedAt) return toTokenView(token);
    const revoked = await revokeTokenTrees(tx, [id]);
    await recordAuditEvent(tx, {
      actor,
      action: "token.revoked",
      subject: { type: "api_token", id },
      payload: { name: token.name, alsoRevoked: revoked.filter((r) => r !== id) },
    });
    return toTokenView((await tx.apiToken.findUnique({ where: { id } }))!);
  });
}

/** Revokes the given tokens and all their descendants that are still live; returns the ids revoked. */
export async function revokeTokenTrees(tx: Tx, rootIds: string[]): Promise<string[]> {
  if (!rootIds.length) return [];
  const rows = await tx.$queryRaw<{ id: string }[]>`
    WITH RECURSIVE tree AS (
      SELECT "id" FROM "ApiToken" WHERE "id" = ANY(${rootIds}::uuid[])
      UNION
      SELECT t."id" FROM "ApiToken" t JOIN tree ON t."parentId" = tree."id"
    )
    UPDATE "ApiToken" SET "revokedAt" = now()
    WHERE "id" IN (SELECT "id" FROM tree) AND "revokedAt" IS NULL
    RETURNING "id"`;
  return rows.map((r) => r.id);
}

/** Resolve `Authorization: Bearer …` to an actor, or throw 401 with a reason that does not help guessing. */
export async function authenticateBearer(db: Tx, header: string | null, bootstrapToken?: string): Promise<Actor> {
  const match = header?.match(/^Bearer\s+(\S+)\s*$/i);
  if (!match) throw unauthorized("missing_token", "send an API token as 'Authorization: Bearer <token>'");
  const presented = match[1]!;
  if (bootstrapToken && constantTimeEqual(presented, bootstrapToken)) {
    return { type: "bootstrap", id: "bootstrap", email: "bootstrap@localhost", role: "admin", scopes: ["read", "write", "review", "admin"] };
  }
  // Every authenticated request runs this: one indexed join in SQL (a Prisma include costs two round
  // trips), read fresh each time so that revocation, expiry and a disabled user count at once.
  const rows = await queryRows<TokenAuthRow>(db, TOKEN_AUTH_SQL, [hashToken(presented)]);
  const row = rows[0];
  if (!row) throw unauthorized("invalid_token", "the API token is not valid");
  if (row.revokedAt) throw unauthorized("token_revoked", "the API token has been revoked");
  const now = Date.now();
  if (row.expiresAt && new Date(row.expiresAt).getTime() <= now) throw unauthorized("token_expired", "the API token has expired");
  if (row.disabledAt) throw unauthorized("user_disabled", "the token's user is disabled");
  if (!row.lastUsedAt || now - new Date(row.lastUsedAt).getTime() > LAST_USED_RESOLUTION_MS) {
    // Best effort: a failed bookkeeping write must not fail the request.
    await db.apiToken.update({ where: { id: row.id }, data: { lastUsedAt: new Date(now) } }).catch(() => undefined);
  }
  const role = row.role as Role;
  const allowed = scopesAllowedFor(role);
  return {
    type: "user",
    id: row.userId,
    email: row.email,
    role,
    scopes: (row.scopes as Scope[]).filter((s) => allowed.includes(s)),
    tokenId: row.id,
  };
}

const TOKEN_AUTH_SQL = `
  SELECT t."id", t."scopes", t."expiresAt", t."lastUsedAt", t."revokedAt",
         u."id" AS "userId", u."email", u."role"::text AS role, u."disabledAt"
  FROM "ApiToken" t JOIN "User" u ON u."id" = t."userId"
  WHERE t."hash" = $1`;

type TokenAuthRow = {
  id: string;
  scopes: string[];
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  userId: string;
  email: string;
  role: string;
  disabledAt: Date | null;
};

function constantTimeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a), bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

