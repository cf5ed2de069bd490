// Signing in through an identity provider: find or link the registry user, apply the provider's
// role when a mapping makes it the owner of roles, and open a server-side session — or refuse with
// a reason, audited like a failed password sign-in. The provider has authenticated the person;
// what is decided here is which registry account that is and what it may do.
import { recordAuditEvent } from "../../audit/record-event.ts";
import { isUniqueViolation } from "../../db/errors.ts";
import type { Db, Tx } from "../../db/types.ts";
import type { Role } from "../roles.ts";
import { createSession, revokeAllCredentials } from "../sessions.ts";
import { recordSignInFailure, type SignInContext } from "../sign-in.ts";
import { isDemotion, lockActiveAdmins, toUserView, type UserView } from "../users.ts";
import type { ExternalIdentity } from "./identity.ts";
import { resolveRole, ssoProviderIds, type SsoProviderId, type SsoSettings } from "./settings.ts";

export const ssoRefusals = [
  "email_missing",
  "email_domain_not_allowed",
  "email_not_verified",
  "email_linked_to_other_identity",
  "issuer_mismatch",
  "no_role",
  "user_disabled",
] as const;
export type SsoRefusal = (typeof ssoRefusals)[number];

export type SsoSignInResult =
  | { ok: true; user: UserView; sessionId: string; created: boolean; linked: boolean }
  | { ok: false; reason: SsoRefusal };

class Refused extends Error {
  constructor(readonly reason: SsoRefusal) {
    super(reason);
  }
}

/** The configured providers whose role mapping owns roles. */
export function mappedProviders(sso: SsoSettings): SsoProviderId[] {
  return ssoProviderIds.filter((p) => sso[p]?.roleRules);
}

export type SignInWithIdentityOptions = { identity: ExternalIdentity; sso: SsoSettings } & SignInContext;

/**
 * The rules, in order:
 * - the email's domain must be allowed (on every sign-in, not only the first);
 * - with a role mapping, the role comes from it (no match and no default: refused);
 * - an identity already linked signs in as its user; otherwise it is linked to the local user with
 *   the same email, or a new user is created — both only when the provider vouches for the email
 *   (else anyone who can set an unverified email at the provider would take over that account),
 *   and never to a user already linked to another account at the same provider (a recycled
 *   mailbox must not inherit the previous holder's account);
 * - a disabled user stays out;
 * - a mapped role that takes rights away ends the user's other sessions and tokens, as an admin's
 *   demotion does; the last active admin is not demoted by a mapping (the registry would be left
 *   without anyone to manage it) and the event says so;
 * - a role owned by one provider's mapping is not touched by signing in through another provider
 *   (else choosing the provider would choose the role).
 */
export async function signInWithIdentity(db: Db, options: SignInWithIdentityOptions): Promise<SsoSignInResult> {
  try {
    return await attempt(db, options);
  } catch (error) {
    // Two first sign-ins of one person at once: the loser of the race finds the winner's link.
    if (isUniqueViolation(error)) return attempt(db, options);
    throw error;
  }
}

async function attempt(db: Db, { identity, sso, clientAddress, userAgent }: SignInWithIdentityOptions): Promise<SsoSignInResult> {
  const settings = sso[identity.provider];
  if (!settings) throw new Error(`single sign-on through ${identity.provider} is not configured`);
  const email = identity.email;
  const mapped = settings.roleRules ? resolveRole(settings.roleRules, identity.roleValues, settings.defaultRole) : undefined;
  const key = { provider: identity.provider, issuer: identity.issuer, subject: identity.subject };
  try {
    if (!email) throw new Refused("email_missing");
    if (settings.allowedDomains.length && !settings.allowedDomains.includes(email.slice(email.lastIndexOf("@") + 1))) throw new Refused("email_domain_not_allowed");
    if (mapped === null) throw new Refused("no_role");
    return await db.$transaction(async (tx) => {
      const link = await tx.userIdentity.findUnique({ where: { provider_issuer_subject: key }, include: { user: true } });
      let user: UserRow | undefined = link?.user;
      let created = false;
      if (!user) {
        if (!identity.emailVerified) throw new Refused("email_not_verified");
        user = (await tx.user.findUnique({ where: { email } })) ?? undefined;
        // (Another subject: the same one is a concurrent first sign-in, settled by the unique key and the retry.)
        const otherLinks = user ? await tx.userIdentity.count({ where: { userId: user.id, provider: identity.provider, issuer: identity.issuer, subject: { not: identity.subject } } }) : 0;
        if (otherLinks > 0)
          throw new Refused("email_linked_to_other_identity");
        if (!user) {
          const role = mapped ?? settings.defaultRole;
          if (!role) throw new Refused("no_role");
          user = await tx.user.create({ data: { email, name: identity.name ?? email, role, roleManagedBy: mapped ? identity.provider : null } });
          created = true;
          await recordAuditEvent(tx, {
            actor: { type: "system", id: "registry" },
            action: "user.created",
            subject: { type: "user", id: user.id },
            payload: { email, role, via: identity.provider },
          });
        }
        await tx.userIdentity.create({ data: { userId: user.id, ...key, email } });
        await recordAuditEvent(tx, {
          actor: { type: "system", id: "registry" },
          action: "user.identity_linked",
          subject: { type: "user", id: user.id },
          payload: { provider: identity.provider, issuer: identity.issuer, subject: identity.subject, email },
        });
      } else {
        await tx.userIdentity.update({ where: { id: link!.id }, data: { lastSignInAt: new Date() } });
      }
      if (user.disabledAt) throw new Refused("user_disabled");
      if (!created) user = await syncRole(tx, user, mapped, identity, mappedProviders(sso));
      const session = await createSession(tx, { userId: user.id, clientAddress, userAgent, method: identity.provider });
      await recordAuditEvent(tx, {
        actor: { type: "user", id: user.id, sessionId: session.id },
        action: "auth.signed_in",
        subject: { type: "user", id: user.id },
        payload: { method: identity.provider, subject: identity.subject, clientAddress, userAgent: userAgent?.slice(0, 300) ?? null },
      });
      return { ok: true as const, user: toUserView(user), sessionId: session.id, created, linked: !link };
    });
  } catch (error) {
    if (!(error instanceof Refused)) throw error;
    await recordSsoFailure(db, { provider: identity.provider, subject: identity.subject, email, reason: error.reason, clientAddress });
    return { ok: false, reason: error.reason };
  }
}

