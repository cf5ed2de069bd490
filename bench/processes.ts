// Child processes of the bench and their memory.
//
// Servers the bench compares (s3rver, the bare alias handler) run in their own processes, like the
// registry's `next start` does: the load generator in this process must not share an event loop
// with the server it measures, or the baseline would be handicapped relative to the registry.
import { spawn } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { repoRoot, stopChild } from "@/lib/testing/app-server.ts";

export type ChildServer<T> = { pid: number; info: T; stop(): Promise<void> };

/**
 * Runs `bench/<script>` with tsx in a child process and waits for its first stdout line, a JSON
 * object describing what it started. The child must exit on SIGTERM.
 */
export async function startChildServer<T>(script: string, env: Record<string, string> = {}): Promise<ChildServer<T>> {
  const entry = fileURLToPath(new URL(script, import.meta.url));
  const child = spawn(process.execPath, ["--import", "tsx", entry], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const info = await new Promise<T>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    child.once("exit", (code) => reject(new Error(`${script} exited with ${code} before it was ready`)));
    lines.once("line", (line) => {
      try {
        resolve(JSON.parse(line) as T);
      } catch {
        reject(new Error(`${script} said '${line}' instead of its JSON ready line`));
      }
    });
  });
  child.stdout!.resume(); // later output is not ours to read; don't let it fill the pipe
  return { pid: child.pid!, info, stop: () => stopChild(child) };
}


/**
 * The pid of the `next start` process that startApp spawned for `port`. startApp does not expose
 * its ChildProcess, and Next renames its process title to "next-server", so the command line is no
 * help: the child of this process whose environment says PORT=<port> is the one.
 */
export function findAppServerPid(port: number): number {
  for (const pid of childPids(process.pid)) {
    let environ: string;
    try {
      environ = readFileSync(`/proc/${pid}/environ`, "utf8");
    } catch {
      continue; // exited meanwhile
    }
    if (environ.split("\0").includes(`PORT=${port}`)) return pid;
  }
  throw new Error(`no child process of ${process.pid} serves port ${port}`);
}

/** Direct children, from /proc/<pid>/task/<tid>/children (any thread may have forked). */
export function childPids(pid: number): number[] {
  const pids = new Set<number>();
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return [];
  }
  for (const tid of tasks) {
    try {
      for (const child of readFileSync(`/proc/${pid}/task/${tid}/children`, "utf8").trim().split(/\s+/)) {
        if (child) pids.add(Number(child));
      }
    } catch {
      // the thread ended meanwhile
    }
  }
  return [...pids];
}

/** `pid` and all its descendants. */
export function processTree(pid: number): number[] {
  const tree = [pid];
  for (let i = 0; i < tree.length; i++) tree.push(...childPids(tree[i]!));
  return tree;
}

function statusField(pid: number, field: "VmRSS" | "VmHWM" | "RssAnon" | "RssFile" | "RssShmem"): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, "m").exec(status);
  if (!match) throw new Error(`no ${field} in /proc/${pid}/status`);
  return Number(match[1]) * 1024;
}

/** Resident set size in bytes (VmRSS) summed over the process tree. */
export function treeRss(pid: number): number {
  let total = 0;
  for (const p of processTree(pid)) {
    try {
      total += statusField(p, "VmRSS");
    } catch {
      // exited between listing and reading
    }
  }
  return total;
}

/**
 * The kernel's own peak-RSS counter (VmHWM) for one process, a cross-check on 100 ms sampling that
 * cannot miss a short spike. `resetPeakRss` restarts it (writing 5 to clear_refs, Linux ≥ 4.0).
 */
export function peakRss(pid: number): number {
  return statusField(pid, "VmHWM");
}

/** RSS split into anonymous memory (heaps, WASM memories, buffers) and file-backed pages (code, mapped files). */
export function rssBreakdown(pid: number): { anonBytes: number; fileBytes: number } {
  return { anonBytes: statusField(pid, "RssAnon") + statusField(pid, "RssShmem"), fileBytes: statusField(pid, "RssFile") };
}

export function resetPeakRss(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, "5");
    return true;
  } catch {
    return false; // not permitted: the sampled peak still stands
  }
}

export type RssSamples = { peakBytes: number; firstBytes: number; samples: number; maxGapMs: number };

/**
 * Samples the tree's RSS every `intervalMs` until stopped. Runs on this process's event loop, which
 * is busy streaming the upload, so the real gap between samples is recorded too (maxGapMs).
 */
export function sampleRss(pid: number, intervalMs = 100): { stop(): RssSamples } {
  const first = treeRss(pid);
  let peak = first;
  let samples = 1;
  let last = performance.now();
  let maxGap = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    maxGap = Math.max(maxGap, now - last);
    last = now;
    peak = Math.max(peak, treeRss(pid));
    samples++;
  }, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      peak = Math.max(peak, treeRss(pid));
      return { peakBytes: peak, firstBytes: first, samples: samples + 1, maxGapMs: Math.round(maxGap) };
    },
  };
}

// ---- CPU accounting ----
// Wall-clock rates on a shared 2-core machine move with whatever else runs. CPU seconds spent by
// each process do not (much): they say where the work goes, and how much of the machine others took.

const TICKS_PER_SECOND = 100; // USER_HZ; 100 on every mainstream Linux

/** utime + stime of one process in seconds (its own threads; not its children). */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name may contain spaces and parentheses: fields are counted after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return Number.NaN; // exited
  }
}

/** Busy CPU seconds of the whole machine (all cores) since boot, from /proc/stat. */
export function machineBusySeconds(): number {
  const line = readFileSync("/proc/stat", "utf8").split("\n", 1)[0]!;
  const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
  return (user! + nice! + system! + irq! + softirq! + steal!) / TICKS_PER_SECOND;
}

export type CpuUsage = {
  /** CPU seconds per named process during the interval. */
  byProcess: Record<string, number>;
  /** CPU seconds used by everything else on the machine (other users' work, Postgres, the kernel). */
  others: number;
  wallSeconds: number;
};

/** Starts counting CPU time of the named processes and of the machine; stop() returns the deltas. */
export function meterCpu(pids: Record<string, number>): { stop(): CpuUsage } {
  const before = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, cpuSeconds(pid)]));
  const machineBefore = machineBusySeconds();
  const wallBefore = performance.now();
  return {
    stop() {
      const byProcess = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, cpuSeconds(pid) - before[name]!]));
      const ours = Object.values(byProcess).reduce((a, b) => a + b, 0);
      return { byProcess, others: Math.max(0, machineBusySeconds() - machineBefore - ours), wallSeconds: (performance.now() - wallBefore) / 1000 };
    },
  };
}
