// GET /promotions: requests newest first, filtered by status ("open" = not yet final), model and
// target stage. The gates are as last evaluated (stored with the request), so the queue stays one query.
import { z } from "zod";
import type { Tx } from "../db/types.ts";
import { paginationQuery, timeCursorWhere, timePage, type Page } from "../http/pagination.ts";
import { modelNameSchema } from "../registry/rules.ts";
import { openStatuses, promotionTargets, requestStatuses, type RequestStatus } from "./state-machine.ts";
import { requestInclude, toPromotionSummary, type PromotionSummary } from "./views.ts";

export const listPromotionsQuery = paginationQuery.extend({
  status: z.enum(["open", ...requestStatuses]).optional().describe("open = pending_checks, awaiting_approval or approved"),
  model: modelNameSchema.optional(),
  to: z.enum(promotionTargets).optional(),
});

export async function listPromotions(
  db: Tx,
  { status, model, to, limit, cursor }: { status?: "open" | RequestStatus; model?: string; to?: "staging" | "prod"; limit: number; cursor?: string },
): Promise<Page<PromotionSummary>> {
  const rows = await db.promotionRequest.findMany({
    where: {
      ...(status ? { status: status === "open" ? { in: [...openStatuses] } : status } : {}),
      ...(model ? { model: { name: model } } : {}),
      ...(to ? { toStage: to } : {}),
      ...timeCursorWhere(cursor),
    },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: limit + 1,
    include: requestInclude,
  });
  return timePage(rows, limit, toPromotionSummary);
}
