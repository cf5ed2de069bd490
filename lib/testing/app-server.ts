// Starts the real registry (lib/server/main.ts: the API server + Next on the production build) for API, CLI and e2e tests, with
// its own database, storage and port. Tests talk to it over HTTP like any client would.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
const registryMain = path.join(repoRoot, "lib", "server", "main.ts");

export const TEST_BOOTSTRAP_TOKEN = "test-bootstrap-token-0123456789abcdef0123456789";

export type AppServer = {
  url: string;
  dataDir: string;
  env: Record<string, string>;
  output: () => string;
  stop(): Promise<void>;
  /** SIGKILL: a crash, no shutdown code runs. Resolves when the process is gone. */
  kill(): Promise<void>;
};

// Data directories made here outlive one app (tests restart the app on them), so they are removed
// when the test process exits.
const tempDirs = new Set<string>();
process.once("exit", () => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Starts the app; `env` adds to (and overrides) a minimal environment with a fresh DATA_DIR. */
export async function startApp(env: Record<string, string> = {}): Promise<AppServer> {
  if (!existsSync(path.join(repoRoot, process.env.NEXT_DIST_DIR || ".next", "BUILD_ID")))
    throw new Error("no production build: run `npx next build` first (npm test does this)");
  const port = await freePort();
  const ownsDataDir = !env.DATA_DIR;
  const dataDir = env.DATA_DIR ?? mkdtempSync(path.join(os.tmpdir(), "registry-app-"));
  const fullEnv: Record<string, string> = {
    PATH: process.env.PATH ?? "",
    HOME: process.env.HOME ?? "",
    NODE_ENV: "production",
    DATA_DIR: dataDir,
    REGISTRY_BOOTSTRAP_TOKEN: TEST_BOOTSTRAP_TOKEN,
    REGISTRY_ADMIN_PASSWORD: "admin-password-for-tests",
    AUTH_SECRET: "test-auth-secret-0123456789abcdef0123456789",
    LOG_LEVEL: "warn",
    ...(process.env.NEXT_DIST_DIR ? { NEXT_DIST_DIR: process.env.NEXT_DIST_DIR } : {}),
    ...env,
    PORT: String(port),
    HOSTNAME: "127.0.0.1",
  };
  // One process (tsx as a loader, not its CLI, which would fork a second one).
  const child = spawn(process.execPath, ["--import", "tsx", registryMain], {
    cwd: repoRoot,
    env: fullEnv as NodeJS.ProcessEnv,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (d: Buffer) => (output += d));
  child.stderr.on("data", (d: Buffer) => (output += d));
  const url = `http://127.0.0.1:${port}`;
  if (ownsDataDir) tempDirs.add(dataDir);
  await waitForHealth(url, child, () => output);
  return {
    url,
    dataDir,
    env: fullEnv,
    output: () => output,
    // Keeps the data directory: tests restart the app on it. Temp dirs are removed at process exit.
    stop: () => stopChild(child),
    kill: () =>
      child.exitCode !== null || child.signalCode !== null
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            child.once("exit", () => resolve());
            child.kill("SIGKILL");
          }),
  };
}

async function waitForHealth(url: string, child: ChildProcess, output: () => string) {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the app exited with ${child.exitCode}:\n${output()}`);
    try {
      const res = await fetch(`${url}/api/v1/health`);
      if (res.status === 200) return;
      if (res.status === 503) throw new Error(`unhealthy: ${await res.text()}`);
    } catch (error) {
      if ((error as Error).message.startsWith("unhealthy")) throw error;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  child.kill("SIGKILL");
  throw new Error(`the app did not become healthy:\n${output()}`);
}

/** SIGTERM, then SIGKILL after 10 s; resolves when the child has exited (at once if it already has). */
export function stopChild(child: ChildProcess): Promise<void> {
  // Exited normally (exitCode) or by a signal (signalCode): either way there is nothing to wait for.
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
    setTimeout(() => child.kill("SIGKILL"), 10_000).unref();
  });
}
