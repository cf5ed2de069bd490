// Messages between a worker and the child process that runs one check (over Node's IPC channel).
import type { Config } from "../../config/index.ts";
import type { ClaimedRun } from "../record-check-result.ts";
import type { CheckOutcome } from "../types.ts";

/** `storage` and `maxScanBytes` are the worker's; absent, the child reads them from its environment (parseConfig). */
export type ParentMessage = { type: "run"; run: ClaimedRun; timeoutMs: number; storage?: Config["storage"]; maxScanBytes?: number };

export type ChildMessage =
  | { type: "progress"; fraction: number; message: string }
  | { type: "log"; line: string }
  | { type: "result"; outcome: CheckOutcome };
