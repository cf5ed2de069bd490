// The ledger's rows as the API shows them, read in one SQL statement (decision ⋈ version ⋈ model ⋈
// the actor's user) through `queryRows`. The auditor's reads are the ledger's hot path: through
// Prisma a page was six statements (the model, the version, the decisions, their versions, their
// models, the actors' emails) at ~0.26 ms of CPU each; here it is two, on pg directly (see
// bench/RESULTS.md). JSON and float columns are selected as text, so that pg (Postgres) and Prisma
// (the embedded PGlite) hand back the same values; float8's text form round-trips exactly.
import type { DecisionView } from "./views.ts";

export const DECISION_COLUMNS = `d."id"::text AS "id", d."at", d."manifestDigest", d."source"::text AS "source", d."inputDigest", d."inputRetention",
  d."input"::text AS "input", d."redactedFields", d."output"::text AS "output", d."score"::text AS "score", d."latencyMs"::text AS "latencyMs",
  d."actorType", d."actorId", d."credential", d."requestId", d."clientId", d."batchId"::text AS "batchId", d."metadata"::text AS "metadata",
  v."version" AS "versionName", m."name" AS "modelName", u."email" AS "actorEmail"`;

// Only a user actor's id is a UUID (others are names such as "bootstrap"): the CASE keeps the cast
// from failing on them, and lets the join use the user table's primary key.
export const DECISION_FROM = `FROM "Decision" d
  JOIN "ModelVersion" v ON v."id" = d."versionId"
  JOIN "Model" m ON m."id" = v."modelId"
  LEFT JOIN "User" u ON u."id" = CASE WHEN d."actorType" = 'user' AND d."actorId" ~ '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$' THEN d."actorId"::uuid END`;

export type DecisionSqlRow = {
  id: string;
  at: Date;
  manifestDigest: string;
  source: string;
  inputDigest: string;
  inputRetention: string;
  input: string | null;
  redactedFields: string[];
  output: string;
  score: string | null;
  latencyMs: string | null;
  actorType: string;
  actorId: string;
  credential: string | null;
  requestId: string | null;
  clientId: string | null;
  batchId: string | null;
  metadata: string | null;
  versionName: string;
  modelName: string;
  actorEmail: string | null;
};

const json = (text: string | null): unknown => (text === null ? null : JSON.parse(text));
const number = (text: string | null): number | null => (text === null ? null : Number(text));

export function decisionViewOf(r: DecisionSqlRow): DecisionView {
  return {
    id: r.id,
    at: r.at.toISOString(),
    model: r.modelName,
    version: r.versionName,
    manifestDigest: r.manifestDigest,
    source: r.source as DecisionView["source"],
    inputDigest: r.inputDigest,
    inputRetention: r.inputRetention as DecisionView["inputRetention"],
    input: json(r.input) as DecisionView["input"],
    redactedFields: r.redactedFields,
    output: json(r.output) as DecisionView["output"],
    score: number(r.score),
    latencyMs: number(r.latencyMs),
    actor: { type: r.actorType, id: r.actorId, email: r.actorEmail },
    credential: r.credential,
    requestId: r.requestId,
    clientId: r.clientId,
    batchId: r.batchId,
    metadata: json(r.metadata) as DecisionView["metadata"],
  };
}
