// The security check on artifacts far larger than its memory, run the way the worker runs it: in its
// sandboxed child process (runCheckInSandbox), reading a filesystem ObjectStore, with the worker's
// default limits (CHECK_MAX_SCAN_BYTES = MAX_UPLOAD_BYTES = 20 GiB, CHECK_MEMORY_LIMIT_MB = 2048).
//
//   - a 10 GiB safetensors file: a real header (a 24-layer transformer's tensors), zero data;
//   - a 3 GiB PyTorch-style zip (torch.save layout, stored entries): a benign data.pkl as torch writes
//     it (OrderedDict of _rebuild_tensor_v2 over persistent storages) and twelve 256 MiB storages;
//   - the same zip whose data.pkl also calls posix.system, which must fail;
//   - a gzip-compressed joblib dump (joblib compress=("gzip", 1)) of twelve 256 MiB arrays: a few MiB
//     on disk, 3 GiB inflated, so every byte streams through the inflater (twice: once to measure it
//     against the scan limit, once for the walk), where the other cases read a header or data.pkl.
//
// The files are written as sparse files (their zero runs are holes: no disk, no memory), their sha256
// computed while writing, and moved into the store's content-addressed layout as they are, so neither
// putBlob's copy nor the disk space of 16 GiB is needed. The child reads them as it would any stored
// file. Time is from the call to the result (fork, tsx and imports included); peak RSS is the larger
// of the kernel's VmHWM of the child (read every 20 ms) and the sandbox's own samples.
import { createHash } from "node:crypto";
import { chmodSync, createWriteStream, mkdirSync, renameSync } from "node:fs";
import path from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGzip } from "node:zlib";
import { parseConfig } from "@/lib/config/index.ts";
import type { ClaimedRun } from "@/lib/checks/record-check-result.ts";
import type { SandboxLimits } from "@/lib/checks/sandbox/run-in-sandbox.ts";
import { joblibParts, pendingCall, pickle, writeSparseSafetensors, writeSparseZip, type PickleBuilder, type SparseParts } from "@/lib/checks/security/test-builders.ts";
import type { Verdict } from "@/lib/checks/types.ts";
import { claimedRuns, describeCpu, runChecks, type CheckTiming, type ChecksResult } from "./checks.ts";
import { GiB, MiB } from "./stats.ts";
import type { Workspace } from "./workspace.ts";

export type ScanSettings = {
  /** Size of the safetensors file's data section. */
  safetensorsBytes: number;
  /** Size of the zips' tensor storages together. */
  zipStorageBytes: number;
  /** Times each case runs; the median time and the largest peak are reported. */
  rounds: number;
};

export type ScanCase = {
  name: string;
  format: "safetensors" | "pickle" | "joblib";
  artifactBytes: number;
  expected: Verdict;
  /** Every round, in order. */
  runs: CheckTiming[];
  /** Per round: busy CPU of the machine outside the bench and the check, in cores (the machine is shared). */
  otherCores: number[];
};

export type ScanResult = {
  date: string;
  machine: ChecksResult["machine"];
  limits: Required<Pick<SandboxLimits, "timeoutMs" | "memoryLimitBytes" | "maxScanBytes">>;
  /** Writing the sparse files and hashing them (not a measured quantity; for the log). */
  setupSeconds: number;
  cases: ScanCase[];
  durationSeconds: number;
};

