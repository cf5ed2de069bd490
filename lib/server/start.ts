// `npm start`: build if there is no build yet, serve on PORT, and initialise the registry (migrations,
// storage, first admin) before announcing it is ready.
import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseConfigOrExit } from "../config/index.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));
const nextBin = createRequire(import.meta.url).resolve("next/dist/bin/next");

const config = parseConfigOrExit();

if (!existsSync(path.join(root, process.env.NEXT_DIST_DIR || ".next", "BUILD_ID")) || process.argv.includes("--rebuild")) {
  console.log("No production build yet: running `next build` (once)…");
  const build = spawnSync(process.execPath, [nextBin, "build"], { cwd: root, stdio: "inherit", env: process.env });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

const server = spawn(process.execPath, [nextBin, "start", "-p", String(config.port), "-H", config.hostname], {
  cwd: root,
  stdio: "inherit",
  env: process.env,
});
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => server.kill(signal));
server.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));

// The first request initialises the services (and starts the in-process checks worker, which resumes
// any queued checks); make it now so problems surface at start, not later.
const url = `http://127.0.0.1:${config.port}/api/v1/health`;
const deadline = Date.now() + 120_000;
for (;;) {
  try {
    const res = await fetch(url);
    const health = (await res.json()) as { status: string; db: { kind: string }; storage: { driver: string } };
    console.log(`Registry ready on http://localhost:${config.port} (database: ${health.db.kind}, storage: ${health.storage.driver}, status: ${health.status})`);
    break;
  } catch {
    if (Date.now() > deadline) {
      console.error(`The registry did not answer on ${url} within 120 s`);
      server.kill("SIGTERM");
      process.exit(1);
    }
    await new Promise((r) => setTimeout(r, 300));
  }
}
