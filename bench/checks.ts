// The four server-side checks on a large evaluation set, run the way the worker runs them: each in a
// sandboxed child process (runCheckInSandbox) that reads the version's files from a filesystem
// object store under DATA_DIR. No database and no web server are involved: the worker's own costs
// (claiming, progress writes, storing the result) are a few small SQL statements per check, while the
// checks read, parse and score every row.
//
// Measured against two raw baselines taken in the same run, in this process:
//   - inference: one onnxruntime-node InferenceSession on the same model bytes, over the same rows
//     prebuilt as one Float32Array, in batches of 65,536 (what the checks' model runner uses);
//   - parse + inference: the same, starting from the CSV bytes, parsed with a trivial split loop.
// A tiny evaluation set run through the same sandboxes separates the fixed cost of a check (fork,
// tsx, imports, loading the model) from the per-row cost.
import { createHash, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import * as ort from "onnxruntime-node";
import { parseConfig } from "@/lib/config/index.ts";
import { canonicalJson } from "@/lib/integrity/canonical-json.ts";
import { mediaTypeFor } from "@/lib/registry/envelope.ts";
import type { ClaimedRun } from "@/lib/checks/record-check-result.ts";
import { runCheckInSandbox, type SandboxLimits } from "@/lib/checks/sandbox/run-in-sandbox.ts";
import { sampleEnvelope } from "@/lib/checks/testing/sample-envelope.ts";
import { thresholdsToStore } from "@/lib/checks/thresholds.ts";
import { checkKinds, type CheckKind, type Verdict } from "@/lib/checks/types.ts";
import { defaultThresholds } from "@/lib/policy/thresholds.ts";
import { createObjectStore } from "@/lib/storage/index.ts";
import { repoRoot } from "@/lib/testing/app-server.ts";
import { childPids, cpuSeconds, machineBusySeconds } from "./processes.ts";
import type { Workspace } from "./workspace.ts";

export type ChecksSettings = {
  /** Rows of the evaluation set the checks and the baselines score. */
  rows: number;
  /** Rows of the tiny envelope whose check times are the fixed cost. */
  tinyRows: number;
  /** Timings of each raw baseline; the best one is reported. */
  rawRounds: number;
  /** Rounds of each sandboxed set (tiny, sequential, concurrent); medians are reported. */
  rounds: number;
};

/** One check's run in its sandbox, seen from outside. */
export type CheckTiming = {
  kind: CheckKind;
  verdict: Verdict;
  summary: string;
  /** From the call to runCheckInSandbox to its result (fork, start-up, the check, exit). */
  wallSeconds: number;
  /** From the call to the check's first progress report (start-up + whatever precedes it). */
  firstProgressSeconds: number | null;
  /** runCheckInSandbox's own figure: VmRSS sampled every 100 ms. */
  sandboxPeakRssBytes: number;
  /** The kernel's peak (VmHWM) of the child, read every 20 ms up to its exit; null if never seen. */
  kernelPeakRssBytes: number | null;
  /** user + system CPU seconds of the child (all its threads, and the processes it reaped), as last read before it exited. */
  cpuSeconds: number | null;
  /** Progress messages with digits folded, and when each first appeared (seconds since the call). */
  phases: { message: string; atSeconds: number }[];
  startOffsetSeconds: number;
};

export type CheckSetRun = {
  concurrency: number;
  wallSeconds: number;
  checks: CheckTiming[];
  /** Largest sum of the live children's VmRSS at one 20 ms reading: what the machine held at once. */
  peakCombinedRssBytes: number;
  /** Busy CPU seconds of the machine outside this process and the check children, per wall second. */
  otherCores: number;
};

export type RawBaseline = { seconds: number[]; best: number };

export type ChecksResult = {
  date: string;
  machine: { cpu: string; cores: number; node: string; onnxruntime: string };
  rows: number;
  evaluationBytes: number;
  modelBytes: number;
  limits: SandboxLimits;
  /** Building the envelope and storing it (not a measured quantity; for the log). */
  setupSeconds: number;
  raw: { inference: RawBaseline; parseAndInference: RawBaseline; parseOnly: RawBaseline; intraOpThreads: number };
  /** warmUp: the first set of the phase, possibly with a cold tsx cache; not in the medians. */
  tiny: { rows: number; runs: CheckSetRun[]; warmUp: CheckSetRun };
  /** Every round, in the order run; the report takes medians. */
  sequential: CheckSetRun[];
  concurrent: CheckSetRun[];
  durationSeconds: number;
};

const MODEL = "bench-checks";
const BATCH = 65_536; // DEFAULT_BATCH_SIZE of lib/checks/model/load-model.ts
const SEED = 1;
const POLL_MS = 20;

export async function measureChecks(workspace: Workspace, log: (line: string) => void, settings: ChecksSettings): Promise<ChecksResult> {
  const started = performance.now();
  const dataDir = workspace.file("checks-data");
  const store = createObjectStore({ kind: "filesystem", dir: path.join(dataDir, "objects") });
  await store.ensureReady();

  const big = sampleEnvelope(MODEL, "1.0.0", { rows: settings.rows });
  const bigRuns = await storeEnvelope(store, big);
  const tinyRuns = await storeEnvelope(store, sampleEnvelope(MODEL, "0.0.1", { rows: settings.tinyRows }));
  const csv = big.files["eval.csv"]!;
  const model = big.files["model.onnx"]!;
  const setupSeconds = (performance.now() - started) / 1000;
  log(`checks: envelope with ${settings.rows.toLocaleString("en-US")} rows (eval.csv ${(csv.length / 2 ** 20).toFixed(1)} MiB) built and stored in ${setupSeconds.toFixed(1)} s`);

  const raw = await measureRaw(model, csv, blobPath(dataDir, bigRuns.evaluationDigest), settings.rawRounds, log);

  // The worker's defaults, and its store passed along as the worker passes it.
  const config = parseConfig({ DATA_DIR: dataDir });
  const sandboxLimits: SandboxLimits = {
    timeoutMs: config.checks.timeoutSeconds * 1000,
    memoryLimitBytes: config.checks.memoryLimitMb * 1024 * 1024,
    storage: config.storage,
  };
  const restoreEnv = useStoreEnv(dataDir);
  try {
    // tsx caches each file's transform on disk; the first sandboxes after a code change fill that
    // cache. Measured once, apart: later rounds (and a worker's later runs) start warm.
    log(`checks: warm-up — tiny envelope once, filling tsx's transform cache`);
    const warmUp = logSet(log, await runChecks(tinyRuns.runs, 1, sandboxLimits));
    const tiny: CheckSetRun[] = [];
    const sequential: CheckSetRun[] = [];
    const concurrent: CheckSetRun[] = [];
    // Interleaved rounds: a burst of other load on the shared machine then spreads over all three sets.
    for (let round = 1; round <= settings.rounds; round++) {
      const of = `round ${round}/${settings.rounds}`;
      log(`checks ${of}: tiny envelope (${settings.tinyRows} rows), sequentially — the fixed cost per check`);
      tiny.push(logSet(log, await runChecks(tinyRuns.runs, 1, sandboxLimits)));
      log(`checks ${of}: all four on ${settings.rows.toLocaleString("en-US")} rows, sequentially (CHECK_CONCURRENCY=1, the default)`);
      sequential.push(logSet(log, await runChecks(bigRuns.runs, 1, sandboxLimits)));
      log(`checks ${of}: all four on ${settings.rows.toLocaleString("en-US")} rows, two at a time (CHECK_CONCURRENCY=2)`);
      concurrent.push(logSet(log, await runChecks(bigRuns.runs, 2, sandboxLimits)));
    }
    return {
      date: new Date().toISOString(),
      machine: describeCpu(),
      rows: settings.rows,
      evaluationBytes: csv.length,
      modelBytes: model.length,
      limits: sandboxLimits,
      setupSeconds,
      raw,
      tiny: { rows: settings.tinyRows, runs: tiny, warmUp },
      sequential,
      concurrent,
      durationSeconds: (performance.now() - started) / 1000,
    };
  } finally {
    restoreEnv();
  }
}

function logSet(log: (line: string) => void, set: CheckSetRun): CheckSetRun {
  for (const c of set.checks) {
    const peak = Math.max(c.sandboxPeakRssBytes, c.kernelPeakRssBytes ?? 0);
    log(`  ${c.kind.padEnd(11)} ${c.wallSeconds.toFixed(2).padStart(6)} s  peak RSS ${(peak / 2 ** 20).toFixed(0)} MiB  ${c.verdict}: ${c.summary.slice(0, 100)}`);
  }
  log(`  total (concurrency ${set.concurrency}): ${set.wallSeconds.toFixed(2)} s`);
  return set;
}

// ---------------------------------------------------------------------------------------------
// The envelope in the store, and the runs a worker would claim for it

type Envelope = ReturnType<typeof sampleEnvelope>;

async function storeEnvelope(store: ReturnType<typeof createObjectStore>, envelope: Envelope): Promise<{ runs: ClaimedRun[]; evaluationDigest: string }> {
  const files: ClaimedRun["files"] = [];
  for (const [filePath, bytes] of Object.entries(envelope.files)) {
    const sha256 = createHash("sha256").update(bytes).digest("hex");
    const stored = await store.putBlob(Readable.from([bytes]), { expectedSha256: sha256 });
    files.push({ path: filePath, sha256: stored.digest, size: stored.size });
  }
  const runs = claimedRuns(envelope.manifest, files, checkKinds);
  return { runs, evaluationDigest: files.find((f) => f.path === "eval.csv")!.sha256 };
}

/** The runs a worker would claim for a version of these stored files, one per kind. */
export function claimedRuns(sent: { name: string; version: string; [field: string]: unknown }, stored: ClaimedRun["files"], kinds: readonly CheckKind[]): ClaimedRun[] {
  const files = [...stored].sort((a, b) => (a.path < b.path ? -1 : 1));
  // What upload-version.ts stores (canonicalManifest): the sent manifest with every file's digest,
  // size and media type, in canonical key order. The child parses it with the envelope schema.
  // Thresholds are what request-checks.ts stores for a model without policy overrides.
  const manifest = JSON.parse(
    canonicalJson({
      ...sent,
      files: Object.fromEntries(files.map((f) => [f.path, { sha256: f.sha256, size: f.size, mediaType: mediaTypeFor(f.path) }])),
    }),
  ) as Record<string, unknown>;
  const manifestDigest = createHash("sha256").update(canonicalJson(manifest)).digest("hex");
  const version = { id: randomUUID(), model: sent.name, version: sent.version, manifestDigest, manifest };
  return kinds.map((kind): ClaimedRun => ({ id: randomUUID(), kind, attempt: 1, seed: SEED, thresholds: thresholdsToStore(kind, defaultThresholds), version, files }));
}

function blobPath(dataDir: string, digest: string): string {
  return path.join(dataDir, "objects", "sha256", digest.slice(0, 2), digest);
}

/**
 * The sandbox's child inherits process.env, and without a store in its limits builds one from
 * parseConfig(): point that at the bench's store too for the duration, and hide anything that would
 * send it elsewhere (S3_BUCKET selects S3; DATABASE_URL is never opened by a child, but nothing of
 * the caller's should leak in).
 */
function useStoreEnv(dataDir: string): () => void {
  const saved = { ...process.env };
  for (const key of Object.keys(process.env)) if (key.startsWith("S3_") || key === "DATABASE_URL") delete process.env[key];
  process.env.DATA_DIR = dataDir;
  process.env.REGISTRY_ROOT = repoRoot;
  return () => {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  };
}

// ---------------------------------------------------------------------------------------------
// Raw baselines

async function measureRaw(modelBytes: Buffer, csv: Buffer, csvBlobPath: string, rounds: number, log: (line: string) => void) {
  // The checks' runner settings (load-model.ts): the baseline must differ in the code around the
  // runtime, not in how many threads the runtime gets.
  const intraOpThreads = Math.max(1, Math.min(4, os.availableParallelism() - 1));
  const session = await ort.InferenceSession.create(modelBytes, {
    graphOptimizationLevel: "all",
    intraOpNumThreads: intraOpThreads,
    interOpNumThreads: 1,
    executionMode: "sequential",
    logSeverityLevel: 3,
  });
  try {
    const prebuilt = splitParse(csv.toString("latin1"));
    const inference: number[] = [];
    const parseAndInference: number[] = [];
    const parseOnly: number[] = [];
    let checksum = 0;
    for (let round = 0; round < rounds; round++) {
      let t = performance.now();
      checksum += await infer(session, prebuilt.features, prebuilt.rows);
      inference.push((performance.now() - t) / 1000);

      // From the stored blob (page cache), as the checks read it; decoding + splitting is the parse.
      t = performance.now();
      const parsed = splitParse((await readFile(csvBlobPath)).toString("latin1"));
      parseOnly.push((performance.now() - t) / 1000);
      checksum += await infer(session, parsed.features, parsed.rows);
      parseAndInference.push((performance.now() - t) / 1000);
    }
    const best = (s: number[]) => ({ seconds: s, best: Math.min(...s) });
    const result = { inference: best(inference), parseAndInference: best(parseAndInference), parseOnly: best(parseOnly), intraOpThreads };
    log(
      `checks: raw onnxruntime over ${prebuilt.rows.toLocaleString("en-US")} rows: inference ${result.inference.best.toFixed(3)} s, ` +
        `read + split-parse + inference ${result.parseAndInference.best.toFixed(3)} s (best of ${rounds}; positives ${checksum / (2 * rounds)})`,
    );
    return result;
  } finally {
    await session.release();
  }
}

/** The trivial parser: lines, commas, Number() — the two feature columns into one row-major matrix. */
function splitParse(text: string): { features: Float32Array; rows: number } {
  const lines = text.split("\n");
  const header = lines[0]!.split(",");
  const a = header.indexOf("score_a");
  const b = header.indexOf("score_b");
  const features = new Float32Array((lines.length - 1) * 2);
  let rows = 0;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === "") continue;
    const cells = line.split(",");
    features[rows * 2] = Number(cells[a]);
    features[rows * 2 + 1] = Number(cells[b]);
    rows++;
  }
  return { features: features.subarray(0, rows * 2), rows };
}

