// What a CheckRun stores as its thresholds, and how the child turns that back into the full set a
// check receives. A run stores its own kind's slice of the policy; the checks that load the model
// (validation, fairness, adversarial) also depend on the artifact size limit, so their slice carries
// `maxArtifactBytes` too — a model-level override of that limit must reach them, and be recorded.
import { defaultThresholds, type Thresholds } from "../policy/thresholds.ts";
import type { CheckKind } from "./types.ts";

export type StoredThresholds = Record<string, unknown>;

export function thresholdsToStore(kind: CheckKind, all: Thresholds): StoredThresholds {
  if (kind === "security") return { ...all.security };
  return { ...all[kind], maxArtifactBytes: all.security.maxArtifactBytes };
}

export function thresholdsForCheck(kind: CheckKind, stored: StoredThresholds): Thresholds {
  const thresholds = structuredClone(defaultThresholds);
  const { maxArtifactBytes, ...own } = stored as { maxArtifactBytes?: number };
  Object.assign(thresholds[kind], kind === "security" ? stored : own);
  if (typeof maxArtifactBytes === "number") thresholds.security.maxArtifactBytes = maxArtifactBytes;
  return thresholds;
}
