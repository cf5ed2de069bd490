"use server";
// Changing one's own password from the browser: the same service as POST /api/v1/me/password.
// Through the one server-action wrapper, which lets only this action through for a session that must
// first replace a generated or reset password.
import { z } from "zod";
import { safeCallbackPath } from "@/lib/auth/callback-path";
import { changeOwnPassword, MIN_PASSWORD_LENGTH } from "@/lib/auth/users";
import { serverAction } from "@/app/_lib/server-action";
import type { ChangePasswordState } from "@/components/account/password-form-state";

const form = z
  .object({
    current: z.string().min(1, "Enter your current password").max(200),
    password: z.string().min(MIN_PASSWORD_LENGTH, `At least ${MIN_PASSWORD_LENGTH} characters`).max(200, "At most 200 characters"),
    confirm: z.string().max(200),
    next: z.string().max(2000),
  })
  .refine((f) => f.password === f.confirm, { path: ["confirm"], message: "The two new passwords differ" });

const change = serverAction({
  action: "account.password",
  // A generated or reset password leads here: this is how such a session gets unblocked.
  allowWhilePasswordChangeRequired: true,
  input: form,
  run: async ({ actor, input, services }) => {
    await changeOwnPassword(services.prisma, { actor, current: input.current, next: input.password });
    return { next: safeCallbackPath(input.next) };
  },
});

export async function changePasswordAction(_previous: ChangePasswordState, data: FormData): Promise<ChangePasswordState> {
  const result = await change(Object.fromEntries(["current", "password", "confirm", "next"].map((k) => [k, String(data.get(k) ?? "")])));
  if (result.ok) return { status: "changed", next: result.next };
  // The service names the field in its message; put it next to the input it is about.
  const fieldErrors = result.fieldErrors ?? { [result.code === "wrong_password" ? "current" : "password"]: result.message };
  return { status: "error", message: result.message, fieldErrors };
}
