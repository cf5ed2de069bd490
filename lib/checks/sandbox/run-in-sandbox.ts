// Runs one claimed check in a child process with a wall-clock limit and a resident-memory limit.
// Whatever happens in the child (a crash of the native runtime, an exception, an endless loop, memory
// growing without bound), this resolves with an outcome: the check's own, or an `error` that says why.
import { fork, type ChildProcess } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { ClaimedRun } from "../record-check-result.ts";
import type { CheckOutcome } from "../types.ts";
import type { ChildMessage, ParentMessage } from "./protocol.ts";
import type { Config } from "../../config/index.ts";

export type SandboxLimits = {
  timeoutMs: number;
  memoryLimitBytes: number;
  /** The object store holding the version's files; default: the child's own configuration (env). */
  storage?: Config["storage"];
  /** Largest file the security check scans; default: the child's own configuration (CHECK_MAX_SCAN_BYTES). */
  maxScanBytes?: number;
};

export type SandboxResult = { outcome: CheckOutcome; log: string; peakRssBytes: number };

/**
 * The child's entry file. Built at run time on purpose: Next's bundler traces `fork(path.join(…))`
 * and would try to bundle the child, which must instead run as its own Node process through tsx.
 */
function childEntry(root: string): string {
  return [root, "lib", "checks", "sandbox", "child.ts"].join(path.sep);
}

/** tsx's loader by absolute URL: the child's working directory is empty, so a bare "tsx" would not resolve. */
function tsxLoader(root: string): string {
  return pathToFileURL([root, "node_modules", "tsx", "dist", "loader.mjs"].join(path.sep)).href;
}

/** The repository root: the child is TypeScript run through tsx, from the source tree. */
function projectRoot(): string {
  return process.env.REGISTRY_ROOT ?? process.cwd();
}

export async function runCheckInSandbox(
  run: ClaimedRun,
  limits: SandboxLimits,
  onProgress: (fraction: number, message: string) => void = () => {},
): Promise<SandboxResult> {
  const root = projectRoot();
  const logLines: string[] = [];
  const log = (line: string) => {
    logLines.push(`${new Date().toISOString()} ${line}`);
    if (logLines.length > 5000) logLines.splice(0, logLines.length - 5000);
  };
  // V8's heap is capped below the process limit so a JS allocation spiral fails inside the child with a
  // clear OOM rather than only being noticed by the RSS watchdog.
  const heapMb = Math.max(64, Math.floor((limits.memoryLimitBytes / 1024 / 1024) * 0.75));
  // An empty working directory: nothing a model could reference by a relative path (onnxruntime
  // resolves external data relative to it) is within reach — not the repository, not DATA_DIR.
  const cwd = await mkdtemp(path.join(os.tmpdir(), "registry-check-"));
  const child = fork(childEntry(root), [], {
    cwd,
    execArgv: ["--import", tsxLoader(root), `--max-old-space-size=${heapMb}`],
    stdio: ["ignore", "pipe", "pipe", "ipc"],
    serialization: "advanced",
    env: { ...process.env, NODE_OPTIONS: "" },
  });
  const stderrTail: string[] = [];
  child.stdout?.on("data", (d: Buffer) => log(`[stdout] ${d.toString().trimEnd()}`));
  child.stderr?.on("data", (d: Buffer) => {
    const text = d.toString().trimEnd();
    stderrTail.push(text);
    if (stderrTail.length > 20) stderrTail.shift();
    log(`[stderr] ${text}`);
  });

  let outcome: CheckOutcome | undefined;
  let stopReason: CheckOutcome | undefined;
  let peakRssBytes = 0;
  log(`running ${run.kind} for ${run.version.model}@${run.version.version} (attempt ${run.attempt}, seed ${run.seed})`);

  const timer = setTimeout(() => {
    stopReason = limitExceeded("check_timeout", `The check did not finish within its time limit of ${Math.round(limits.timeoutMs / 1000)} s and was stopped.`);
    child.kill("SIGKILL");
  }, limits.timeoutMs);
  const watchdog = setInterval(() => {
    void readRss(child).then((rss) => {
      if (rss === undefined) return;
      peakRssBytes = Math.max(peakRssBytes, rss);
      if (rss > limits.memoryLimitBytes && !stopReason) {
        stopReason = limitExceeded(
          "check_memory_limit",
          `The check used ${mib(rss)} of memory, more than its limit of ${mib(limits.memoryLimitBytes)}, and was stopped.`,
        );
        child.kill("SIGKILL");
      }
    });
  }, 100);

  // A failed spawn (EAGAIN, ENOMEM…) emits "error" and never "exit"; both settle the same wait.
  let spawnError: Error | undefined;
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once("exit", (code, signal) => resolve({ code, signal }));
    child.once("error", (error) => {
      spawnError = error;
      resolve({ code: null, signal: null });
    });
  });
  child.on("message", (message: ChildMessage) => {
    if (message.type === "progress") onProgress(message.fraction, message.message);
    else if (message.type === "log") log(message.line);
    else if (message.type === "result") outcome = message.outcome;
  });
  child.once("spawn", () => child.send({ type: "run", run, timeoutMs: limits.timeoutMs, storage: limits.storage, maxScanBytes: limits.maxScanBytes } satisfies ParentMessage));

  const { code, signal } = await exit;
  clearTimeout(timer);
  clearInterval(watchdog);
  await rm(cwd, { recursive: true, force: true });
  const final =
    stopReason ??
    outcome ??
    limitExceeded(
      "check_process_died",
      spawnError
        ? `The check's process could not be started: ${spawnError.message}.`
        : `The check's process ended without a result (${signal ? `signal ${signal}` : `exit code ${code}`})${stderrTail.length ? `: ${stderrTail.join(" ").slice(-500)}` : ""}.`,
    );
  log(`finished: ${final.verdict} — ${final.summary}`);
  return { outcome: final, log: logLines.join("\n"), peakRssBytes };
}

function limitExceeded(code: string, message: string): CheckOutcome {
  return { verdict: "error", summary: message, metrics: {}, findings: [{ severity: "error", code, message }] };
}

async function readRss(child: ChildProcess): Promise<number | undefined> {
  if (child.pid === undefined || child.exitCode !== null) return undefined;
  // Linux only; elsewhere the V8 heap cap (--max-old-space-size) is the memory bound.
  const status = await readFile(`/proc/${child.pid}/status`, "utf8").catch(() => undefined);
  const kb = status?.match(/^VmRSS:\s+(\d+) kB/m)?.[1];
  return kb ? Number(kb) * 1024 : undefined;
}

const mib = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MiB`;
