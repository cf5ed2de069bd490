// Everything the request page shows, loaded in one place: the request (gates re-evaluated now), the
// candidate version and what its target stage serves now, each with its latest check runs and model
// card, and the comparison of the two. A card that cannot be read (missing or corrupt blob) is
// reported as unreadable rather than failing the page.
import type { Tx } from "../db/types.ts";
import { listCheckRuns, type ChecksView } from "../checks/list-check-runs.ts";
import { readCardText, type CardText } from "../registry/card/read-card.ts";
import { getVersionDetail, type VersionDetail } from "../registry/versions.ts";
import type { ObjectStore } from "../storage/index.ts";
import { compareVersions, type VersionComparison } from "./compare-versions.ts";
import { getPromotion } from "./get-promotion.ts";
import { isOpen } from "./state-machine.ts";
import type { PromotionView } from "./views.ts";

export type ReviewedVersion = {
  detail: VersionDetail;
  checks: ChecksView;
  /** undefined: the version declares no card; null: declared but unreadable. */
  card: CardText | null | undefined;
};

export type Review = {
  request: PromotionView;
  candidate: ReviewedVersion;
  /**
   * What the candidate is compared with: for an open request, the version the target stage's alias
   * points at now; for a promoted one, the prod it replaced (the comparison the reviewers made). Null
   * when there is none, or for other closed requests (the stage may have moved on since).
   */
  current: ReviewedVersion | null;
  against: "current" | "replaced" | null;
  comparison: VersionComparison | null;
};

async function loadVersion(db: Tx, store: ObjectStore, model: string, version: string): Promise<ReviewedVersion> {
  const [detail, checks] = await Promise.all([getVersionDetail(db, model, version), listCheckRuns(db, { model, version })]);
  const cardFile = detail.files.find((f) => f.role === "card");
  const card = cardFile ? await readCardText(store, cardFile).catch(() => null) : undefined;
  return { detail, checks, card };
}

const fairnessOf = (v: ReviewedVersion) => v.checks.latest.find((r) => r.kind === "fairness")?.metrics ?? null;

export async function getReview(deps: { prisma: Tx; store: ObjectStore }, { id }: { id: string }): Promise<Review> {
  const request = await getPromotion(deps.prisma, { id });
  const candidate = await loadVersion(deps.prisma, deps.store, request.model, request.version);
  const open = isOpen(request.status);
  let againstVersion: string | null = null;
  if (open && request.prod && request.prod.version !== request.version) againstVersion = request.prod.version;
  if (request.status === "promoted") {
    const replaced = await deps.prisma.stageEvent.findFirst({ where: { requestId: request.id, kind: "archived" }, select: { version: { select: { version: true } } } });
    againstVersion = replaced?.version.version ?? null;
  }
  const current = againstVersion ? await loadVersion(deps.prisma, deps.store, request.model, againstVersion) : null;
  const comparison = current
    ? compareVersions({
        candidate: { version: candidate.detail.version, manifest: candidate.detail.manifest, files: candidate.detail.files, fairnessMetrics: fairnessOf(candidate) },
        prod: { version: current.detail.version, manifest: current.detail.manifest, files: current.detail.files, fairnessMetrics: fairnessOf(current) },
      })
    : null;
  return { request, candidate, current, against: current ? (open ? "current" : "replaced") : null, comparison };
}
