"use server";
// Deciding on and cancelling promotion requests from the browser: the same services and rules as
// POST /api/v1/promotions/{id}/approvals and …/cancel, through the one server-action wrapper. The
// decision carries the manifest digest the page showed; the service refuses any other (409).
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { cancelPromotion } from "@/lib/promotion/cancel-promotion";
import { decidePromotion, decidePromotionBody } from "@/lib/promotion/decide-promotion";
import { describeRequest } from "@/lib/promotion/describe-request";
import type { PromotionView } from "@/lib/promotion/views";
import { modelHref } from "@/components/links";
import { explainRefusal, type CancelInput, type DecideInput, type PromotionFormResult } from "@/components/promotion/form-state";
import { serverAction, type ActionResult } from "@/app/_lib/server-action";

const requestId = z.string().uuid();

function revalidate(view: PromotionView) {
  revalidatePath(`/reviews/${view.id}`);
  revalidatePath("/reviews");
  revalidatePath(modelHref(view.model));
}

function toFormResult<T extends object>(result: ActionResult<T>, message: (r: T) => string): PromotionFormResult {
  if (result.ok) return { ok: true, message: message(result) };
  return { ok: false, code: result.code, message: explainRefusal(result.code, result.message), ...(result.fieldErrors ? { fieldErrors: result.fieldErrors } : {}) };
}

const decide = serverAction({
  action: "promotion.approve",
  input: decidePromotionBody.extend({ id: requestId }),
  run: async ({ actor, input, services }) => {
    const view = await decidePromotion(services.prisma, { actor, id: input.id, decision: input.decision, comment: input.comment, manifestDigest: input.manifestDigest });
    revalidate(view);
    return { view };
  },
});

export async function decidePromotionAction(input: DecideInput): Promise<PromotionFormResult> {
  return toFormResult(await decide(input), ({ view }) => {
    if (input.decision === "reject") return "Rejected. The requester sees your comment.";
    if (view.status === "promoted") return `Approved — that was the last approval: ${view.version} is now ${view.to}.`;
    const { headline } = describeRequest(view);
    return `Approved. ${view.status === "pending_checks" ? `Your approval is recorded, but a gate stopped holding: ${view.blockedReason ?? headline}` : `Still needed: ${view.requiredApprovals - view.approvalsCounted} more approval${view.requiredApprovals - view.approvalsCounted === 1 ? "" : "s"}.`}`;
  });
}

const cancel = serverAction({
  action: "promotion.cancel",
  input: z.object({ id: requestId, reason: z.string().trim().max(2000).optional() }),
  run: async ({ actor, input, services }) => {
    const view = await cancelPromotion(services.prisma, { actor, id: input.id, ...(input.reason ? { reason: input.reason } : {}) });
    revalidate(view);
    return { view };
  },
});

export async function cancelPromotionAction(input: CancelInput): Promise<PromotionFormResult> {
  return toFormResult(await cancel(input), () => "Request cancelled.");
}
