// `npm start`: build the pages if there is no build yet, then run the registry (lib/server/main.ts)
// in this process on PORT.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseConfigOrExit } from "../config/index.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));
const nextBin = createRequire(import.meta.url).resolve("next/dist/bin/next");

parseConfigOrExit();

if (!existsSync(path.join(root, process.env.NEXT_DIST_DIR || ".next", "BUILD_ID")) || process.argv.includes("--rebuild")) {
  console.log("No production build yet: running `next build` (once)…");
  const build = spawnSync(process.execPath, [nextBin, "build"], { cwd: root, stdio: "inherit", env: process.env });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

// Before the registry's modules load: React and Next pick their production builds from it.
(process.env as Record<string, string>).NODE_ENV ??= "production";
const { main } = await import("./main.ts");
await main([]);
