// Entry point of the child process that runs ONE check (forked by run-in-sandbox.ts). The child
// reads the version's files straight from the object store, never opens the database, and reports
// back over IPC. Running checks here keeps a crashing native runtime, a runaway allocation or an
// endless loop away from the worker, which can then always record an `error` verdict.
import type { Readable } from "node:stream";
import { manifestSchema } from "../../registry/envelope.ts";
import { openObjectStore } from "../../storage/open-object-store.ts";
import { loadOnnxModel } from "../model/load-model.ts";
import { thresholdsForCheck } from "../thresholds.ts";
import type { CheckContext, CheckFunction, CheckKind, CheckOutcome, EnvelopeFiles, LoadedModel } from "../types.ts";
import type { ChildMessage, ParentMessage } from "./protocol.ts";

const checks: Record<CheckKind, () => Promise<CheckFunction>> = {
  validation: async () => (await import("../validation/validation-check.ts")).runValidationCheck,
  fairness: async () => (await import("../fairness/fairness-check.ts")).runFairnessCheck,
  adversarial: async () => (await import("../adversarial/adversarial-check.ts")).runAdversarialCheck,
  security: async () => (await import("../security/security-check.ts")).runSecurityCheck,
};

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
  runCheck(message, signal)
    .catch((error: unknown) => (signal.aborted ? timedOut(message.timeoutMs) : crashed(error)))
    .then((outcome) => {
      // Disconnect only once the result is written: a large result is still in flight when send() returns.
      process.send?.({ type: "result", outcome } satisfies ChildMessage, () => process.disconnect?.());
    });
});

async function runCheck({ run, storage }: ParentMessage, signal: AbortSignal): Promise<CheckOutcome> {
  // The stored manifest is canonical (digests and sizes filled in), which the envelope schema accepts.
  const manifest = manifestSchema.parse(run.version.manifest);
  // Without a store from the worker (e.g. a bench or a manual run), the environment's configuration.
  const store = await openObjectStore(storage ?? (await import("../../config/index.ts")).parseConfig().storage);
  const list = new Map(run.files.map((f) => [f.path, { size: f.size, sha256: f.sha256 }]));
  const files: EnvelopeFiles = {
    list,
    async open(path) {
      const file = list.get(path);
      if (!file) throw new Error(`the version has no file '${path}'`);
      // Full reads from the store verify the sha256 as they flow (ObjectStore.getBlob).
      return (await store.getBlob(file.sha256)).stream;
    },
    async readBytes(path, maxBytes) {
      const file = list.get(path);
      if (!file) throw new Error(`the version has no file '${path}'`);
      if (file.size > maxBytes) throw new Error(`'${path}' is ${file.size} bytes, more than the ${maxBytes} this check reads`);
      // Preallocated: collecting chunks and concatenating would hold the file twice.
      const bytes = Buffer.allocUnsafe(file.size);
      let offset = 0;
      for await (const chunk of (await store.getBlob(file.sha256)).stream as Readable) {
        const piece = chunk as Buffer;
        if (offset + piece.length > bytes.length) throw new Error(`'${path}' is longer than its recorded size`);
        piece.copy(bytes, offset);
        offset += piece.length;
      }
      if (offset !== bytes.length) throw new Error(`'${path}' is shorter than its recorded size`);
      return bytes;
    },
  };
  const thresholds = thresholdsForCheck(run.kind, run.thresholds);
  let model: Promise<LoadedModel> | undefined;
  const ctx: CheckContext = {
    manifest,
    files,
    thresholds,
    seed: run.seed,
    loadModel() {
      model ??= (async () => {
        const path = manifest.artifact.path;
        const artifact = await files.readBytes(path, thresholds.security.maxArtifactBytes);
        return loadOnnxModel(artifact, { inputSchema: manifest.inputSchema, digest: list.get(path)!.sha256 });
      })();
      return model;
    },
    log: (line) => send({ type: "log", line }),
    progress: (fraction, message) => send({ type: "progress", fraction, message }),
    signal,
  };
  const check = await checks[run.kind]();
  try {
    return await check(ctx);
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
