"use server";
// User management from the browser: the same services and rules as POST /api/v1/users and
// PATCH /api/v1/users/{id} (users.manage), through the one server-action wrapper.
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { emailSchema } from "@/lib/schemas/email";
import { roleSchema } from "@/lib/auth/roles";
import { createUser, MIN_PASSWORD_LENGTH, updateUser } from "@/lib/auth/users";
import type { CreateUserState, UserChange, UserChangeResult } from "@/components/users/user-actions-state";
import { serverAction } from "@/app/_lib/server-action";

const update = serverAction({
  action: "users.manage",
  input: z.object({ id: z.uuid(), role: roleSchema.optional(), disabled: z.boolean().optional(), resetPassword: z.boolean().optional() }),
  run: async ({ actor, input, services }) => {
    const result = await updateUser(services.prisma, {
      actor,
      id: input.id,
      role: input.role,
      disabled: input.disabled,
      resetPassword: input.resetPassword ? {} : undefined,
    });
    revalidatePath("/settings/users");
    return result;
  },
});

export async function updateUserAction(input: UserChange): Promise<UserChangeResult> {
  const result = await update(input);
  if (!result.ok) return { ok: false, message: result.message };
  const ended = result.revoked ? result.revoked.sessions + result.revoked.tokens : 0;
  const revoked = ended ? ` Ended ${result.revoked!.sessions} session(s) and revoked ${result.revoked!.tokens} token(s).` : "";
  return { ok: true, message: `Saved.${revoked}`, temporaryPassword: result.temporaryPassword };
}

const create = serverAction({
  action: "users.manage",
  input: z.object({
    email: emailSchema,
    name: z.string().trim().min(1, "Enter a name").max(200),
    role: roleSchema,
    password: z.union([z.literal(""), z.string().min(MIN_PASSWORD_LENGTH, `At least ${MIN_PASSWORD_LENGTH} characters`).max(200)]),
  }),
  run: async ({ actor, input, services }) => {
    const user = await createUser(services.prisma, { actor, email: input.email, name: input.name, role: input.role, password: input.password || undefined });
    revalidatePath("/settings/users");
    return { user };
  },
});

export async function createUserAction(_previous: CreateUserState, form: FormData): Promise<CreateUserState> {
  const result = await create(Object.fromEntries(["email", "name", "role", "password"].map((k) => [k, String(form.get(k) ?? "")])));
  if (!result.ok) return { status: "error", message: result.message, ...(result.fieldErrors ? { fieldErrors: result.fieldErrors } : {}) };
  return { status: "created", email: result.user.email };
}
