// GET /api/v1/decisions/{id}: a decision with its version's lineage as it stood at the decision's
// moment — the stage the version held then (from the append-only stage history, not today's stage),
// the promotion request and sign-offs that put it there, the latest finished check verdicts then,
// the model's prod version then — plus what does not change (digests, files, signature, card).
import { queryRows } from "../db/client.ts";
import type { Tx } from "../db/types.ts";
import { notFound } from "../errors/app-error.ts";
import type { Signer } from "../integrity/signing.ts";
import { signatureStatus } from "../integrity/verify-signature.ts";
import { readCardText } from "../registry/card/read-card.ts";
import type { Manifest } from "../registry/envelope.ts";
import type { ObjectStore } from "../storage/index.ts";
import { DECISION_COLUMNS, DECISION_FROM, decisionViewOf, type DecisionSqlRow } from "./decision-rows.ts";
import type { DecisionLineage, ReplayView } from "./views.ts";

/** The decision and its as-of facts: the stage then, the model's prod then, the promotion behind the stage. */
type AsOfRow = DecisionSqlRow & {
  versionId: string;
  stageNow: string;
  stage: string | null;
  stageSince: Date | null;
  prodVersion: string | null;
  promotionRequestId: string | null;
  promotedAt: Date | null;
};

// The last stage change at or before the decision of: the version itself (se), the version last
// moved into prod (pe, and whether it still held prod then: ph), and the promotion event that put
// the version in its stage then (pr). Stage history is append-only, so each is one index probe.
const AS_OF_SQL = `SELECT ${DECISION_COLUMNS}, d."versionId"::text AS "versionId", v."stage"::text AS "stageNow",
    se."toStage"::text AS "stage", se."at" AS "stageSince",
    CASE WHEN ph."toStage" = 'prod' THEN pv."version" END AS "prodVersion",
    pr."requestId"::text AS "promotionRequestId", pr."at" AS "promotedAt"
  ${DECISION_FROM}
  LEFT JOIN LATERAL (SELECT e."toStage", e."at" FROM "StageEvent" e
    WHERE e."versionId" = d."versionId" AND e."toStage" IS NOT NULL AND e."at" <= d."at" ORDER BY e."at" DESC, e."id" DESC LIMIT 1) se ON true
  LEFT JOIN LATERAL (SELECT e."versionId" FROM "StageEvent" e
    WHERE e."modelId" = d."modelId" AND e."toStage" = 'prod' AND e."at" <= d."at" ORDER BY e."at" DESC, e."id" DESC LIMIT 1) pe ON true
  LEFT JOIN "ModelVersion" pv ON pv."id" = pe."versionId"
  LEFT JOIN LATERAL (SELECT e."toStage" FROM "StageEvent" e
    WHERE e."versionId" = pe."versionId" AND e."toStage" IS NOT NULL AND e."at" <= d."at" ORDER BY e."at" DESC, e."id" DESC LIMIT 1) ph ON true
  LEFT JOIN LATERAL (SELECT e."requestId", e."at" FROM "StageEvent" e
    WHERE e."versionId" = d."versionId" AND e."kind" = 'promoted' AND se."toStage" IN ('staging', 'prod') AND e."toStage" = se."toStage"
      AND e."at" <= d."at" AND e."requestId" IS NOT NULL ORDER BY e."at" DESC, e."id" DESC LIMIT 1) pr ON true
  WHERE d."id" = $1::uuid`;

// The latest finished run of each check at or before the decision.
const CHECKS_SQL = `SELECT DISTINCT ON (c."kind") c."id"::text AS "id", c."kind"::text AS "kind", c."verdict"::text AS "verdict", c."summary", c."checkerVersion", c."finishedAt"
  FROM "CheckRun" c WHERE c."versionId" = $1::uuid AND c."status" = 'finished' AND c."finishedAt" <= $2
  ORDER BY c."kind", c."finishedAt" DESC, c."id" DESC`;

// A rollback's restore has no request of its own: the approvals that stand are the original
// promotion's, as they were at the decision (later sign-offs are left out).
const PROMOTION_SQL = `SELECT r."id"::text AS "id", r."toStage"::text AS "to", r."reason", ru."email" AS "requestedBy",
    (SELECT coalesce(json_agg(json_build_object('userId', u."id", 'email', u."email", 'name', u."name", 'decision', a."decision", 'comment', a."comment",
        'manifestDigest', a."manifestDigest", 'at', a."createdAt") ORDER BY a."createdAt"), '[]')::text
     FROM "Approval" a JOIN "User" u ON u."id" = a."userId" WHERE a."requestId" = r."id" AND a."createdAt" <= $2) AS "approvals"
  FROM "PromotionRequest" r LEFT JOIN "User" ru ON ru."id" = r."requestedById" WHERE r."id" = $1::uuid`;

