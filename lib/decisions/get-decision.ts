// GET /api/v1/decisions/{id}: a decision with its version's lineage as it stood at the decision's
// moment — the stage the version held then (from the append-only stage history, not today's stage),
// the promotion request and sign-offs that put it there, the latest finished check verdicts then,
// the model's prod version then — plus what does not change (digests, files, signature, card).
import type { Tx } from "../db/types.ts";
import { notFound } from "../errors/app-error.ts";
import type { Signer } from "../integrity/signing.ts";
import { signatureStatus } from "../integrity/verify-signature.ts";
import { readCardText } from "../registry/card/read-card.ts";
import type { Manifest } from "../registry/envelope.ts";
import type { ObjectStore } from "../storage/index.ts";
import { actorEmails } from "./list-decisions.ts";
import { decisionSelect, toDecisionView, type DecisionLineage, type ReplayView } from "./views.ts";

export async function getDecision(deps: { prisma: Tx; store: ObjectStore; signer: Signer }, { id }: { id: string }): Promise<DecisionLineage> {
  const db = deps.prisma;
  const row = await db.decision.findUnique({
    where: { id },
    select: { ...decisionSelect, versionId: true, modelId: true, version: { select: { version: true, stage: true, model: { select: { name: true } } } } },
  });
  if (!row) throw notFound("decision_not_found", `no decision with id ${id}`);
  const t = row.at;

  const [fixed, stageEvent, prodEvent, runs, replays, emails] = await Promise.all([
    immutableParts(deps, row.versionId),
    lastStageEvent(db, { versionId: row.versionId }, t),
    db.stageEvent.findFirst({
      where: { modelId: row.modelId, toStage: "prod", at: { lte: t } },
      orderBy: [{ at: "desc" }, { id: "desc" }],
      select: { versionId: true, version: { select: { version: true } } },
    }),
    db.checkRun.findMany({
      where: { versionId: row.versionId, status: "finished", finishedAt: { lte: t } },
      orderBy: [{ finishedAt: "desc" }, { id: "desc" }],
      select: { id: true, kind: true, verdict: true, summary: true, checkerVersion: true, finishedAt: true },
    }),
    db.decisionReplay.findMany({ where: { decisionId: id }, orderBy: { at: "desc" }, take: 20 }),
    actorEmails(db, [row]),
  ]);

  const stage = stageEvent?.toStage ?? null;
  // The prod version then: the last version moved into prod before t, if it was still there at t.
  let prodVersion: string | null = null;
  if (prodEvent) {
    const held = prodEvent.versionId === row.versionId ? stageEvent : await lastStageEvent(db, { versionId: prodEvent.versionId }, t);
    if (held?.toStage === "prod") prodVersion = prodEvent.version.version;
  }
  const promotion = stage && stage !== "dev" && stage !== "archived" ? await promotionInto(db, row.versionId, stage, t) : null;

  const seen = new Set<string>();
  const checks = runs.filter((r) => !seen.has(r.kind) && seen.add(r.kind));

  return {
    decision: toDecisionView(row, emails),
    version: { ...fixed, stageNow: row.version.stage === "none" ? "dev" : row.version.stage },
    asOf: {
      at: t.toISOString(),
      stage: stage === "none" ? "dev" : stage,
      stageSince: stageEvent?.at.toISOString() ?? null,
      prodVersion,
      promotion,
      checks: checks.map((c) => ({
        kind: c.kind,
        verdict: c.verdict,
        summary: c.summary,
        checkerVersion: c.checkerVersion,
        runId: c.id,
        finishedAt: c.finishedAt?.toISOString() ?? null,
      })),
    },
    replays: replays.map(toReplayView),
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

/** The last stage change of a version at or before t (stage history is append-only). */
async function lastStageEvent(db: Tx, where: { versionId: string }, t: Date) {
  return db.stageEvent.findFirst({
    where: { versionId: where.versionId, toStage: { not: null }, at: { lte: t } },
    orderBy: [{ at: "desc" }, { id: "desc" }],
    select: { toStage: true, at: true },
  });
}

/**
 * The promotion request that last moved the version into `stage` before t, with its sign-offs. A
 * rollback's restore has no request of its own: the approvals that stand are the original promotion's.
 */
async function promotionInto(db: Tx, versionId: string, stage: string, t: Date): Promise<DecisionLineage["asOf"]["promotion"]> {
  const event = await db.stageEvent.findFirst({
    where: { versionId, kind: "promoted", toStage: stage as "prod", at: { lte: t }, requestId: { not: null } },
    orderBy: [{ at: "desc" }, { id: "desc" }],
    select: { requestId: true, at: true },
  });
  if (!event?.requestId) return null;
  const request = await db.promotionRequest.findUnique({
    where: { id: event.requestId },
    select: {
      id: true,
      toStage: true,
      reason: true,
      requestedBy: { select: { email: true } },
      approvals: {
        where: { createdAt: { lte: t } },
        orderBy: { createdAt: "asc" },
        select: { decision: true, comment: true, manifestDigest: true, createdAt: true, user: { select: { id: true, email: true, name: true } } },
      },
    },
  });
  if (!request) return null;
  return {
    id: request.id,
    to: request.toStage,
    reason: request.reason,
    requestedBy: request.requestedBy?.email ?? null,
    promotedAt: event.at.toISOString(),
    approvals: request.approvals.map((a) => ({ user: a.user, decision: a.decision, comment: a.comment, manifestDigest: a.manifestDigest, at: a.createdAt.toISOString() })),
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
