"use server";
// Server actions behind the API tokens page. They authenticate with the browser session (Next
// checks the Origin of server-action POSTs, so they cannot be triggered cross-site), validate the
// form with zod and call the same services as POST/DELETE /api/v1/tokens.
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getPageActor } from "@/lib/auth/next-auth";
import { scopes as allScopes, scopesAllowedFor } from "@/lib/auth/roles";
import { createApiToken, revokeApiToken } from "@/lib/auth/tokens";
import { AppError } from "@/lib/http/errors";
import { getServices } from "@/lib/server/services";
import { expiryChoices, type CreateTokenState, type RevokeTokenState } from "@/components/tokens/token-form-state";

const createTokenForm = z.object({
  name: z.string().trim().min(1, "Give the token a name, e.g. the CI job that uses it").max(100, "At most 100 characters"),
  scopes: z.array(z.enum(allScopes)).min(1, "Choose at least one scope"),
  expiry: z.enum(expiryChoices.map((c) => c.value) as [string, ...string[]]),
});

const SIGNED_OUT = "Your session has ended. Sign in again and retry.";

export async function createTokenAction(_previous: CreateTokenState, form: FormData): Promise<CreateTokenState> {
  const actor = await getPageActor();
  if (!actor) return { status: "error", message: SIGNED_OUT };
  const parsed = createTokenForm.safeParse({ name: form.get("name") ?? "", scopes: form.getAll("scopes"), expiry: form.get("expiry") ?? "" });
  if (!parsed.success) {
    const fieldErrors: Record<string, string> = {};
    for (const issue of parsed.error.issues) fieldErrors[String(issue.path[0])] ??= issue.message;
    return { status: "error", message: "Check the highlighted fields.", fieldErrors };
  }
  const allowed = scopesAllowedFor(actor.role);
  const excess = parsed.data.scopes.filter((s) => !allowed.includes(s));
  if (excess.length)
    return { status: "error", message: `A ${actor.role} cannot hold ${excess.join(", ")}.`, fieldErrors: { scopes: `Allowed for your role: ${allowed.join(", ")}` } };
  const days = expiryChoices.find((c) => c.value === parsed.data.expiry)?.days;
  try {
    const { prisma } = await getServices();
    const { token, view } = await createApiToken(prisma, {
      actor,
      name: parsed.data.name,
      scopes: parsed.data.scopes,
      expiresAt: days ? new Date(Date.now() + days * 24 * 3600 * 1000) : undefined,
    });
    revalidatePath("/settings/tokens");
    return { status: "created", token, name: view.name, scopes: view.scopes, expiresAt: view.expiresAt };
  } catch (error) {
    if (error instanceof AppError) return { status: "error", message: error.message };
    throw error;
  }
}

export async function revokeTokenAction(id: string): Promise<RevokeTokenState> {
  const actor = await getPageActor();
  if (!actor) return { ok: false, message: SIGNED_OUT };
  const parsed = z.uuid().safeParse(id);
  if (!parsed.success) return { ok: false, message: "That token id is not valid." };
  try {
    const { prisma } = await getServices();
    await revokeApiToken(prisma, { actor, id: parsed.data });
    revalidatePath("/settings/tokens");
    return { ok: true };
  } catch (error) {
    if (error instanceof AppError) return { ok: false, message: error.message };
    throw error;
  }
}
