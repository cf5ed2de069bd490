// GET /api/v1/decisions: the ledger, newest first, in keyset pages on the id. Because an id's time
// prefix is the decision's time, from/to become id bounds and every filter is one index range:
// (modelId, id), (versionId, id), (requestId) or the primary key.
import { z } from "zod";
import { queryRows } from "../db/client.ts";
import type { Tx } from "../db/types.ts";
import { badRequest, notFound } from "../errors/app-error.ts";
import { decodeCursor, encodeCursor, paginationQuery, type Page } from "../http/pagination.ts";
import { isStorableText, UNSTORABLE_TEXT } from "../schemas/storable-text.ts";
import { lowestIdAt } from "./decision-id.ts";
import { requestIdSchema } from "./schemas.ts";
import { DECISION_COLUMNS, DECISION_FROM, decisionViewOf, type DecisionSqlRow } from "./decision-rows.ts";
import type { DecisionView } from "./views.ts";

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
    const [found] = await queryRows<{ modelId: string; versionId: string | null }>(
      db,
      `SELECT m."id"::text AS "modelId", v."id"::text AS "versionId" FROM "Model" m LEFT JOIN "ModelVersion" v ON v."modelId" = m."id" AND v."version" = $2 WHERE m."name" = $1`,
      [query.model, query.version ?? ""],
    );
    if (!found) throw notFound("model_not_found", `no model named '${query.model}'`);
    modelId = found.modelId;
    if (query.version) {
      if (!found.versionId) throw notFound("version_not_found", `model '${query.model}' has no version '${query.version}'`);
      versionId = found.versionId;
    }
  }
  const from = query.from ? new Date(query.from) : undefined;
  const to = query.to ? new Date(query.to) : undefined;
  if (from && to && from > to) throw badRequest("invalid_query", "from is after to", [{ path: "from", message: "after to" }]);
  const before = query.cursor ? decodeCursor(query.cursor, ["id"]).id : undefined;
  if (before !== undefined && !UUID.test(before)) throw badRequest("invalid_cursor", "the cursor is not one this API returned");

  // Every filter is a bound on one index range; `to` is exclusive, and the cursor (the last id
  // returned) is the upper bound of the next page.
  const values: unknown[] = [];
  const where: string[] = [];
  const param = (value: unknown) => `$${values.push(value)}`;
  if (versionId) where.push(`d."versionId" = ${param(versionId)}::uuid`);
  else if (modelId) where.push(`d."modelId" = ${param(modelId)}::uuid`);
  if (query.requestId) where.push(`d."requestId" = ${param(query.requestId)}`);
  if (query.source) where.push(`d."source" = ${param(query.source)}::"DecisionSource"`);
  if (from) where.push(`d."id" >= ${param(lowestIdAt(from))}::uuid`);
  const upper = [to ? lowestIdAt(to) : undefined, before?.toLowerCase()].filter((x): x is string => !!x).sort()[0];
  if (upper) where.push(`d."id" < ${param(upper)}::uuid`);
  const rows = await queryRows<DecisionSqlRow>(
    db,
    `SELECT ${DECISION_COLUMNS} ${DECISION_FROM} ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY d."id" DESC LIMIT ${param(query.limit + 1)}`,
    values,
  );
  const page = rows.slice(0, query.limit);
  return {
    items: page.map(decisionViewOf),
    nextCursor: rows.length > query.limit ? encodeCursor({ id: page[page.length - 1]!.id }) : null,
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
