// Entry point of the child process that runs ONE check (forked by run-in-sandbox.ts). The child
// reads the version's files straight from the object store, never opens the database, and reports
// back over IPC. Running checks here keeps a crashing native runtime, a runaway allocation or an
// endless loop away from the worker, which can then always record an `error` verdict.
import { openObjectStore } from "../../storage/open-object-store.ts";
import { runClaimedCheck } from "../run-check.ts";
import type { CheckOutcome } from "../types.ts";
import type { ChildMessage, ParentMessage } from "./protocol.ts";

/** Checks get this long to stop by themselves (ctx.signal) before the worker kills the process. */
const ABORT_GRACE_MS = 2000;

function send(message: ChildMessage): void {
  process.send?.(message);
}

// If the worker dies, nobody is left to read the result: stop at once instead of running on orphaned.
process.on("disconnect", () => process.exit(0));

process.once("message", (message: ParentMessage) => {
  if (message?.type !== "run") return;
  const signal = AbortSignal.timeout(Math.max(1, message.timeoutMs - ABORT_GRACE_MS));
  void runCheck(message, signal)
    .catch((error: unknown) => (signal.aborted ? timedOut(message.timeoutMs) : crashed(error)))
    .then((outcome) => {
      // Disconnect only once the result is written: a large result is still in flight when send() returns.
      process.send?.({ type: "result", outcome } satisfies ChildMessage, () => process.disconnect?.());
    });
});

async function runCheck({ run, storage, maxScanBytes }: ParentMessage, signal: AbortSignal): Promise<CheckOutcome> {
  // Without a store or limit from the worker (e.g. a bench or a manual run), the environment's configuration.
  const config = storage && maxScanBytes ? undefined : (await import("../../config/index.ts")).parseConfig();
  const store = await openObjectStore(storage ?? config!.storage);
  try {
    return await runClaimedCheck(run, store, {
      log: (line) => send({ type: "log", line }),
      progress: (fraction, message) => send({ type: "progress", fraction, message }),
      signal,
      limits: { maxScanBytes: maxScanBytes ?? config!.checks.maxScanBytes },
    });
  } finally {
    await store.close?.();
  }
}

function timedOut(timeoutMs: number): CheckOutcome {
  const message = `The check did not finish within its time limit of ${Math.round(timeoutMs / 1000)} s and was stopped.`;
  return { verdict: "error", summary: message, metrics: {}, findings: [{ severity: "error", code: "check_timeout", message }] };
}

function crashed(error: unknown): CheckOutcome {
  const message = error instanceof Error ? error.message : String(error);
  return {
    verdict: "error",
    summary: `the check could not run: ${message}`.slice(0, 1000),
    metrics: {},
    findings: [{ severity: "error", code: "check_crashed", message: `The check stopped with an unexpected error: ${message}` }],
  };
}
