// GET /api/v1/decisions: the ledger, newest first, in keyset pages on the id. Because an id's time
// prefix is the decision's time, from/to become id bounds and every filter is one index range:
// (modelId, id), (versionId, id), (requestId) or the primary key.
import { z } from "zod";
import type { Tx } from "../db/types.ts";
import { badRequest, notFound } from "../errors/app-error.ts";
import { decodeCursor, encodeCursor, paginationQuery, type Page } from "../http/pagination.ts";
import { isStorableText, UNSTORABLE_TEXT } from "../schemas/storable-text.ts";
import { lowestIdAt } from "./decision-id.ts";
import { requestIdSchema } from "./schemas.ts";
import { decisionSelect, toDecisionView, type DecisionView } from "./views.ts";

export const listDecisionsQuery = paginationQuery
  .extend({
    model: z.string().min(1).max(100).optional(),
    version: z.string().min(1).max(128).optional().describe("needs model"),
    from: z.iso.datetime({ offset: true }).optional().describe("decisions at or after this time"),
    to: z.iso.datetime({ offset: true }).optional().describe("decisions before this time"),
    requestId: requestIdSchema.optional(),
    source: z.enum(["predict", "reported"]).optional(),
  })
  .refine((q) => !q.version || q.model, { message: "version needs model", path: ["version"] });
export type ListDecisionsQuery = z.output<typeof listDecisionsQuery>;

export async function listDecisions(db: Tx, query: ListDecisionsQuery): Promise<Page<DecisionView>> {
  // The pages pass their query string here unchecked by the API's zod schema.
  for (const [field, value] of [["model", query.model], ["version", query.version], ["requestId", query.requestId]] as const)
    if (value !== undefined && !isStorableText(value)) throw badRequest("invalid_query", `${field}: ${UNSTORABLE_TEXT}`, [{ path: field, message: UNSTORABLE_TEXT }]);
  if (query.version && !query.model) throw badRequest("invalid_query", "version needs model", [{ path: "version", message: "version needs model" }]);
  let modelId: string | undefined;
  let versionId: string | undefined;
  if (query.model) {
    const model = await db.model.findUnique({ where: { name: query.model }, select: { id: true } });
    if (!model) throw notFound("model_not_found", `no model named '${query.model}'`);
    modelId = model.id;
    if (query.version) {
      const version = await db.modelVersion.findUnique({ where: { modelId_version: { modelId, version: query.version } }, select: { id: true } });
      if (!version) throw notFound("version_not_found", `model '${query.model}' has no version '${query.version}'`);
      versionId = version.id;
    }
  }
  const from = query.from ? new Date(query.from) : undefined;
  const to = query.to ? new Date(query.to) : undefined;
  if (from && to && from > to) throw badRequest("invalid_query", "from is after to", [{ path: "from", message: "after to" }]);
  const before = query.cursor ? decodeCursor(query.cursor, ["id"]).id : undefined;
  if (before !== undefined && !UUID.test(before)) throw badRequest("invalid_cursor", "the cursor is not one this API returned");

  const idBounds = {
    ...(from ? { gte: lowestIdAt(from) } : {}),
    // `to` is exclusive; the cursor (the last id returned) is the upper bound of the next page.
    ...(to || before ? { lt: [to ? lowestIdAt(to) : undefined, before].filter((x): x is string => !!x).sort()[0] } : {}),
  };
  const rows = await db.decision.findMany({
    where: {
      ...(versionId ? { versionId } : modelId ? { modelId } : {}),
      ...(query.requestId ? { requestId: query.requestId } : {}),
      ...(query.source ? { source: query.source } : {}),
      ...(Object.keys(idBounds).length ? { id: idBounds } : {}),
    },
    orderBy: { id: "desc" },
    take: query.limit + 1,
    select: decisionSelect,
  });
  const page = rows.slice(0, query.limit);
  const emails = await actorEmails(db, page);
  return {
    items: page.map((r) => toDecisionView(r, emails)),
    nextCursor: rows.length > query.limit ? encodeCursor({ id: page[page.length - 1]!.id }) : null,
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The emails of the users among the rows' actors (the bootstrap token and the system have none). */
export async function actorEmails(db: Tx, rows: readonly { actorType: string; actorId: string }[]): Promise<Map<string, string>> {
  // Only user ids are UUIDs; anything else (a system actor's name) has no email to look up.
  const ids = [...new Set(rows.filter((r) => r.actorType === "user" && UUID.test(r.actorId)).map((r) => r.actorId))];
  if (ids.length === 0) return new Map();
  const users = await db.user.findMany({ where: { id: { in: ids } }, select: { id: true, email: true } });
  return new Map(users.map((u) => [u.id, u.email]));
}