/** Scores every row in batches; returns the number of positive labels so the work cannot be skipped. */
async function infer(session: ort.InferenceSession, features: Float32Array, rows: number): Promise<number> {
  const input = session.inputNames[0]!;
  const label = session.outputNames[0]!;
  let positives = 0;
  for (let start = 0; start < rows; start += BATCH) {
    const n = Math.min(BATCH, rows - start);
    const out = await session.run({ [input]: new ort.Tensor("float32", features.subarray(start * 2, (start + n) * 2), [n, 2]) });
    const labels = out[label]!.data as ArrayLike<number | bigint>;
    for (let i = 0; i < labels.length; i++) if (Number(labels[i]) === 1) positives++;
  }
  return positives;
}

// ---------------------------------------------------------------------------------------------
// Sandboxed runs

/** Runs the checks through a pool of `concurrency` sandboxes, in the order the worker receives them. */
export async function runChecks(runs: ClaimedRun[], concurrency: number, limits: SandboxLimits): Promise<CheckSetRun> {
  const monitor = watchSandboxes();
  const starting = new StartLock();
  const busyBefore = machineBusySeconds();
  const selfBefore = cpuSeconds(process.pid);
  const t0 = performance.now();
  const timings: CheckTiming[] = [];
  const queue = [...runs];
  try {
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        for (let run = queue.shift(); run; run = queue.shift()) timings.push(await runOne(run, limits, monitor, starting, t0));
      }),
    );
  } finally {
    monitor.stop();
  }
  const wallSeconds = (performance.now() - t0) / 1000;
  const childCpu = timings.reduce((sum, t) => sum + (t.cpuSeconds ?? 0), 0);
  const others = machineBusySeconds() - busyBefore - (cpuSeconds(process.pid) - selfBefore) - childCpu;
  timings.sort((a, b) => checkKinds.indexOf(a.kind) - checkKinds.indexOf(b.kind));
  return { concurrency, wallSeconds, checks: timings, peakCombinedRssBytes: monitor.peakCombinedRss(), otherCores: Math.max(0, others) / wallSeconds };
}

