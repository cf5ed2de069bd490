// Signing in through an identity provider: find or link the registry user, apply the provider's
// role when a mapping makes it the owner of roles, and open a server-side session — or refuse with
// a reason, audited like a failed password sign-in. The provider has authenticated the person;
// what is decided here is which registry account that is and what it may do.
import { recordAuditEvent } from "../../audit/record-event.ts";
import { isUniqueViolation } from "../../db/errors.ts";
import type { Db, Tx } from "../../db/types.ts";
import type { Role } from "../roles.ts";
import { createSession, revokeAllCredentials } from "../sessions.ts";
import type { SignInContext } from "../sign-in.ts";
import { isDemotion, toUserView, type UserView } from "../users.ts";
import type { ExternalIdentity } from "./identity.ts";
import { resolveRole, type GitHubSettings, type OidcSettings } from "./settings.ts";

export const ssoRefusals = ["email_missing", "email_domain_not_allowed", "email_not_verified", "no_role", "user_disabled"] as const;
export type SsoRefusal = (typeof ssoRefusals)[number];

export type SsoSignInResult =
  | { ok: true; user: UserView; sessionId: string; created: boolean; linked: boolean }
  | { ok: false; reason: SsoRefusal };

class Refused extends Error {
  constructor(readonly reason: SsoRefusal) {
    super(reason);
  }
}

export type SignInWithIdentityOptions = { identity: ExternalIdentity; settings: OidcSettings | GitHubSettings } & SignInContext;

/**
 * The rules, in order:
 * - the email's domain must be allowed (on every sign-in, not only the first);
 * - with a role mapping, the role comes from it (no match and no default: refused);
 * - an identity already linked signs in as its user; otherwise it is linked to the local user with
 *   the same email, or a new user is created — both only when the provider vouches for the email
 *   (else anyone who can set an unverified email at the provider would take over that account);
 * - a disabled user stays out;
 * - a mapped role that takes rights away ends the user's other sessions and tokens, as an admin's
 *   demotion does; the last active admin is not demoted by a mapping (the registry would be left
 *   without anyone to manage it) and the event says so.
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

async function attempt(db: Db, { identity, settings, clientAddress, userAgent }: SignInWithIdentityOptions): Promise<SsoSignInResult> {
  const email = identity.email;
  const mapped = settings.roleRules ? resolveRole(settings.roleRules, identity.roleValues, settings.defaultRole) : undefined;
  try {
    if (!email) throw new Refused("email_missing");
    if (settings.allowedDomains.length && !settings.allowedDomains.includes(email.slice(email.lastIndexOf("@") + 1))) throw new Refused("email_domain_not_allowed");
    if (mapped === null) throw new Refused("no_role");
    return await db.$transaction(async (tx) => {
      const link = await tx.userIdentity.findUnique({ where: { provider_subject: { provider: identity.provider, subject: identity.subject } }, include: { user: true } });
      let user: UserRow | undefined = link?.user;
      let created = false;
      if (!user) {
        if (!identity.emailVerified) throw new Refused("email_not_verified");
        user = (await tx.user.findUnique({ where: { email } })) ?? undefined;
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
        await tx.userIdentity.create({ data: { userId: user.id, provider: identity.provider, subject: identity.subject, email } });
        await recordAuditEvent(tx, {
          actor: { type: "system", id: "registry" },
          action: "user.identity_linked",
          subject: { type: "user", id: user.id },
          payload: { provider: identity.provider, subject: identity.subject, email },
        });
      } else {
        await tx.userIdentity.update({ where: { id: link!.id }, data: { lastSignInAt: new Date() } });
      }
      if (user.disabledAt) throw new Refused("user_disabled");
      if (!created) user = await syncRole(tx, user, mapped, identity);
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
    await db.$transaction((tx) =>
      recordAuditEvent(tx, {
        actor: { type: "anonymous", id: clientAddress },
        action: "auth.sign_in_failed",
        subject: { type: "email", id: (email ?? `${identity.provider}:${identity.subject}`).slice(0, 320) },
        payload: { reason: error.reason, method: identity.provider, subject: identity.subject, clientAddress },
      }),
    );
    return { ok: false, reason: error.reason };
  }
}

type UserRow = Omit<Awaited<ReturnType<Tx["user"]["create"]>>, "passwordHash">;

/** Applies the provider's role (mapped) or hands the role back to the registry (no mapping). */
async function syncRole(tx: Tx, user: UserRow, mapped: Role | undefined, identity: ExternalIdentity): Promise<UserRow> {
  if (mapped === undefined) {
    // No mapping any more: admins manage this user's role again, starting from the one it has.
    return user.roleManagedBy ? tx.user.update({ where: { id: user.id }, data: { roleManagedBy: null } }) : user;
  }
  const before = user.role as Role;
  let role = mapped;
  let lastAdminKept = false;
  if (before === "admin" && role !== "admin") {
    const others = await tx.$queryRaw<{ id: string }[]>`
      SELECT "id" FROM "User" WHERE "role" = 'admin' AND "disabledAt" IS NULL AND "id" <> ${user.id}::uuid ORDER BY "id" FOR UPDATE`;
    if (others.length === 0) {
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
