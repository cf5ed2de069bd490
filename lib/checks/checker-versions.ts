// The version of each check's code. A result is tied to (artifact digest, checker version, inputs), so
// bump a check's version whenever a change to it could change a verdict or a metric: old results then
// stay attributable to the code that produced them.
import type { CheckKind } from "./types.ts";

export const checkerVersions: Record<CheckKind, string> = {
  validation: "1.0.0",
  fairness: "1.0.0",
  adversarial: "1.0.0",
  security: "1.1.0",
};
