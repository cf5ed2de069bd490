// Running one claimed check against the object store: the CheckContext every check receives, built
// in one place. The sandboxed child (sandbox/child.ts) calls runClaimedCheck inside its own process;
// tests call it in process; testing/context.ts builds the same context over in-memory files.
import type { Readable } from "node:stream";
import { manifestSchema } from "../registry/envelope.ts";
import type { ObjectStore } from "../storage/types.ts";
import { loadOnnxModel } from "./model/load-model.ts";
import type { ClaimedRun } from "./record-check-result.ts";
import { thresholdsForCheck } from "./thresholds.ts";
import type { CheckContext, CheckFunction, CheckKind, CheckLimits, CheckOutcome, EnvelopeFiles, LoadedModel } from "./types.ts";

/** Loaded on demand: a sandboxed child runs one check and should not pay for importing the others. */
export const checkFunctions: Record<CheckKind, () => Promise<CheckFunction>> = {
  validation: async () => (await import("./validation/validation-check.ts")).runValidationCheck,
  fairness: async () => (await import("./fairness/fairness-check.ts")).runFairnessCheck,
  adversarial: async () => (await import("./adversarial/adversarial-check.ts")).runAdversarialCheck,
  security: async () => (await import("./security/security-check.ts")).runSecurityCheck,
};

/** A check's context without `loadModel`, which createCheckContext adds (one model per context, loaded once). */
export type CheckContextInput = Omit<CheckContext, "loadModel">;

export function createCheckContext(input: CheckContextInput): CheckContext {
  const { manifest, files, thresholds } = input;
  let model: Promise<LoadedModel> | undefined;
  return {
    ...input,
    loadModel() {
      model ??= (async () => {
        const path = manifest.artifact.path;
        const artifact = await files.readBytes(path, thresholds.security.maxArtifactBytes);
        return loadOnnxModel(artifact, { inputSchema: manifest.inputSchema, digest: files.list.get(path)?.sha256 });
      })();
      return model;
    },
  };
}

/** A version's files, read from the object store by digest. */
export function storedEnvelopeFiles(store: ObjectStore, stored: readonly { path: string; sha256: string; size: number }[]): EnvelopeFiles {
  const list = new Map(stored.map((f) => [f.path, { size: f.size, sha256: f.sha256 }]));
  const find = (path: string) => {
    const file = list.get(path);
    if (!file) throw new Error(`the version has no file '${path}'`);
    return file;
  };
  return {
    list,
    async open(path, range) {
      // Full reads from the store verify the sha256 as they flow (ObjectStore.getBlob); ranges cannot.
      return (await store.getBlob(find(path).sha256, range ? { range } : undefined)).stream;
    },
    async readBytes(path, maxBytes) {
      const file = find(path);
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
}

/**
 * Runs the claimed check over the version's stored files with the thresholds and seed the run
 * recorded, and the running process's limits (default: this process's configuration).
 */
export async function runClaimedCheck(
  run: ClaimedRun,
  store: ObjectStore,
  hooks: Pick<CheckContext, "log" | "progress" | "signal"> & { limits?: CheckLimits },
): Promise<CheckOutcome> {
  // The stored manifest is canonical (digests and sizes filled in), which the envelope schema accepts.
  const manifest = manifestSchema.parse(run.version.manifest);
  const ctx = createCheckContext({
    manifest,
    files: storedEnvelopeFiles(store, run.files),
    thresholds: thresholdsForCheck(run.kind, run.thresholds),
    seed: run.seed,
    ...hooks,
    limits: hooks.limits ?? { maxScanBytes: (await import("../config/index.ts")).parseConfig().checks.maxScanBytes },
  });
  const check = await checkFunctions[run.kind]();
  return check(ctx);
}