export async function measureLargeScans(workspace: Workspace, log: (line: string) => void, settings: ScanSettings): Promise<ScanResult> {
  const started = performance.now();
  const dataDir = workspace.file("scan-data");
  const config = parseConfig({ DATA_DIR: dataDir });
  const objects = path.join(dataDir, "objects");

  const artifacts = [
    { name: "safetensors", format: "safetensors" as const, expected: "pass" as const, write: (file: string) => writeSparseSafetensors(file, transformerTensors(settings.safetensorsBytes), { sha256: true }) },
    { name: "torch zip, benign", format: "pickle" as const, expected: "pass" as const, write: (file: string) => writeSparseZip(file, torchZipEntries(settings.zipStorageBytes, false), { sha256: true }) },
    { name: "torch zip, posix.system in data.pkl", format: "pickle" as const, expected: "fail" as const, write: (file: string) => writeSparseZip(file, torchZipEntries(settings.zipStorageBytes, true), { sha256: true }) },
    { name: `joblib, gzip, ${+(settings.zipStorageBytes / GiB).toFixed(2)} GiB inflated`, format: "joblib" as const, expected: "pass" as const, write: (file: string) => writeGzip(file, joblibDump(settings.zipStorageBytes)) },
  ];
  const prepared: { name: string; format: ScanCase["format"]; expected: Verdict; size: number; run: ClaimedRun }[] = [];
  for (const a of artifacts) {
    const t = performance.now();
    const fileName = { safetensors: "model.safetensors", pickle: "model.pt", joblib: "model.joblib" }[a.format];
    const { size, sha256 } = await a.write(workspace.file(`scan-${prepared.length}`));
    adoptIntoStore(objects, workspace.file(`scan-${prepared.length}`), sha256!);
    const sent = { name: "bench-scan", version: `1.0.${prepared.length}`, artifact: { path: fileName, format: a.format } };
    const [run] = claimedRuns(sent, [{ path: fileName, sha256: sha256!, size }], ["security"]);
    prepared.push({ name: a.name, format: a.format, expected: a.expected, size, run: run! });
    log(`scan: ${a.name}: ${(size / MiB).toFixed(1)} MiB file written and hashed in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  }
  const setupSeconds = (performance.now() - started) / 1000;

  const limits = {
    timeoutMs: config.checks.timeoutSeconds * 1000,
    memoryLimitBytes: config.checks.memoryLimitMb * 1024 * 1024,
    maxScanBytes: config.checks.maxScanBytes,
  };
  const cases: ScanCase[] = prepared.map((p) => ({ name: p.name, format: p.format, artifactBytes: p.size, expected: p.expected, runs: [], otherCores: [] }));
  // A warm-up fills tsx's transform cache (as in the checks phase); rounds interleave the cases.
  log("scan: warm-up (tsx transform cache)");
  await runChecks([prepared[0]!.run], 1, { ...limits, storage: config.storage });
  for (let round = 1; round <= settings.rounds; round++) {
    for (const [i, p] of prepared.entries()) {
      const set = await runChecks([p.run], 1, { ...limits, storage: config.storage });
      const timing = set.checks[0]!;
      cases[i]!.runs.push(timing);
      cases[i]!.otherCores.push(set.otherCores);
      const peak = Math.max(timing.sandboxPeakRssBytes, timing.kernelPeakRssBytes ?? 0);
      log(`scan round ${round}/${settings.rounds}: ${p.name} (${(p.size / GiB).toFixed(2)} GiB): ${timing.verdict} in ${timing.wallSeconds.toFixed(2)} s, peak RSS ${(peak / MiB).toFixed(0)} MiB — ${timing.summary.slice(0, 120)}`);
    }
  }
  return { date: new Date().toISOString(), machine: describeCpu(), limits, setupSeconds, cases, durationSeconds: (performance.now() - started) / 1000 };
}

/**
 * Puts a file into the filesystem store's layout (sha256/<2 hex>/<hex>, read-only) as the store
 * itself publishes blobs, by renaming: a copy through putBlob would fill the holes.
 */
function adoptIntoStore(objects: string, file: string, sha256: string) {
  const shard = path.join(objects, "sha256", sha256.slice(0, 2));
  mkdirSync(shard, { recursive: true });
  const target = path.join(shard, sha256);
  renameSync(file, target);
  chmodSync(target, 0o444);
}

/** A decoder-only transformer's tensors (F16), with layers added until they reach `bytes`. */
function transformerTensors(bytes: number) {
  const hidden = 4096;
  const ffn = 11008;
  const vocab = 32000;
  const tensors: { name: string; dtype: "F16" | "F32"; shape: number[] }[] = [{ name: "model.embed_tokens.weight", dtype: "F16", shape: [vocab, hidden] }];
  const layerBytes = 2 * (4 * hidden * hidden + 3 * hidden * ffn) + 2 * 4 * hidden;
  let total = 2 * vocab * hidden * 2;
  for (let l = 0; total < bytes; l++, total += layerBytes) {
    const p = `model.layers.${l}`;
    for (const m of ["q_proj", "k_proj", "v_proj", "o_proj"]) tensors.push({ name: `${p}.self_attn.${m}.weight`, dtype: "F16", shape: [hidden, hidden] });
    tensors.push({ name: `${p}.mlp.gate_proj.weight`, dtype: "F16", shape: [ffn, hidden] });
    tensors.push({ name: `${p}.mlp.up_proj.weight`, dtype: "F16", shape: [ffn, hidden] });
    tensors.push({ name: `${p}.mlp.down_proj.weight`, dtype: "F16", shape: [hidden, ffn] });
    tensors.push({ name: `${p}.input_layernorm.weight`, dtype: "F32", shape: [hidden] });
    tensors.push({ name: `${p}.post_attention_layernorm.weight`, dtype: "F32", shape: [hidden] });
  }
  tensors.push({ name: "lm_head.weight", dtype: "F16", shape: [vocab, hidden] });
  return tensors;
}

/**
 * torch.save's zip of a state dict: data.pkl (protocol 2, an OrderedDict of _rebuild_tensor_v2 over
 * persistent-id storages, as torch writes it), one stored entry per storage, version and byteorder.
 */
function torchZipEntries(storageBytes: number, hostile: boolean) {
  const count = 12;
  const each = Math.floor(storageBytes / count / 2) * 2;
  const p = pickle().proto(2).global("collections", "OrderedDict").emptyTuple().reduce();
  for (let i = 0; i < count; i++) {
    p.unicode(`layers.${i}.weight`).global("torch._utils", "_rebuild_tensor_v2").mark();
    // persistent id ('storage', torch.HalfStorage, key, location, numel)
    p.mark().unicode("storage").global("torch", "HalfStorage").unicode(String(i)).unicode("cpu").int(each / 2).raw(0x74 /* TUPLE */).raw(0x51 /* BINPERSID */);
    p.int(0).int(each / 2 / 1024).int(1024).raw(0x86 /* TUPLE2 */).int(1024).int(1).raw(0x86).bool(false);
    p.global("collections", "OrderedDict").emptyTuple().reduce().raw(0x74 /* TUPLE */).reduce().raw(0x73 /* SETITEM */);
  }
  if (hostile) payload(p);
  const dataPkl = p.stop().bytes();
  return [
    { name: "archive/data.pkl", parts: [dataPkl] },
    { name: "archive/byteorder", parts: [new TextEncoder().encode("little")] },
    ...Array.from({ length: count }, (_, i) => ({ name: `archive/data/${i}`, parts: [each] })),
    { name: "archive/version", parts: [new TextEncoder().encode("3\n")] },
  ];
}

function payload(p: PickleBuilder) {
  p.unicode("_hook").raw(pendingCall("posix", "system", "touch /tmp/registry-bench-never-created")).reduce().raw(0x73 /* SETITEM */);
}

/** joblib.dump of a dict of float64 arrays of zeros, `bytes` of array data in all. */
function joblibDump(bytes: number): SparseParts {
  const count = 12;
  const items = Math.floor(bytes / count / 8);
  return joblibParts(Array.from({ length: count }, () => ({ dtype: "<f8", shape: [items], data: items * 8 })));
}

/** Gzips `parts` (zero runs generated as they are compressed) into `file`; sha256 of what is written. */
async function writeGzip(file: string, parts: SparseParts): Promise<{ size: number; sha256: string }> {
  const zeros = new Uint8Array(16 * 1024 * 1024);
  async function* content() {
    for (const part of parts) {
      if (typeof part !== "number") yield part;
      else for (let left = part; left > 0; left -= zeros.length) yield zeros.subarray(0, Math.min(left, zeros.length));
    }
  }
  const hash = createHash("sha256");
  let size = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      size += chunk.length;
      done(null, chunk);
    },
  });
  await pipeline(Readable.from(content(), { objectMode: false }), createGzip({ level: 1 }), tap, createWriteStream(file));
  return { size, sha256: hash.digest("hex") };
}
