// `promote`, `approve`, `rollback`, `promotions list|get`: the promotion workflow from a terminal or
// a CI job. The registry decides everything (gates, who may approve); these only ask and report.
import { CommandFailure } from "./errors.ts";
import { formatTable } from "./format.ts";
import { versionPath, type RegistryClient } from "./http-client.ts";

export type GateRecord = { id: string; label: string; status: "pass" | "fail" | "pending" | "waived"; detail: string; changes?: { breaking: boolean; message: string }[] };
export type PromotionRecord = {
  id: string;
  model: string;
  version: string;
  manifestDigest: string;
  from: string;
  to: string;
  status: string;
  reason: string;
  requestedBy: { email: string } | null;
  requiredApprovals: number;
  approvalsCounted?: number;
  gates: GateRecord[];
  blockedReason: string | null;
  createdAt: string;
  approvals?: { user: { email: string }; decision: string; comment: string; manifestDigest: string; counts: boolean; createdAt: string }[];
};

const finalStatuses = new Set(["promoted", "rejected", "cancelled", "superseded"]);

/** Requests promotion; with `wait`, polls until no gate is still running (checks finishing). */
export async function requestPromotion(opts: {
  client: RegistryClient;
  model: string;
  version: string;
  to: "staging" | "prod";
  reason: string;
  wait?: boolean;
  timeoutMs?: number;
  pollMs?: number;
}): Promise<PromotionRecord> {
  let record = await opts.client.requestJson<PromotionRecord>("POST", `${versionPath(opts.model, opts.version)}/promotions`, { json: { to: opts.to, reason: opts.reason } });
  const deadline = Date.now() + (opts.timeoutMs ?? 30 * 60_000);
  while (opts.wait && !finalStatuses.has(record.status) && record.gates.some((g) => g.status === "pending" && g.id !== "approvals")) {
    if (Date.now() > deadline) throw new CommandFailure(`gates of ${opts.model}@${opts.version} still running after the timeout`, [record.blockedReason ?? ""]);
    await new Promise((resolve) => setTimeout(resolve, opts.pollMs ?? 1000));
    record = await getPromotion(opts.client, record.id);
  }
  return record;
}

export const getPromotion = (client: RegistryClient, id: string) => client.requestJson<PromotionRecord>("GET", `/api/v1/promotions/${encodeURIComponent(id)}`);

export const decidePromotion = (client: RegistryClient, id: string, body: { decision: "approve" | "reject"; comment: string; manifestDigest: string }) =>
  client.requestJson<PromotionRecord>("POST", `/api/v1/promotions/${encodeURIComponent(id)}/approvals`, { json: body });

export const rollbackProd = (client: RegistryClient, model: string, body: { reason: string; toVersion?: string }) =>
  client.requestJson<{ model: string; from: string; to: string; manifestDigest: string; at: string }>("POST", `${versionPath(model)}/rollback`, { json: { stage: "prod", ...body } });

export async function listPromotions(client: RegistryClient, filter: { status?: string; model?: string; to?: string; limit?: number }) {
  const query = new URLSearchParams(Object.entries(filter).filter(([, v]) => v !== undefined).map(([k, v]) => [k, String(v)]));
  return client.requestJson<{ items: PromotionRecord[]; nextCursor: string | null }>("GET", `/api/v1/promotions?${query}`);
}

/** Whether a CI job should go on: the request is promoted, approved or only waiting for reviewers. */
export const promotionSucceeded = (r: PromotionRecord) => ["promoted", "approved", "awaiting_approval"].includes(r.status);

const mark = { pass: "✓", fail: "✗", pending: "…", waived: "~" } as const;

export function formatPromotion(r: PromotionRecord): string {
  const head = `${r.model}@${r.version} → ${r.to}: ${r.status.replace("_", " ")}   request ${r.id}\ndigest: sha256:${r.manifestDigest}\n`;
  const gates = formatTable(r.gates.map((g) => [`${mark[g.status]} ${g.status}`, g.label, g.detail]));
  const changes = r.gates.flatMap((g) => (g.changes ?? []).map((c) => `    ${c.breaking ? "breaking" : "compatible"}: ${c.message}`));
  const approvals = (r.approvals ?? []).map((a) => `  ${a.decision} by ${a.user.email} on sha256:${a.manifestDigest.slice(0, 12)}…${a.counts ? "" : " (does not count)"}${a.comment ? ` — ${a.comment}` : ""}`);
  return [head + gates, ...changes, ...(approvals.length ? ["approvals:", ...approvals] : []), ...(r.blockedReason && !finalStatuses.has(r.status) ? [`waiting for: ${r.blockedReason}`] : [])].join("\n") + "\n";
}