/**
 * Audits a single sign-on that did not end in a session: a refusal by the rules above, or a failure
 * before them (the provider's error, a state/PKCE/nonce mismatch, a token from another issuer).
 */
export async function recordSsoFailure(
  db: Db,
  { provider, subject, email, reason, detail, clientAddress }: { provider: SsoProviderId; subject?: string; email?: string; reason: string; detail?: string; clientAddress: string },
): Promise<void> {
  await recordSignInFailure(db, {
    email: email ?? `${provider}:${subject ?? "unknown"}`,
    reason,
    clientAddress,
    details: { method: provider, subject: subject ?? null, ...(detail ? { detail: detail.slice(0, 200) } : {}) },
  });
}

type UserRow = Omit<Awaited<ReturnType<Tx["user"]["create"]>>, "passwordHash">;

/**
 * Applies this provider's mapped role — unless another provider's mapping owns the role — or,
 * without a mapping here, leaves the role alone (and hands it back to the registry if its owner no
 * longer maps roles).
 */
async function syncRole(tx: Tx, user: UserRow, mapped: Role | undefined, identity: ExternalIdentity, mapping: SsoProviderId[]): Promise<UserRow> {
  const owner = user.roleManagedBy as SsoProviderId | null;
  if (owner && owner !== identity.provider && mapping.includes(owner)) return user;
  if (mapped === undefined) return owner ? tx.user.update({ where: { id: user.id }, data: { roleManagedBy: null } }) : user;
  const before = user.role as Role;
  let role = mapped;
  let lastAdminKept = false;
  if (before === "admin" && role !== "admin") {
    const admins = await lockActiveAdmins(tx);
    if (admins.every((id) => id === user.id)) {
      role = "admin";
      lastAdminKept = true;
    }
  }
  if (role === before && user.roleManagedBy === identity.provider) return user;
  const updated = await tx.user.update({ where: { id: user.id }, data: { role, roleManagedBy: identity.provider } });
  const revoked = isDemotion(before, role) ? await revokeAllCredentials(tx, user.id) : undefined;
  await recordAuditEvent(tx, {
    actor: { type: "system", id: "registry" },
    action: "user.role_synced",
    subject: { type: "user", id: user.id },
    payload: {
      provider: identity.provider,
      before,
      after: role,
      ...(lastAdminKept ? { lastAdminKept: true, mapped } : {}),
      ...(revoked ? { revoked } : {}),
    },
  });
  return updated;
}

/**
 * At start: roles owned by a provider whose mapping is no longer configured go back to the
 * registry's admins (else they would stay read-only with no one able to change them). Audited.
 */
export async function releaseUnmappedRoles(db: Db, sso: SsoSettings): Promise<number> {
  const mapping = mappedProviders(sso);
  return db.$transaction(async (tx) => {
    const released = await tx.user.findMany({ where: { roleManagedBy: { not: null, notIn: mapping } }, select: { id: true, roleManagedBy: true } });
    if (released.length === 0) return 0;
    await tx.user.updateMany({ where: { id: { in: released.map((u) => u.id) } }, data: { roleManagedBy: null } });
    await recordAuditEvent(tx, {
      actor: { type: "system", id: "registry" },
      action: "user.role_management_released",
      subject: { type: "registry", id: "users" },
      payload: { providers: [...new Set(released.map((u) => u.roleManagedBy))], users: released.map((u) => u.id) },
    });
    return released.length;
  });
}