export async function getDecision(deps: { prisma: Tx; store: ObjectStore; signer: Signer }, { id }: { id: string }): Promise<DecisionLineage> {
  const db = deps.prisma;
  const [row] = await queryRows<AsOfRow>(db, AS_OF_SQL, [id]);
  if (!row) throw notFound("decision_not_found", `no decision with id ${id}`);
  const t = row.at;

  const [fixed, runs, replays, promotion] = await Promise.all([
    immutableParts(deps, row.versionId),
    queryRows<{ id: string; kind: string; verdict: string | null; summary: string | null; checkerVersion: string; finishedAt: Date }>(db, CHECKS_SQL, [row.versionId, t]),
    db.decisionReplay.findMany({ where: { decisionId: id }, orderBy: { at: "desc" }, take: 20 }),
    row.promotionRequestId && row.promotedAt ? promotionAsOf(db, row.promotionRequestId, row.promotedAt, t) : null,
  ]);
  // Latest first, as the check history reads.
  runs.sort((a, b) => b.finishedAt.getTime() - a.finishedAt.getTime() || (a.id < b.id ? 1 : -1));

  return {
    decision: decisionViewOf(row),
    version: { ...fixed, stageNow: row.stageNow === "none" ? "dev" : row.stageNow },
    asOf: {
      at: t.toISOString(),
      stage: row.stage === "none" ? "dev" : row.stage,
      stageSince: row.stageSince?.toISOString() ?? null,
      prodVersion: row.prodVersion,
      promotion,
      checks: runs.map((c) => ({
        kind: c.kind,
        verdict: c.verdict,
        summary: c.summary,
        checkerVersion: c.checkerVersion,
        runId: c.id,
        finishedAt: c.finishedAt.toISOString(),
      })),
    },
    replays: replays.map(toReplayView),
  };
}

async function promotionAsOf(db: Tx, requestId: string, promotedAt: Date, t: Date): Promise<DecisionLineage["asOf"]["promotion"]> {
  const [request] = await queryRows<{ id: string; to: string; reason: string; requestedBy: string | null; approvals: string }>(db, PROMOTION_SQL, [requestId, t]);
  if (!request) return null;
  const approvals = JSON.parse(request.approvals) as { userId: string; email: string; name: string; decision: string; comment: string; manifestDigest: string; at: string }[];
  return {
    id: request.id,
    to: request.to,
    reason: request.reason,
    requestedBy: request.requestedBy,
    promotedAt: promotedAt.toISOString(),
    approvals: approvals.map((a) => ({
      user: { id: a.userId, email: a.email, name: a.name },
      decision: a.decision,
      comment: a.comment,
      manifestDigest: a.manifestDigest,
      at: new Date(a.at).toISOString(),
    })),
  };
}

/** Whether a decision with this id is in the ledger (the search page's "jump to id"). */
export async function decisionExists(db: Tx, { id }: { id: string }): Promise<boolean> {
  return (await db.decision.findUnique({ where: { id }, select: { id: true } })) !== null;
}

type ImmutableParts = Omit<DecisionLineage["version"], "stageNow">;

// What a version's lineage shows that never changes — its digests, files, card, and its signature
// checked with this process's key — kept for the most recently looked-up versions: an auditor paging
// through one model's decisions would otherwise re-read the card and re-verify the signature each time.
const MAX_CACHED_VERSIONS = 32;
const immutableCache = new Map<string, Promise<ImmutableParts>>();

function immutableParts(deps: { prisma: Tx; store: ObjectStore; signer: Signer }, versionId: string): Promise<ImmutableParts> {
  const key = `${deps.signer.keyId}/${versionId}`;
  let entry = immutableCache.get(key);
  if (entry) {
    immutableCache.delete(key);
    immutableCache.set(key, entry);
    return entry;
  }
  entry = loadImmutableParts(deps, versionId);
  immutableCache.set(key, entry);
  entry.catch(() => immutableCache.get(key) === entry && immutableCache.delete(key));
  if (immutableCache.size > MAX_CACHED_VERSIONS) immutableCache.delete(immutableCache.keys().next().value as string);
  return entry;
}

async function loadImmutableParts(deps: { prisma: Tx; store: ObjectStore; signer: Signer }, versionId: string): Promise<ImmutableParts> {
  const version = await deps.prisma.modelVersion.findUniqueOrThrow({
    where: { id: versionId },
    select: {
      version: true,
      manifest: true,
      manifestDigest: true,
      signature: true,
      createdAt: true,
      createdBy: { select: { email: true } },
      model: { select: { name: true } },
      files: { select: { path: true, blobDigest: true, size: true, role: true }, orderBy: { path: "asc" } },
    },
  });
  const manifest = version.manifest as Manifest;
  const files = version.files.map((f) => ({ path: f.path, sha256: f.blobDigest, size: Number(f.size), role: f.role }));
  const sig = signatureStatus({ model: version.model.name, version: version.version, signature: version.signature, manifestDigest: version.manifestDigest, files }, deps.signer);
  const cardFile = version.files.find((f) => f.role === "card");
  const card = cardFile ? await readCardText(deps.store, { sha256: cardFile.blobDigest, size: Number(cardFile.size) }).catch(() => null) : null;
  return {
    model: version.model.name,
    version: version.version,
    manifestDigest: version.manifestDigest,
    createdAt: version.createdAt.toISOString(),
    uploadedBy: version.createdBy?.email ?? null,
    artifact: { path: manifest.artifact.path, format: manifest.artifact.format, sha256: files.find((f) => f.path === manifest.artifact.path)?.sha256 ?? null },
    files,
    signature: sig.state === "verified" ? { state: "verified", keyId: sig.keyId } : sig.state === "invalid" ? { state: "invalid", keyId: sig.keyId, reason: sig.reason } : { state: "unsigned" },
    card: card ? { text: card.text, truncated: card.truncated } : null,
  };
}

export function toReplayView(r: {
  id: string;
  at: Date;
  outcome: string;
  output: unknown;
  score: number | null;
  maxAbsDiff: number | null;
  inputSource: string;
  actorType: string;
  actorId: string;
}): ReplayView {
  return {
    id: r.id,
    at: r.at.toISOString(),
    outcome: r.outcome as ReplayView["outcome"],
    output: r.output as ReplayView["output"],
    score: r.score,
    maxAbsDiff: r.maxAbsDiff,
    inputSource: r.inputSource as ReplayView["inputSource"],
    actor: { type: r.actorType, id: r.actorId },
  };
}
