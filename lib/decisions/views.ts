// What the API, the CLI and the auditor's pages show of decisions, lineage and replays.
import { z } from "zod";

const jsonObject = z.record(z.string(), z.unknown());

export const decisionViewSchema = z
  .object({
    id: z.string().describe("UUIDv7: its first 48 bits are the decision's time"),
    at: z.string(),
    model: z.string(),
    version: z.string(),
    manifestDigest: z.string(),
    source: z.enum(["predict", "reported"]).describe("predict: made through the registry; reported: by an external server"),
    inputDigest: z.string().describe("hmac-sha256 of the canonical JSON of the input, under the registry's key"),
    inputRetention: z.enum(["full", "digest", "redacted"]),
    input: jsonObject.nullable().describe("the input as retained: null when only the digest is kept"),
    redactedFields: z.array(z.string()),
    output: jsonObject,
    score: z.number().nullable(),
    latencyMs: z.number().nullable(),
    actor: z.object({ type: z.string(), id: z.string(), email: z.string().nullable() }),
    credential: z.string().nullable(),
    requestId: z.string().nullable(),
    clientId: z.string().nullable(),
    batchId: z.string().nullable(),
    metadata: jsonObject.nullable(),
  })
  .meta({ id: "Decision" });
export type DecisionView = z.infer<typeof decisionViewSchema>;

const checkAsOf = z.object({
  kind: z.string(),
  verdict: z.string().nullable(),
  summary: z.string().nullable(),
  checkerVersion: z.string(),
  runId: z.string(),
  finishedAt: z.string().nullable(),
});

const approvalAsOf = z.object({
  user: z.object({ id: z.string(), email: z.string(), name: z.string() }),
  decision: z.string(),
  comment: z.string(),
  manifestDigest: z.string(),
  at: z.string(),
});

export const replayViewSchema = z
  .object({
    id: z.string(),
    at: z.string(),
    outcome: z.enum(["identical", "within_tolerance", "differs"]),
    output: jsonObject,
    score: z.number().nullable(),
    maxAbsDiff: z.number().nullable(),
    inputSource: z.enum(["stored", "supplied"]),
    actor: z.object({ type: z.string(), id: z.string() }),
  })
  .meta({ id: "DecisionReplay" });
export type ReplayView = z.infer<typeof replayViewSchema>;

export const decisionLineageSchema = z
  .object({
    decision: decisionViewSchema,
    version: z.object({
      model: z.string(),
      version: z.string(),
      manifestDigest: z.string(),
      createdAt: z.string(),
      uploadedBy: z.string().nullable(),
      artifact: z.object({ path: z.string(), format: z.string(), sha256: z.string().nullable() }),
      files: z.array(z.object({ path: z.string(), sha256: z.string(), size: z.number(), role: z.string() })),
      signature: z.object({ state: z.enum(["verified", "invalid", "unsigned"]), keyId: z.string().optional(), reason: z.string().optional() }),
      card: z.object({ text: z.string(), truncated: z.boolean() }).nullable(),
      stageNow: z.string().describe("today's stage, for contrast with the stage at the decision"),
    }),
    asOf: z
      .object({
        at: z.string(),
        stage: z.string().nullable().describe("the stage the version held when the decision was made (stage history); null before it was registered"),
        stageSince: z.string().nullable(),
        prodVersion: z.string().nullable().describe("the model's prod version at that moment"),
        promotion: z
          .object({ id: z.string(), to: z.string(), reason: z.string(), requestedBy: z.string().nullable(), promotedAt: z.string(), approvals: z.array(approvalAsOf) })
          .nullable()
          .describe("the promotion request that put the version in that stage, and its sign-offs"),
        checks: z.array(checkAsOf).describe("the latest finished run of each check at that moment"),
      })
      .describe("the version's lineage as it stood when the decision was made"),
    replays: z.array(replayViewSchema),
  })
  .meta({ id: "DecisionLineage" });
export type DecisionLineage = z.infer<typeof decisionLineageSchema>;

export const replayResultSchema = z
  .object({
    decisionId: z.string(),
    replay: replayViewSchema,
    stored: z.object({ output: jsonObject, score: z.number().nullable() }),
    tolerance: z.object({ atol: z.number(), rtol: z.number(), source: z.string() }),
    integrity: z.object({ manifest: z.literal("verified"), artifact: z.literal("verified"), signature: z.enum(["verified", "unsigned"]) }),
  })
  .meta({ id: "ReplayResult" });
export type ReplayResult = z.infer<typeof replayResultSchema>;

export const replayOutcomeCounts = z
  .object({ identical: z.number().int(), within_tolerance: z.number().int(), differs: z.number().int(), not_replayable: z.number().int() })
  .meta({ id: "ReplayOutcomeCounts" });

export const replayJobViewSchema = z
  .object({
    id: z.string(),
    status: z.enum(["queued", "running", "finished", "failed"]),
    filter: z.object({ model: z.string(), version: z.string().optional(), from: z.string().optional(), to: z.string().optional() }),
    total: z.number().int().nullable().describe("decisions selected (counted when the job starts)"),
    processed: z.number().int(),
    counts: replayOutcomeCounts,
    differences: z
      .array(
        z.object({
          decisionId: z.string(),
          version: z.string(),
          outcome: z.enum(["differs", "not_replayable"]),
          stored: z.unknown().optional(),
          replayed: z.unknown().optional(),
          maxAbsDiff: z.number().nullable().optional(),
          reason: z.string().optional(),
        }),
      )
      .describe("the first 20 decisions that differ or could not be replayed"),
    error: z.string().nullable(),
    requestedBy: z.object({ type: z.string(), id: z.string() }),
    createdAt: z.string(),
    startedAt: z.string().nullable(),
    finishedAt: z.string().nullable(),
  })
  .meta({ id: "ReplayJob" });
export type ReplayJobView = z.infer<typeof replayJobViewSchema>;
export type ReplayCounts = z.infer<typeof replayOutcomeCounts>;
export type ReplayDifference = ReplayJobView["differences"][number];

export function toReplayJobView(r: {
  id: string;
  status: string;
  filter: unknown;
  total: number | null;
  processed: number;
  counts: unknown;
  differences: unknown;
  error: string | null;
  actorType: string;
  actorId: string;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}): ReplayJobView {
  return {
    id: r.id,
    status: r.status as ReplayJobView["status"],
    filter: r.filter as ReplayJobView["filter"],
    total: r.total,
    processed: r.processed,
    counts: { identical: 0, within_tolerance: 0, differs: 0, not_replayable: 0, ...(r.counts as Partial<ReplayCounts>) },
    differences: r.differences as ReplayDifference[],
    error: r.error,
    requestedBy: { type: r.actorType, id: r.actorId },
    createdAt: r.createdAt.toISOString(),
    startedAt: r.startedAt?.toISOString() ?? null,
    finishedAt: r.finishedAt?.toISOString() ?? null,
  };
}
