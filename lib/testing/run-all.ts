// `npm test`: type check, lint and layering rules, production build, unit + integration + API tests (vitest), browser tests
// (Playwright on Debian's Chromium). Ends with one "N passed, N failed" line over everything.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { repoRoot } from "./app-server.ts";

// Entry scripts of the tools, by path: not every package exports its CLI file.
const tool = (pkg: string, file: string) => path.join(repoRoot, "node_modules", pkg, file);
const tmp = path.join(repoRoot, ".tmp");
mkdirSync(tmp, { recursive: true });
const args = process.argv.slice(2);
const skipE2e = args.includes("--no-e2e");

function run(title: string, command: string[], env: Record<string, string> = {}): boolean {
  console.log(`\n── ${title}: ${command.join(" ")}`);
  const started = Date.now();
  const result = spawnSync(process.execPath, command, { cwd: repoRoot, stdio: "inherit", env: { ...process.env, ...env } });
  console.log(`── ${title}: ${result.status === 0 ? "ok" : `failed (exit ${result.status})`} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return result.status === 0;
}

let passed = 0, failed = 0, skipped = 0;
const steps: [string, boolean][] = [];

steps.push(["typecheck", run("typecheck", [tool("typescript", "bin/tsc"), "--noEmit", "-p", "."])]);
steps.push(["lint", run("lint (eslint, type-aware)", [tool("eslint", "bin/eslint.js"), "."])]);
steps.push(["layering", run("layering (dependency-cruiser)", [tool("dependency-cruiser", "bin/dependency-cruise.mjs"), "--config", ".dependency-cruiser.cjs", "lib", "app", "components"])]);
steps.push(["build", run("build", [tool("next", "dist/bin/next"), "build"], { NEXT_TELEMETRY_DISABLED: "1" })]);

const vitestJson = path.join(tmp, "vitest.json");
steps.push([
  "vitest",
  run("unit, integration and API tests", [
    tool("vitest", "vitest.mjs"),
    "run",
    "--config",
    "lib/testing/vitest.config.ts",
    "--reporter=default",
    "--reporter=json",
    `--outputFile.json=${vitestJson}`,
  ]),
]);
if (existsSync(vitestJson)) {
  const r = JSON.parse(readFileSync(vitestJson, "utf8")) as { numPassedTests: number; numFailedTests: number; numPendingTests: number; numTodoTests: number };
  passed += r.numPassedTests;
  failed += r.numFailedTests;
  skipped += r.numPendingTests + r.numTodoTests;
}

if (!skipE2e && !existsSync("/usr/bin/chromium")) ensureChromium();

if (!skipE2e) {
  const e2eJson = path.join(tmp, "playwright.json");
  steps.push([
    "e2e",
    run("browser tests", [tool("@playwright/test", "cli.js"), "test", "--config", "e2e/playwright.config.ts"], {
      PLAYWRIGHT_JSON_OUTPUT_NAME: e2eJson,
    }),
  ]);
  if (existsSync(e2eJson)) {
    const r = JSON.parse(readFileSync(e2eJson, "utf8")) as { stats: { expected: number; unexpected: number; flaky: number; skipped: number } };
    passed += r.stats.expected + r.stats.flaky;
    failed += r.stats.unexpected;
    skipped += r.stats.skipped;
  }
}

/** The browser tests use Debian's Chromium (Playwright cannot download its own here). */
function ensureChromium() {
  const root = process.getuid?.() === 0;
  console.log(`\n── Chromium is not installed (/usr/bin/chromium)${root ? ": installing Debian's package" : ""}`);
  if (root) {
    const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
    spawnSync("apt-get", ["update", "-qq"], { stdio: "inherit", env });
    spawnSync("apt-get", ["install", "-y", "-qq", "chromium"], { stdio: "inherit", env });
  }
  if (!existsSync("/usr/bin/chromium")) console.log("   install it with: sudo apt-get install -y chromium (or run with --no-e2e)");
}

const failedSteps = steps.filter(([, ok]) => !ok).map(([name]) => name);
console.log(`\nsteps: ${steps.map(([n, ok]) => `${n} ${ok ? "ok" : "FAILED"}`).join(", ")}`);
if (failedSteps.length && failed === 0) failed = failedSteps.length; // a failed build counts as a failure
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exit(failedSteps.length ? 1 : 0);
