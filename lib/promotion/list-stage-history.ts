// GET /models/{name}/stages: the model's stage history, newest first — who moved which version or
// alias where, when and why (uploads entering dev, promotions, archiving, rollbacks, custom aliases).
import type { Tx } from "../db/types.ts";
import { findModelId } from "../registry/models.ts";
import { decodeCursor, encodeCursor, type Page } from "../http/pagination.ts";
import type { StageEventView } from "./views.ts";

export async function listStageHistory(db: Tx, { model, limit, cursor }: { model: string; limit: number; cursor?: string }): Promise<Page<StageEventView>> {
  const modelId = await findModelId(db, model);
  const after = cursor ? decodeCursor(cursor, ["at", "id"]) : undefined;
  const rows = await db.stageEvent.findMany({
    where: { modelId, ...(after ? { OR: [{ at: { lt: new Date(after.at) } }, { at: new Date(after.at), id: { lt: after.id } }] } : {}) },
    orderBy: [{ at: "desc" }, { id: "desc" }],
    take: limit + 1,
    include: { version: { select: { version: true } } },
  });
  const userIds = [...new Set(rows.filter((r) => r.actorType === "user").map((r) => r.actorId))];
  const users = new Map((await db.user.findMany({ where: { id: { in: userIds } }, select: { id: true, email: true } })).map((u) => [u.id, u.email]));
  const page = rows.slice(0, limit);
  const last = rows.length > limit ? page[page.length - 1] : undefined;
  return {
    items: page.map((r) => ({
      id: r.id,
      kind: r.kind as StageEventView["kind"],
      version: r.version.version,
      fromStage: r.fromStage,
      toStage: r.toStage,
      alias: r.alias,
      requestId: r.requestId,
      actor: { type: r.actorType, id: r.actorId, email: users.get(r.actorId) ?? null },
      reason: r.reason,
      at: r.at.toISOString(),
    })),
    nextCursor: last ? encodeCursor({ at: last.at.toISOString(), id: last.id }) : null,
  };
}
