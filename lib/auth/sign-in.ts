// Signing in with email and password: the rate limits on failures, equal work for known and unknown
// emails, the server-side session, and the audit trail (sign-ins, failures and sign-outs, each with
// the client address). next-auth (lib/auth/next-auth.ts) calls these; nothing here needs Next.
import { RateLimiterPrisma, type RateLimiterRes } from "rate-limiter-flexible";
import { recordAuditEvent } from "../audit/record-event.ts";
import type { Db } from "../db/types.ts";
import { createSession, revokeSession } from "./sessions.ts";
import { verifyUserPassword, type UserView } from "./users.ts";

/** Failed sign-ins allowed per account, and per client address, in one window. */
export const SIGN_IN_LIMITS = {
  perAccount: { points: 10, durationSeconds: 15 * 60 },
  perClient: { points: 50, durationSeconds: 15 * 60 },
} as const;

type Limiters = { account: RateLimiterPrisma; client: RateLimiterPrisma };
// One pair per database client (tests run several registries in one process).
const limiters = new WeakMap<object, Limiters>();

function limitersFor(db: Db): Limiters {
  let pair = limiters.get(db);
  if (!pair) {
    const common = { storeClient: db, tableName: "rateLimiterFlexible", clearExpiredByTimeout: false };
    pair = {
      account: new RateLimiterPrisma({ ...common, keyPrefix: "sign-in:account", points: SIGN_IN_LIMITS.perAccount.points, duration: SIGN_IN_LIMITS.perAccount.durationSeconds }),
      client: new RateLimiterPrisma({ ...common, keyPrefix: "sign-in:client", points: SIGN_IN_LIMITS.perClient.points, duration: SIGN_IN_LIMITS.perClient.durationSeconds }),
    };
    limiters.set(db, pair);
  }
  return pair;
}

const exhausted = (res: RateLimiterRes | null, points: number) => (res && res.consumedPoints >= points ? Math.ceil(res.msBeforeNext / 1000) : 0);

/** Seconds until this email may try again from this address; 0 when a try is allowed now. */
export async function signInRetryAfter(db: Db, { email, clientAddress }: { email: string; clientAddress: string }): Promise<number> {
  const { account, client } = limitersFor(db);
  const [a, c] = await Promise.all([account.get(email.toLowerCase()), client.get(clientAddress)]);
  return Math.max(exhausted(a, SIGN_IN_LIMITS.perAccount.points), exhausted(c, SIGN_IN_LIMITS.perClient.points));
}

export type SignInContext = { clientAddress: string; userAgent?: string };

export type SignInResult =
  | { ok: true; user: UserView; sessionId: string }
  | { ok: false; reason: "rate_limited"; retryAfterSeconds: number }
  | { ok: false; reason: "invalid_credentials" };

/**
 * One sign-in attempt. Refused while the account or the client address is over its limit (the
 * password is not even checked then); a failure counts against both, a success clears the
 * account's count. Every attempt is audited.
 */
export async function signInWithPassword(db: Db, { email, password, clientAddress, userAgent }: { email: string; password: string } & SignInContext): Promise<SignInResult> {
  const normalized = email.trim().toLowerCase();
  const retryAfterSeconds = await signInRetryAfter(db, { email: normalized, clientAddress });
  if (retryAfterSeconds > 0) {
    await recordSignInFailure(db, { email: normalized, reason: "rate_limited", clientAddress });
    return { ok: false, reason: "rate_limited", retryAfterSeconds };
  }
  const user = await verifyUserPassword(db, normalized, password);
  const { account, client } = limitersFor(db);
  if (!user) {
    await Promise.all([account.penalty(normalized, 1), client.penalty(clientAddress, 1)]);
    await recordSignInFailure(db, { email: normalized, reason: "invalid_credentials", clientAddress });
    return { ok: false, reason: "invalid_credentials" };
  }
  await account.delete(normalized);
  const session = await db.$transaction(async (tx) => {
    const created = await createSession(tx, { userId: user.id, clientAddress, userAgent });
    await recordAuditEvent(tx, {
      actor: { type: "user", id: user.id, sessionId: created.id },
      action: "auth.signed_in",
      subject: { type: "user", id: user.id },
      payload: { method: "password", clientAddress, userAgent: userAgent?.slice(0, 300) ?? null },
    });
    return created;
  });
  return { ok: true, user, sessionId: session.id };
}

/**
 * The one audit record of a sign-in that did not end in a session, for passwords and single
 * sign-on alike. `email` is the address as typed or asserted: it may name no account, which is
 * exactly what an auditor wants to see; `details` adds what the method knows (provider, subject).
 */
export async function recordSignInFailure(
  db: Db,
  { email, reason, clientAddress, details = {} }: { email: string; reason: string; clientAddress: string; details?: Record<string, unknown> },
): Promise<void> {
  await db.$transaction((tx) =>
    recordAuditEvent(tx, {
      actor: { type: "anonymous", id: clientAddress },
      action: "auth.sign_in_failed",
      subject: { type: "email", id: email.slice(0, 320) },
      payload: { reason, ...details, clientAddress },
    }),
  );
}

/** Sign-out: the session ends server-side (a copied cookie stops working too). */
export async function signOut(db: Db, { sessionId, clientAddress }: { sessionId: string; clientAddress?: string }): Promise<void> {
  await db.$transaction(async (tx) => {
    const userId = await revokeSession(tx, sessionId);
    if (!userId) return;
    await recordAuditEvent(tx, {
      actor: { type: "user", id: userId, sessionId },
      action: "auth.signed_out",
      subject: { type: "user", id: userId },
      payload: { clientAddress: clientAddress ?? null },
    });
  });
}
