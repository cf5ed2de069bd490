// A model's stages at a glance, for the model page: where each alias points and since when, the
// newest versions side by side (stage, latest check verdicts, reported metrics, open requests), and
// the former prod versions a rollback may return to (newest first; the default target first).
import { latestPerKind } from "../checks/list-check-runs.ts";
import type { CheckKind, Verdict } from "../checks/types.ts";
import type { Tx } from "../db/types.ts";
import { findModelId } from "../registry/models.ts";
import { reservedAliases } from "./custom-aliases.ts";
import { openStatuses, type PromotionTarget, type RequestStatus } from "./state-machine.ts";

export type AliasPointer = { name: string; version: string; manifestDigest: string; since: string; workflow: boolean };

export type ComparedColumn = {
  version: string;
  stage: string;
  createdAt: string;
  aliases: string[];
  rolledBack: boolean;
  checks: { kind: CheckKind; status: "queued" | "running" | "finished"; verdict: Verdict | null }[];
  metrics: Record<string, number>;
  openRequests: { id: string; to: PromotionTarget; status: RequestStatus }[];
};

export type FormerProd = { version: string; rolledBack: boolean; lastProdAt: string };

export type ModelStages = {
  aliases: AliasPointer[];
  prod: string | null;
  columns: ComparedColumn[];
  /** Metric names reported by any compared version, in first-seen order. */
  metricNames: string[];
  formerProds: FormerProd[];
};

export async function getModelStages(db: Tx, { model, columns = 6 }: { model: string; columns?: number }): Promise<ModelStages> {
  const modelId = await findModelId(db, model);
  const [aliasRows, versions, prodEvents] = await Promise.all([
    db.alias.findMany({ where: { modelId }, include: { version: { select: { version: true, manifestDigest: true } } } }),
    db.modelVersion.findMany({
      where: { modelId },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: columns,
      select: {
        id: true,
        version: true,
        stage: true,
        createdAt: true,
        manifest: true,
        rolledBackAt: true,
        aliases: { select: { name: true } },
        checkRuns: { orderBy: [{ queuedAt: "desc" }, { id: "desc" }], select: { kind: true, status: true, verdict: true } },
        promotionRequests: { where: { status: { in: [...openStatuses] } }, select: { id: true, toStage: true, status: true } },
      },
    }),
    db.stageEvent.findMany({
      where: { modelId, toStage: "prod", kind: { in: ["promoted", "restored"] } },
      orderBy: { at: "desc" },
      select: { at: true, version: { select: { version: true, stage: true, rolledBackAt: true } } },
    }),
  ]);
  const workflow = new Set<string>(reservedAliases);
  const aliases = aliasRows
    .map((a) => ({ name: a.name, version: a.version.version, manifestDigest: a.version.manifestDigest, since: a.updatedAt.toISOString(), workflow: workflow.has(a.name) }))
    // prod, staging, then custom aliases by name.
    .sort((a, b) => Number(b.name === "prod") - Number(a.name === "prod") || Number(b.name === "staging") - Number(a.name === "staging") || a.name.localeCompare(b.name));
  const prod = aliases.find((a) => a.name === "prod")?.version ?? null;

  const metricNames: string[] = [];
  const cols = versions.map((v) => {
    const reported = (v.manifest as { metrics?: unknown }).metrics;
    const metrics: Record<string, number> = {};
    if (reported && typeof reported === "object")
      for (const [k, value] of Object.entries(reported)) {
        if (typeof value !== "number" || !Number.isFinite(value)) continue;
        metrics[k] = value;
        if (!metricNames.includes(k)) metricNames.push(k);
      }
    return {
      version: v.version,
      stage: v.stage === "none" ? "dev" : v.stage,
      createdAt: v.createdAt.toISOString(),
      aliases: v.aliases.map((a) => a.name).sort(),
      rolledBack: v.rolledBackAt !== null,
      checks: latestPerKind(v.checkRuns).map((r) => ({ kind: r.kind, status: r.status, verdict: r.verdict })),
      metrics,
      openRequests: v.promotionRequests.map((r) => ({ id: r.id, to: r.toStage as PromotionTarget, status: r.status as RequestStatus })),
    };
  });

  const formerProds: FormerProd[] = [];
  for (const e of prodEvents) {
    if (e.version.version === prod || formerProds.some((f) => f.version === e.version.version)) continue;
    formerProds.push({ version: e.version.version, rolledBack: e.version.rolledBackAt !== null, lastProdAt: e.at.toISOString() });
  }
  return { aliases, prod, columns: cols, metricNames, formerProds };
}
