"use server";
// Server actions behind the API tokens page: the same services and rules as POST/DELETE
// /api/v1/tokens, through the one server-action wrapper. A token minted here is a root token (the
// session's lifetime does not bound it).
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { scopes as allScopes } from "@/lib/auth/roles";
import { createApiToken, revokeApiToken } from "@/lib/auth/tokens";
import { expiryChoices, type CreateTokenState, type RevokeTokenState } from "@/components/tokens/token-form-state";
import { serverAction } from "@/app/_lib/server-action";

const create = serverAction({
  action: "tokens.own",
  input: z.object({
    name: z.string().trim().min(1, "Give the token a name, e.g. the CI job that uses it").max(100, "At most 100 characters"),
    scopes: z.array(z.enum(allScopes)).min(1, "Choose at least one scope"),
    expiry: z.enum(expiryChoices.map((c) => c.value) as [string, ...string[]]),
  }),
  run: async ({ actor, input, services }) => {
    const days = expiryChoices.find((c) => c.value === input.expiry)?.days;
    const { token, view } = await createApiToken(services.prisma, {
      actor,
      name: input.name,
      scopes: input.scopes,
      expiresAt: days ? new Date(Date.now() + days * 24 * 3600 * 1000) : undefined,
    });
    revalidatePath("/settings/tokens");
    return { token, view };
  },
});

export async function createTokenAction(_previous: CreateTokenState, form: FormData): Promise<CreateTokenState> {
  const result = await create({ name: form.get("name") ?? "", scopes: form.getAll("scopes"), expiry: form.get("expiry") ?? "" });
  if (!result.ok) {
    const fieldErrors = result.fieldErrors ?? (result.code === "scope_exceeds_role" ? { scopes: result.message } : undefined);
    return { status: "error", message: result.message, ...(fieldErrors ? { fieldErrors } : {}) };
  }
  const { token, view } = result;
  return { status: "created", token, name: view.name, scopes: view.scopes, expiresAt: view.expiresAt };
}

const revoke = serverAction({
  action: "tokens.own",
  input: z.uuid(),
  run: async ({ actor, input, services }) => {
    await revokeApiToken(services.prisma, { actor, id: input });
    revalidatePath("/settings/tokens");
    return {};
  },
});

export async function revokeTokenAction(id: string): Promise<RevokeTokenState> {
  const result = await revoke(id);
  return result.ok ? { ok: true } : { ok: false, message: result.code === "invalid_input" ? "That token id is not valid." : result.message };
}
