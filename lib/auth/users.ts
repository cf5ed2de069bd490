// People who use the registry. Only admins create users; the first admin is created on first start.
import { recordAuditEvent } from "../audit/record-event.ts";
import type { Db, Tx } from "../db/types.ts";
import { isUniqueViolation } from "../db/errors.ts";
import { conflict, forbidden } from "../http/errors.ts";
import { timeCursorWhere, timePage, type Page } from "../http/pagination.ts";
import { hashPassword, verifyPassword } from "./passwords.ts";
import type { Actor, Role } from "./roles.ts";

export type UserView = { id: string; email: string; name: string; role: Role; createdAt: string; disabledAt: string | null };

type UserRow = { id: string; email: string; name: string; role: string; createdAt: Date; disabledAt: Date | null };

export function toUserView(u: UserRow): UserView {
  return {
    id: u.id,
    email: u.email,
    name: u.name,
    role: u.role as Role,
    createdAt: u.createdAt.toISOString(),
    disabledAt: u.disabledAt?.toISOString() ?? null,
  };
}

export type CreateUserOptions = { actor: Actor | { type: "system"; id: string }; email: string; name: string; role: Role; password?: string };

export async function createUser(db: Db, { actor, email, name, role, password }: CreateUserOptions): Promise<UserView> {
  if (actor.type !== "system" && actor.role !== "admin") throw forbidden("admin_required", "only admins may create users");
  const passwordHash = password ? await hashPassword(password) : null;
  try {
    return await db.$transaction(async (tx) => {
      const user = await tx.user.create({ data: { email: email.toLowerCase(), name, role, passwordHash } });
      await recordAuditEvent(tx, {
        actor,
        action: "user.created",
        subject: { type: "user", id: user.id },
        payload: { email: user.email, role },
      });
      return toUserView(user);
    });
  } catch (error) {
    if (isUniqueViolation(error))
      throw conflict("user_exists", `a user with email '${email.toLowerCase()}' already exists`);
    throw error;
  }
}

export async function listUsers(db: Tx, { limit, cursor }: { limit: number; cursor?: string }): Promise<Page<UserView>> {
  const rows = await db.user.findMany({ where: timeCursorWhere(cursor), orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: limit + 1 });
  return timePage(rows, limit, toUserView);
}

/** For the browser sign-in: the one place that reads a password hash. */
export async function verifyUserPassword(db: Tx, email: string, password: string): Promise<UserView | null> {
  const user = await db.user.findUnique({ where: { email: email.toLowerCase() }, omit: { passwordHash: false } });
  if (!user || user.disabledAt) return null;
  return (await verifyPassword(password, user.passwordHash)) ? toUserView(user) : null;
}
