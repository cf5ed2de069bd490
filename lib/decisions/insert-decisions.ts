// Writing decisions: one INSERT for any number of rows. The rows travel as one JSON array that
// Postgres expands with jsonb_to_recordset — one parameter and one statement whatever the count,
// on the pg driver and the embedded PGlite alike.
import { queryRows } from "../db/client.ts";
import type { Tx } from "../db/types.ts";
import type { Row } from "./input-digest.ts";

export type DecisionRecord = {
  id: string;
  at: Date;
  modelId: string;
  versionId: string;
  manifestDigest: string;
  source: "predict" | "reported";
  inputDigest: string;
  inputRetention: "full" | "digest" | "redacted";
  input: Row | null;
  redactedFields: string[];
  output: unknown;
  score: number | null;
  latencyMs: number | null;
  actorType: string;
  actorId: string;
  credential: string | null;
  requestId: string | null;
  clientId: string | null;
  batchId: string | null;
  metadata: unknown;
};

const columns = `
  "id" uuid, "at" timestamptz, "modelId" uuid, "versionId" uuid, "manifestDigest" text, "source" text,
  "inputDigest" text, "inputRetention" text, "input" jsonb, "redactedFields" text[], "output" jsonb,
  "score" float8, "latencyMs" float8, "actorType" text, "actorId" text, "credential" text, "requestId" text,
  "clientId" text, "batchId" uuid, "metadata" jsonb`;

const names = `"id", "at", "modelId", "versionId", "manifestDigest", "source", "inputDigest", "inputRetention", "input",
  "redactedFields", "output", "score", "latencyMs", "actorType", "actorId", "credential", "requestId", "clientId", "batchId", "metadata"`;

const select = `SELECT "id", "at", "modelId", "versionId", "manifestDigest", "source"::"DecisionSource", "inputDigest", "inputRetention",
  "input", coalesce("redactedFields", '{}'), "output", "score", "latencyMs", "actorType", "actorId", "credential", "requestId",
  "clientId", "batchId", "metadata" FROM jsonb_to_recordset($1::jsonb) AS r(${columns})`;

// Dates become ISO strings and absent fields nulls; a NaN score becomes null.
const payload = (records: readonly DecisionRecord[]): string => JSON.stringify(records);

/** Inserts every record in one statement (the pg pool directly on Postgres: predict's hot path). */
export async function insertDecisions(db: Tx, records: readonly DecisionRecord[]): Promise<void> {
  if (records.length === 0) return;
  await queryRows(db, `INSERT INTO "Decision" (${names}) ${select}`, [payload(records)]);
}

/**
 * Inserts the records whose (model, client id) is new; returns the client ids that were inserted
 * (a re-sent decision is skipped, and the caller compares it with the stored one).
 */
export async function insertReportedDecisions(db: Tx, records: readonly DecisionRecord[]): Promise<Set<string>> {
  if (records.length === 0) return new Set();
  const rows = await queryRows<{ clientId: string }>(db, `INSERT INTO "Decision" (${names}) ${select} ON CONFLICT ("modelId", "clientId") DO NOTHING RETURNING "clientId"`, [
    payload(records),
  ]);
  return new Set(rows.map((r) => r.clientId));
}
