// People who use the registry, and their accounts: admins create users, change roles, disable and
// re-enable them and reset passwords; everyone changes their own password. Every change is audited
// in the same transaction, and a change that takes rights away ends the user's sessions and tokens.
import { randomBytes } from "node:crypto";
import { recordAuditEvent } from "../audit/record-event.ts";
import { isUniqueViolation } from "../db/errors.ts";
import type { Db, Tx } from "../db/types.ts";
import { conflict, forbidden, notFound, unprocessable } from "../errors/app-error.ts";
import { timeCursorWhere, timePage, type Page } from "../http/pagination.ts";
import { hashPassword, needsRehash, verifyPassword } from "./passwords.ts";
import { actions, assertAllowed, permissions } from "./permissions.ts";
import type { Actor, Role } from "./roles.ts";
import { revokeAllCredentials } from "./sessions.ts";

export const MIN_PASSWORD_LENGTH = 12;

export type UserView = {
  id: string;
  email: string;
  name: string;
  role: Role;
  createdAt: string;
  disabledAt: string | null;
  mustChangePassword: boolean;
  /** "oidc" or "github" when that identity provider's role mapping owns this user's role (read-only here). */
  roleManagedBy: string | null;
};

type UserRow = {
  id: string;
  email: string;
  name: string;
  role: string;
  createdAt: Date;
  disabledAt: Date | null;
  mustChangePassword: boolean;
  roleManagedBy: string | null;
};

export function toUserView(u: UserRow): UserView {
  return {
    id: u.id,
    email: u.email,
    name: u.name,
    role: u.role as Role,
    createdAt: u.createdAt.toISOString(),
    disabledAt: u.disabledAt?.toISOString() ?? null,
    mustChangePassword: u.mustChangePassword,
    roleManagedBy: u.roleManagedBy,
  };
}

type SystemActor = { type: "system"; id: string };

export type CreateUserOptions = {
  actor: Actor | SystemActor;
  email: string;
  name: string;
  role: Role;
  password?: string;
  /** The user must choose a new password at first sign-in (a generated or admin-chosen one). */
  mustChangePassword?: boolean;
};

