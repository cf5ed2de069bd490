"use server";
// Assigning a model's owners from the browser: the same service and rule as
// PUT /api/v1/models/{name}/owners (model.manage_owners), through the one server-action wrapper.
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { emailSchema } from "@/lib/schemas/email";
import { modelNameSchema } from "@/lib/registry/rules";
import { setModelOwners } from "@/lib/registry/models";
import type { SetOwnersResult } from "@/components/models/owners-editor";
import { serverAction } from "@/app/_lib/server-action";

const setOwners = serverAction({
  action: "model.manage_owners",
  input: z.object({ model: modelNameSchema, emails: z.array(emailSchema).max(50) }),
  run: async ({ actor, input, services }) => {
    const model = await setModelOwners(services.prisma, { actor, name: input.model, emails: input.emails });
    revalidatePath(`/models/${encodeURIComponent(input.model)}`);
    return { owners: model.owners };
  },
});

export async function setOwnersAction(input: { model: string; emails: string[] }): Promise<SetOwnersResult> {
  const result = await setOwners(input);
  return result.ok ? { ok: true, message: "Owners saved.", owners: result.owners } : { ok: false, message: result.message };
}
