// The `checks.finished` webhook event: sent once a version's latest run of every check has finished
// (its status leaves `checking`), from the transaction that records the last result, so the event
// and the verdicts it reports commit together.
import type { Tx } from "../db/types.ts";
import { enqueueWebhookEvent } from "../webhooks/enqueue.ts";
import { latestPerKind } from "./list-check-runs.ts";

export async function enqueueChecksFinishedEvent(tx: Tx, versionId: string): Promise<void> {
  const version = await tx.modelVersion.findUniqueOrThrow({
    where: { id: versionId },
    select: { version: true, manifestDigest: true, status: true, model: { select: { name: true } } },
  });
  if (version.status === "checking") return;
  const runs = await tx.checkRun.findMany({
    where: { versionId },
    orderBy: [{ queuedAt: "desc" }, { id: "desc" }],
    select: { id: true, kind: true, verdict: true, summary: true },
  });
  const latest = latestPerKind(runs);
  await enqueueWebhookEvent(tx, {
    type: "checks.finished",
    data: {
      model: version.model.name,
      version: version.version,
      manifestDigest: version.manifestDigest,
      status: version.status,
      verdicts: Object.fromEntries(latest.map((r) => [r.kind, r.verdict])),
      checks: latest.map((r) => ({ kind: r.kind, verdict: r.verdict, summary: r.summary, runId: r.id })),
    },
  });
}