export async function createUser(db: Db, { actor, email, name, role, password, mustChangePassword = false }: CreateUserOptions): Promise<UserView> {
  if (actor.type !== "system") assertAllowed(actor, "users.manage");
  const passwordHash = password ? await hashPassword(password) : null;
  try {
    return await db.$transaction(async (tx) => {
      const user = await tx.user.create({ data: { email: email.toLowerCase(), name, role, passwordHash, mustChangePassword } });
      await recordAuditEvent(tx, {
        actor,
        action: "user.created",
        subject: { type: "user", id: user.id },
        payload: { email: user.email, role },
      });
      return toUserView(user);
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw conflict("user_exists", `a user with email '${email.toLowerCase()}' already exists`);
    throw error;
  }
}

export async function listUsers(db: Tx, { actor, limit, cursor }: { actor: Actor; limit: number; cursor?: string }): Promise<Page<UserView>> {
  assertAllowed(actor, "users.manage");
  const rows = await db.user.findMany({ where: timeCursorWhere(cursor), orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: limit + 1 });
  return timePage(rows, limit, toUserView);
}

export async function getUser(db: Tx, { actor, id }: { actor: Actor; id: string }): Promise<UserView> {
  assertAllowed(actor, "users.manage");
  const user = await db.user.findUnique({ where: { id } });
  if (!user) throw notFound("user_not_found", `no user with id '${id}'`);
  return toUserView(user);
}

/**
 * The ids of the active admins, their rows locked in id order until the transaction ends. Every
 * change that could remove the last admin (an admin's edit, a role mapping at sign-in) takes this
 * lock first: two such changes at once wait for each other instead of both passing the check, and
 * the one lock order means they cannot deadlock.
 */
export async function lockActiveAdmins(tx: Tx): Promise<string[]> {
  const rows = await tx.$queryRaw<{ id: string }[]>`
    SELECT "id" FROM "User" WHERE "role" = 'admin' AND "disabledAt" IS NULL ORDER BY "id" FOR UPDATE`;
  return rows.map((r) => r.id);
}

/** Whether moving from one role to another takes away anything the first could do. */
export function isDemotion(from: Role, to: Role): boolean {
  return actions.some((a) => {
    const roles: readonly Role[] = permissions[a].roles;
    return roles.includes(from) && !roles.includes(to);
  });
}

export type UpdateUserOptions = {
  actor: Actor;
  id: string;
  role?: Role;
  name?: string;
  disabled?: boolean;
  /** Reset the password: to this one, or to a generated one that is returned once. */
  resetPassword?: { password?: string };
};

export type UpdateUserResult = { user: UserView; temporaryPassword?: string; revoked?: { sessions: number; tokens: number } };

/**
 * An admin's change to an account. Disabling, demoting and resetting the password end the user's
 * sessions and tokens at once. The last active admin can be neither disabled nor demoted: the
 * registry would be left without anyone able to manage it.
 */
export async function updateUser(db: Db, { actor, id, role, name, disabled, resetPassword }: UpdateUserOptions): Promise<UpdateUserResult> {
  assertAllowed(actor, "users.manage");
  const temporaryPassword = resetPassword ? (resetPassword.password ?? generatePassword()) : undefined;
  const passwordHash = temporaryPassword ? await hashPassword(temporaryPassword) : undefined;
  return db.$transaction(async (tx) => {
    const admins = await lockActiveAdmins(tx);
    const before = await tx.user.findUnique({ where: { id } });
    if (!before) throw notFound("user_not_found", `no user with id '${id}'`);
    const losesAdmin = before.role === "admin" && !before.disabledAt && ((role !== undefined && role !== "admin") || disabled === true);
    if (role !== undefined && role !== before.role && before.roleManagedBy)
      throw conflict("role_managed_by_idp", `this user's role comes from the ${before.roleManagedBy === "github" ? "GitHub" : "OIDC"} role mapping: change it at the identity provider`);
    if (losesAdmin && admins.filter((a) => a !== id).length === 0)
      throw conflict("last_admin", "this is the last active admin: make another user an admin first");
    const demoted = role !== undefined && isDemotion(before.role as Role, role);
    const disabling = disabled === true && !before.disabledAt;
    const user = await tx.user.update({
      where: { id },
      data: {
        ...(role !== undefined ? { role } : {}),
        ...(name !== undefined ? { name } : {}),
        ...(disabled !== undefined ? { disabledAt: disabled ? (before.disabledAt ?? new Date()) : null } : {}),
        ...(passwordHash ? { passwordHash, mustChangePassword: true } : {}),
      },
    });
    const revoked = demoted || disabling || passwordHash ? await revokeAllCredentials(tx, id) : undefined;
    const changes: Record<string, unknown> = {};
    if (role !== undefined && role !== before.role) changes.role = { before: before.role, after: role };
    if (name !== undefined && name !== before.name) changes.name = { before: before.name, after: name };
    if (disabled !== undefined && disabled !== !!before.disabledAt) changes.disabled = disabled;
    if (passwordHash) changes.passwordReset = true;
    await recordAuditEvent(tx, {
      actor,
      action: "user.updated",
      subject: { type: "user", id },
      payload: { email: before.email, changes, ...(revoked ? { revoked } : {}) },
    });
    return { user: toUserView(user), ...(temporaryPassword && !resetPassword?.password ? { temporaryPassword } : {}), ...(revoked ? { revoked } : {}) };
  });
}

/**
 * A user changing their own password (the current one is required). Their other browser sessions
 * end; API tokens stay (CI would break on every password change; revoke them on the tokens page).
 */
export async function changeOwnPassword(db: Db, { actor, current, next }: { actor: Actor; current: string; next: string }): Promise<void> {
  assertAllowed(actor, "account.password");
  if (next.length < MIN_PASSWORD_LENGTH)
    throw unprocessable("password_too_short", `the new password needs at least ${MIN_PASSWORD_LENGTH} characters`, [
      { path: "next", message: `at least ${MIN_PASSWORD_LENGTH} characters` },
    ]);
  if (next === current) throw unprocessable("password_unchanged", "the new password must differ from the current one", [{ path: "next", message: "same as the current password" }]);
  const user = await db.user.findUnique({ where: { id: actor.id }, omit: { passwordHash: false } });
  // An account that signs in only through an identity provider gets no password here: it would be
  // a way in that outlives the person's removal at the provider.
  if (user && !user.passwordHash) throw forbidden("no_local_password", "this account signs in through single sign-on and has no password to change");
  if (!user || !(await verifyPassword(current, user.passwordHash)))
    throw forbidden("wrong_password", "the current password is not correct", );
  const passwordHash = await hashPassword(next);
  await db.$transaction(async (tx) => {
    await tx.user.update({ where: { id: actor.id }, data: { passwordHash, mustChangePassword: false } });
    await tx.session.updateMany({ where: { userId: actor.id, revokedAt: null, id: { not: actor.sessionId } }, data: { revokedAt: new Date() } });
    await recordAuditEvent(tx, { actor, action: "user.password_changed", subject: { type: "user", id: actor.id }, payload: {} });
  });
}

/**
 * For the browser sign-in: the one place that reads a password hash. Unknown and disabled users
 * cost the same hashing work as a wrong password (no timing oracle). A hash from before Argon2id is
 * upgraded on success.
 */
export async function verifyUserPassword(db: Tx, email: string, password: string): Promise<UserView | null> {
  const user = await db.user.findUnique({ where: { email: email.toLowerCase() }, omit: { passwordHash: false } });
  const ok = await verifyPassword(password, user && !user.disabledAt ? user.passwordHash : null);
  if (!user || user.disabledAt || !ok) return null;
  if (needsRehash(user.passwordHash)) await db.user.update({ where: { id: user.id }, data: { passwordHash: await hashPassword(password) } });
  return toUserView(user);
}

/** A password people can type: 18 characters of base64url (108 bits). */
export function generatePassword(): string {
  return randomBytes(14).toString("base64url").slice(0, 18);
}
