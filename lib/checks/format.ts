// How a check and its run are described to people, so the version page's panel, the checks page and
// the history table (components/checks) say the same thing. Types only from the rest of lib/checks:
// client components import this file.
import type { CheckRunView } from "./list-check-runs.ts";
import type { CheckKind } from "./types.ts";

export type RunStatus = CheckRunView["status"];

export const checkKindLabel: Record<CheckKind, string> = {
  validation: "Validation",
  fairness: "Fairness",
  adversarial: "Adversarial robustness",
  security: "Security",
};

export const checkKindDescription: Record<CheckKind, string> = {
  validation: "The model loads, matches its input schema, reproduces its test vectors and survives schema probing; latency is measured.",
  fairness: "Per-group rates on the declared evaluation set, compared across each sensitive attribute against the policy's gates.",
  adversarial: "Black-box robustness: bounded random noise, a finite-difference gradient-sign attack and the uploader's adversarial vectors.",
  security: "The artifact is scanned without executing it: pickle opcodes, safetensors headers, ONNX external data and size limits.",
};

/** Queued or running: the run has no verdict yet. */
export function isPending(run: Pick<CheckRunView, "status">): boolean {
  return run.status !== "finished";
}
