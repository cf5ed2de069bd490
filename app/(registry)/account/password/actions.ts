"use server";
// Changing one's own password from the browser: the same service as POST /api/v1/me/password.
// Deliberately not through requirePageActor's forced-change redirect: this is where it leads.
import { z } from "zod";
import { getPageActor, safeCallbackPath } from "@/lib/auth/next-auth";
import { authorize } from "@/lib/auth/permissions";
import { changeOwnPassword, MIN_PASSWORD_LENGTH } from "@/lib/auth/users";
import { AppError } from "@/lib/http/errors";
import { getServices } from "@/lib/server/services";
import type { ChangePasswordState } from "@/components/account/password-form-state";

const form = z
  .object({
    current: z.string().min(1, "Enter your current password").max(200),
    password: z.string().min(MIN_PASSWORD_LENGTH, `At least ${MIN_PASSWORD_LENGTH} characters`).max(200, "At most 200 characters"),
    confirm: z.string().max(200),
    next: z.string().max(2000),
  })
  .refine((f) => f.password === f.confirm, { path: ["confirm"], message: "The two new passwords differ" });

export async function changePasswordAction(_previous: ChangePasswordState, data: FormData): Promise<ChangePasswordState> {
  // The one exception to serverAction(): a session that must change its password may do this.
  const actor = await getPageActor();
  if (!actor) return { status: "error", message: "Your session has ended. Sign in again and retry." };
  const decision = authorize(actor, "account.password");
  if (!decision.allowed) return { status: "error", message: decision.message };
  const parsed = form.safeParse(Object.fromEntries(["current", "password", "confirm", "next"].map((k) => [k, String(data.get(k) ?? "")])));
  if (!parsed.success) {
    const fieldErrors: Record<string, string> = {};
    for (const issue of parsed.error.issues) fieldErrors[String(issue.path[0])] ??= issue.message;
    return { status: "error", message: "Check the highlighted fields.", fieldErrors };
  }
  try {
    await changeOwnPassword((await getServices()).prisma, { actor, current: parsed.data.current, next: parsed.data.password });
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    const field = error.code === "wrong_password" ? "current" : "password";
    return { status: "error", message: error.message.charAt(0).toUpperCase() + error.message.slice(1) + ".", fieldErrors: { [field]: error.message } };
  }
  return { status: "changed", next: safeCallbackPath(parsed.data.next) };
}
