import { describe, expect, it } from "vitest";
import { resolveThresholds } from "../policy/stage-policy.ts";
import { thresholdsForCheck, thresholdsToStore } from "./thresholds.ts";
import { defaultThresholds } from "../policy/thresholds.ts";
import { checkKinds } from "./types.ts";

describe("stored thresholds", () => {
  const all = resolveThresholds({ thresholds: { security: { maxArtifactBytes: 5 * 1024 ** 3 }, fairness: { maxEqualizedOddsDifference: 0.05 } } });

  it("a model-level artifact size limit reaches the checks that load the model, and is recorded with them", () => {
    for (const kind of ["validation", "fairness", "adversarial"] as const) {
      expect(thresholdsToStore(kind, all)).toMatchObject({ maxArtifactBytes: 5 * 1024 ** 3 });
      expect(thresholdsForCheck(kind, thresholdsToStore(kind, all)).security.maxArtifactBytes).toBe(5 * 1024 ** 3);
    }
  });

  it("round-trips each kind's own thresholds; the rest are the defaults", () => {
    for (const kind of checkKinds) {
      const restored = thresholdsForCheck(kind, thresholdsToStore(kind, all));
      expect(restored[kind]).toEqual(all[kind]);
      for (const other of checkKinds.filter((k) => k !== kind && k !== "security")) expect(restored[other]).toEqual(defaultThresholds[other]);
    }
    expect(thresholdsForCheck("fairness", thresholdsToStore("fairness", all)).fairness.maxEqualizedOddsDifference).toBe(0.05);
  });
});
