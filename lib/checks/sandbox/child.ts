// Entry point of the child process that runs ONE check (forked by run-in-sandbox.ts). The child
// reads the version's files straight from the object store, never opens the database, and reports
// back over IPC. Running checks here keeps a crashing native runtime, a runaway allocation or an
// endless loop away from the worker, which can then always record an `error` verdict.
import { Readable } from "node:stream";
import { parseConfig } from "../../config/index.ts";
import { manifestSchema } from "../../registry/envelope.ts";
import { createObjectStore } from "../../storage/index.ts";
import { loadOnnxModel } from "../model/load-model.ts";
import type { CheckContext, CheckFunction, CheckKind, CheckOutcome, EnvelopeFiles, LoadedModel, Thresholds } from "../types.ts";
import { defaultThresholds } from "../types.ts";
import type { ChildMessage, ParentMessage } from "./protocol.ts";

const checks: Record<CheckKind, () => Promise<CheckFunction>> = {
  validation: async () => (await import("../validation/validation-check.ts")).runValidationCheck,
  fairness: async () => (await import("../fairness/fairness-check.ts")).runFairnessCheck,
  adversarial: async () => (await import("../adversarial/adversarial-check.ts")).runAdversarialCheck,
  security: async () => (await import("../security/security-check.ts")).runSecurityCheck,
};

function send(message: ChildMessage): void {
  process.send?.(message);
}

// If the worker dies, nobody is left to read the result: stop at once instead of running on orphaned.
process.on("disconnect", () => process.exit(0));

process.once("message", (message: ParentMessage) => {
  if (message?.type !== "run") return;
  runCheck(message)
    .then((outcome) => {
      send({ type: "result", outcome });
      process.disconnect?.();
    })
    .catch((error: unknown) => {
      send({ type: "result", outcome: crashed(error) });
      process.disconnect?.();
    });
});

async function runCheck({ run, storage }: ParentMessage): Promise<CheckOutcome> {
  // The stored manifest is canonical (digests and sizes filled in), which the envelope schema accepts.
  const manifest = manifestSchema.parse(run.version.manifest);
  const store = createObjectStore(storage ?? parseConfig().storage);
  const list = new Map(run.files.map((f) => [f.path, { size: f.size, sha256: f.sha256 }]));
  const files: EnvelopeFiles = {
    list,
    async open(path) {
      const file = list.get(path);
      if (!file) throw new Error(`the version has no file '${path}'`);
      return (await store.getBlob(file.sha256)).stream;
    },
    async readBytes(path, maxBytes) {
      const file = list.get(path);
      if (!file) throw new Error(`the version has no file '${path}'`);
      if (file.size > maxBytes) throw new Error(`'${path}' is ${file.size} bytes, more than the ${maxBytes} this check reads`);
      const chunks: Buffer[] = [];
      for await (const chunk of (await store.getBlob(file.sha256)).stream as Readable) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks);
    },
  };
  // The stored thresholds are this kind's slice; the context carries all kinds (defaults elsewhere).
  const thresholds: Thresholds = { ...structuredClone(defaultThresholds), [run.kind]: run.thresholds };
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
    // The parent enforces the time limit by killing this process; the signal lets checks stop tidily first.
    signal: new AbortController().signal,
  };
  const check = await checks[run.kind]();
  try {
    return await check(ctx);
  } finally {
    await store.close?.();
  }
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