/**
 * runCheckInSandbox forks after an await (its temp working directory), so the new child cannot be
 * told apart from a concurrent one's by timing alone: starts take turns until each one's child has
 * appeared. The wait is a few milliseconds, small against a check; a set's total includes it, a
 * check's own time starts after it.
 */
class StartLock {
  #tail: Promise<void> = Promise.resolve();
  async hold<T>(fn: () => Promise<T>): Promise<T> {
    const previous = this.#tail;
    let release!: () => void;
    this.#tail = new Promise((resolve) => (release = resolve));
    await previous;
    try {
      return await fn();
    } finally {
      release();
    }
  }
}

async function newSandboxPid(before: Set<number>, done: Promise<unknown>): Promise<number | undefined> {
  let finished = false;
  const finish = () => void (finished = true);
  done.then(finish, finish);
  const deadline = performance.now() + 10_000;
  while (!finished && performance.now() < deadline) {
    const pid = sandboxPids().find((p) => !before.has(p));
    if (pid !== undefined) return pid;
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  return undefined;
}

async function runOne(run: ClaimedRun, limits: SandboxLimits, monitor: SandboxMonitor, starting: StartLock, t0: number): Promise<CheckTiming> {
  let start = performance.now();
  const phases: CheckTiming["phases"] = [];
  let firstProgress: number | null = null;
  let pending!: Promise<Awaited<ReturnType<typeof runCheckInSandbox>>>;
  const pid = await starting.hold(async () => {
    const before = new Set(sandboxPids());
    start = performance.now();
    pending = runCheckInSandbox(run, limits, onProgress);
    return newSandboxPid(before, pending);
  });
  if (pid !== undefined) monitor.track(pid);
  function onProgress(_fraction: number, message: string) {
    const at = (performance.now() - start) / 1000;
    firstProgress ??= at;
    const folded = message.replace(/\d[\d,.]*/g, "#");
    if (!phases.some((p) => p.message === folded)) phases.push({ message: folded, atSeconds: at });
  }
  const result = await pending;
  const wallSeconds = (performance.now() - start) / 1000;
  const seen = pid === undefined ? undefined : monitor.seen(pid);
  return {
    kind: run.kind,
    verdict: result.outcome.verdict,
    summary: result.outcome.summary,
    wallSeconds,
    firstProgressSeconds: firstProgress,
    sandboxPeakRssBytes: result.peakRssBytes,
    kernelPeakRssBytes: seen?.hwm ?? null,
    cpuSeconds: seen?.cpu ?? null,
    phases,
    startOffsetSeconds: (start - t0) / 1000,
  };
}

type SandboxMonitor = {
  track(pid: number): void;
  seen(pid: number): { hwm: number; cpu: number } | undefined;
  peakCombinedRss(): number;
  stop(): void;
};

/**
 * Reads VmHWM, VmRSS and CPU time of the tracked children every 20 ms. The sandbox samples VmRSS
 * every 100 ms for its memory limit; the kernel's peak counter cannot miss a spike between samples,
 * and the CPU time says whether a check's wall time is work or waiting.
 */
function watchSandboxes(): SandboxMonitor {
  const tracked = new Map<number, { hwm: number; cpu: number }>();
  let peakCombined = 0;
  const read = () => {
    let combined = 0;
    for (const [pid, seen] of tracked) {
      const status = procStatus(pid);
      if (!status) continue; // exited: the last reading stands
      seen.hwm = Math.max(seen.hwm, status.hwm);
      combined += status.rss;
      const cpu = cpuWithReapedChildren(pid);
      if (cpu !== undefined) seen.cpu = cpu;
    }
    peakCombined = Math.max(peakCombined, combined);
  };
  const timer = setInterval(read, POLL_MS);
  return {
    track(pid) {
      tracked.set(pid, { hwm: 0, cpu: 0 });
      read();
    },
    seen: (pid) => tracked.get(pid),
    peakCombinedRss: () => peakCombined,
    stop: () => clearInterval(timer),
  };
}

function procStatus(pid: number): { hwm: number; rss: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB$`, "m").exec(status)?.[1] ?? 0) * 1024;
    // A zombie has no memory fields left: treat it as gone.
    if (!/^VmRSS:/m.test(status)) return undefined;
    return { hwm: kb("VmHWM"), rss: kb("VmRSS") };
  } catch {
    return undefined;
  }
}

/**
 * utime + stime of a child plus those of its own children it has reaped (cutime + cstime): tsx
 * hands transforms to an esbuild process, whose CPU belongs to the check's start-up.
 */
function cpuWithReapedChildren(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) / 100;
  } catch {
    return undefined;
  }
}

/** This process's children that run the sandbox's entry point. */
function sandboxPids(): number[] {
  return childPids(process.pid).filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("sandbox/child.ts");
    } catch {
      return false;
    }
  });
}

export function describeCpu(): ChecksResult["machine"] {
  const cpuinfo = (() => {
    try {
      return readFileSync("/proc/cpuinfo", "utf8");
    } catch {
      return "";
    }
  })();
  const onnxruntime = (() => {
    try {
      return (JSON.parse(readFileSync(path.join(repoRoot, "node_modules", "onnxruntime-node", "package.json"), "utf8")) as { version: string }).version;
    } catch {
      return "?";
    }
  })();
  return {
    cpu: /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? os.cpus()[0]?.model ?? "unknown",
    cores: os.availableParallelism(),
    node: process.version,
    onnxruntime,
  };
}
