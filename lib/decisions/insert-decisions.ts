// Writing decisions: one INSERT for any number of rows, on the pg driver and the embedded PGlite alike.
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

const names = `"id", "at", "modelId", "versionId", "manifestDigest", "source", "inputDigest", "inputRetention", "input",
  "redactedFields", "output", "score", "latencyMs", "actorType", "actorId", "credential", "requestId", "clientId", "batchId", "metadata"`;

// One array parameter per column, expanded row by row with unnest: measured 25 % faster than one JSON
// parameter expanded by jsonb_to_recordset (28 vs 37–48 ms per 1,000 rows). A row's redactedFields
// travels as a JSON array (unnest cannot take an array of arrays).
const select = `SELECT u."id", u."at", u."modelId", u."versionId", u."manifestDigest", u."source"::"DecisionSource", u."inputDigest",
  u."inputRetention", u."input", CASE WHEN u."redacted" = '[]' THEN '{}'::text[] ELSE ARRAY(SELECT jsonb_array_elements_text(u."redacted")) END,
  u."output", u."score", u."latencyMs", u."actorType", u."actorId", u."credential", u."requestId", u."clientId", u."batchId", u."metadata"
  FROM unnest($1::uuid[], $2::timestamptz[], $3::uuid[], $4::uuid[], $5::text[], $6::text[], $7::text[], $8::text[], $9::jsonb[],
              $10::jsonb[], $11::jsonb[], $12::float8[], $13::float8[], $14::text[], $15::text[], $16::text[], $17::text[],
              $18::text[], $19::uuid[], $20::jsonb[])
    AS u("id", "at", "modelId", "versionId", "manifestDigest", "source", "inputDigest", "inputRetention", "input", "redacted",
         "output", "score", "latencyMs", "actorType", "actorId", "credential", "requestId", "clientId", "batchId", "metadata")`;

const json = (v: unknown) => (v === null || v === undefined ? null : JSON.stringify(v));
const finite = (v: number | null) => (v === null || !Number.isFinite(v) ? null : v);

function columns(records: readonly DecisionRecord[]): unknown[] {
  const col = <T>(f: (r: DecisionRecord) => T) => records.map(f);
  return [
    col((r) => r.id),
    col((r) => r.at.toISOString()),
    col((r) => r.modelId),
    col((r) => r.versionId),
    col((r) => r.manifestDigest),
    col((r) => r.source),
    col((r) => r.inputDigest),
    col((r) => r.inputRetention),
    col((r) => json(r.input)),
    col((r) => JSON.stringify(r.redactedFields)),
    col((r) => json(r.output)),
    col((r) => finite(r.score)),
    col((r) => finite(r.latencyMs)),
    col((r) => r.actorType),
    col((r) => r.actorId),
    col((r) => r.credential),
    col((r) => r.requestId),
    col((r) => r.clientId),
    col((r) => r.batchId),
    col((r) => json(r.metadata)),
  ];
}

/** Inserts every record in one statement (the pg pool directly on Postgres: predict's hot path). */
export async function insertDecisions(db: Tx, records: readonly DecisionRecord[]): Promise<void> {
  if (records.length === 0) return;
  await queryRows(db, `INSERT INTO "Decision" (${names}) ${select}`, columns(records));
}

/**
 * Inserts the records whose (model, client id) is new; returns `modelId/clientId` of each one inserted
 * (a re-sent decision is skipped, and the caller compares it with the stored one).
 */
export async function insertReportedDecisions(db: Tx, records: readonly DecisionRecord[]): Promise<Set<string>> {
  if (records.length === 0) return new Set();
  const rows = await queryRows<{ modelId: string; clientId: string }>(
    db,
    `INSERT INTO "Decision" (${names}) ${select} ON CONFLICT ("modelId", "clientId") DO NOTHING RETURNING "modelId"::text AS "modelId", "clientId"`,
    columns(records),
  );
  // Client ids are unique per model, not globally: the same id may be new for one model and stored for another.
  return new Set(rows.map((r) => `${r.modelId}/${r.clientId}`));
}
