"use server";
// The model page's server actions, through the one server-action wrapper: assigning owners (as
// PUT /api/v1/models/{name}/owners), requesting a promotion and rolling prod back (below).
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { emailSchema } from "@/lib/schemas/email";
import { modelNameSchema } from "@/lib/registry/rules";
import { setModelOwners } from "@/lib/registry/models";
import type { SetOwnersResult } from "@/components/models/owners-editor";
import { modelHref, versionHref } from "@/components/links";
import { explainRefusal, type PromotionFormResult, type RequestInput, type RollbackInput } from "@/components/promotion/form-state";
import { describeRequest } from "@/lib/promotion/describe-request";
import { requestPromotion, requestPromotionBody } from "@/lib/promotion/request-promotion";
import { rollbackBody, rollbackStage } from "@/lib/promotion/rollback";
import { serverAction, type ActionResult } from "@/app/_lib/server-action";

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

// ---- Promotion: request the next stage, roll prod back -------------------------------------------
// The same services and rules as POST …/versions/{version}/promotions and POST …/rollback.

function promotionResult<T extends object>(result: ActionResult<T>, message: (r: T) => string, href?: (r: T) => string | undefined): PromotionFormResult {
  if (result.ok) {
    const link = href?.(result);
    return { ok: true, message: message(result), ...(link ? { href: link } : {}) };
  }
  return { ok: false, code: result.code, message: explainRefusal(result.code, result.message), ...(result.fieldErrors ? { fieldErrors: result.fieldErrors } : {}) };
}

const requestPromotionServer = serverAction({
  action: "promotion.request",
  input: requestPromotionBody.extend({ model: modelNameSchema, version: z.string().min(1).max(128) }),
  run: async ({ actor, input, services }) => {
    const view = await requestPromotion(services, { actor, model: input.model, version: input.version, to: input.to, reason: input.reason });
    revalidatePath(modelHref(input.model));
    revalidatePath(versionHref(input.model, input.version));
    revalidatePath("/reviews");
    return { view };
  },
});

export async function requestPromotionAction(input: RequestInput): Promise<PromotionFormResult> {
  return promotionResult(
    await requestPromotionServer(input),
    ({ view }) => (view.status === "promoted" ? `${view.version} is now in ${view.to}: nothing stood in the way.` : `Requested. ${describeRequest(view).headline}.`),
    ({ view }) => (view.status === "promoted" ? undefined : `/reviews/${view.id}`),
  );
}

const rollback = serverAction({
  action: "promotion.rollback",
  input: rollbackBody.omit({ stage: true }).extend({ model: modelNameSchema }),
  run: async ({ actor, input, services }) => {
    const result = await rollbackStage(services.prisma, { actor, model: input.model, reason: input.reason, ...(input.toVersion ? { toVersion: input.toVersion } : {}) });
    revalidatePath(modelHref(input.model));
    revalidatePath(versionHref(input.model, result.from));
    revalidatePath(versionHref(input.model, result.to));
    return { result };
  },
});

export async function rollbackAction(input: RollbackInput): Promise<PromotionFormResult> {
  return promotionResult(await rollback(input), ({ result }) => `Rolled back: prod is ${result.to} again (was ${result.from}).`);
}
