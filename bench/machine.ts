// What the numbers were measured on. Ratios against same-run baselines travel between machines far
// better than absolute MB/s, but the absolute numbers still need their context.
import { execFileSync } from "node:child_process";
import { readFileSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { repoRoot } from "@/lib/testing/app-server.ts";

export type MachineInfo = {
  date: string;
  cpu: string;
  cores: number;
  memory: string;
  node: string;
  os: string;
  disk: string;
  postgres: string;
  versions: string;
  /** Which code was measured: commit, uncommitted changes, and when the measured build was made. */
  code: string;
};

export async function describeMachine(workspaceDir: string, databaseUrl: string | undefined): Promise<MachineInfo> {
  const cpuinfo = safe(() => readFileSync("/proc/cpuinfo", "utf8"), "");
  const cpu = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? os.cpus()[0]?.model ?? "unknown";
  const flags = /^flags\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.split(/\s+/) ?? [];
  const memTotal = Number(/^MemTotal:\s+(\d+) kB$/m.exec(safe(() => readFileSync("/proc/meminfo", "utf8"), ""))?.[1] ?? 0) * 1024;
  const osRelease = /^PRETTY_NAME="?([^"\n]+)"?$/m.exec(safe(() => readFileSync("/etc/os-release", "utf8"), ""))?.[1] ?? os.type();
  return {
    date: new Date().toISOString(),
    // sha_ni matters: every byte is hashed (sha256) on the server and by the bench's consumer.
    cpu: `${cpu}${flags.includes("sha_ni") ? " (SHA extensions: yes)" : " (SHA extensions: no)"}`,
    cores: os.availableParallelism(),
    memory: `${(memTotal / 1024 ** 3).toFixed(1)} GiB`,
    node: process.version,
    os: `${osRelease}, Linux ${os.release()}`,
    disk: describeDisk(workspaceDir),
    postgres: databaseUrl ? await postgresVersion(databaseUrl) : "n/a",
    code: describeCode(),
    versions: ["next", "@prisma/client", "@aws-sdk/client-s3", "s3rver", "busboy", "autocannon"]
      .map((name) => `${name} ${packageVersion(name)}`)
      .join(", "),
  };
}

/** Filesystem, device, size and whether the kernel thinks it is rotational, for the temp directory. */
function describeDisk(dir: string): string {
  return safe(() => {
    const [, line] = execFileSync("df", ["-PT", dir], { encoding: "utf8" }).trim().split("\n");
    const [device, fsType, blocks] = line!.split(/\s+/);
    const base = device!.replace(/^\/dev\//, "").replace(/p?\d+$/, "");
    const rotational = safe(() => readFileSync(`/sys/block/${base}/queue/rotational`, "utf8").trim(), "?");
    const size = (Number(blocks) * 1024) / 1024 ** 3;
    const kind = rotational === "0" ? "non-rotational" : rotational === "1" ? "reported rotational" : "rotational: unknown";
    return `${device} (${fsType}, ${size.toFixed(0)} GiB, ${kind} by the kernel) holding ${dir}`;
  }, "unknown");
}

function describeCode(): string {
  const git = (...args: string[]) => execFileSync("git", args, { cwd: repoRoot, encoding: "utf8" }).trim();
  const commit = safe(() => git("rev-parse", "--short", "HEAD"), "unknown commit");
  const dirty = safe(() => git("status", "--porcelain").length > 0, false);
  const distDir = process.env.NEXT_DIST_DIR || ".next";
  const built = safe(() => statSync(path.join(repoRoot, distDir, "BUILD_ID")).mtime.toISOString(), "unknown");
  return `commit ${commit}${dirty ? " + uncommitted changes" : ""}; build ${distDir} made ${built}`;
}

async function postgresVersion(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ server_version: string }>("SHOW server_version");
    return `PostgreSQL ${rows[0]!.server_version} on 127.0.0.1 (local server, shared with other work)`;
  } finally {
    await client.end();
  }
}

function packageVersion(name: string): string {
  return safe(() => (JSON.parse(readFileSync(path.join(repoRoot, "node_modules", name, "package.json"), "utf8")) as { version: string }).version, "?");
}

function safe<T>(fn: () => T, fallback: T): T {
  try {
    return fn();
  } catch {
    return fallback;
  }
}
