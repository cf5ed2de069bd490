// `npm run bench`: measures the registry against raw baselines taken in the same run and writes
// bench/RESULTS.md (see report.ts for the format, each module's header for what it measures).
//
//   1. production mode (Postgres + s3rver): upload/download throughput vs the raw S3 SDK,
//      server memory during 256 MiB / 1 GiB / 2 GiB uploads, alias resolution vs bare http+pg;
//   2. embedded default (PGlite + filesystem): throughput vs raw disk, server memory;
//   3. checks: the four checks in their sandboxes on a 1,000,000-row evaluation set vs raw onnxruntime;
//   4. scan: the security check on a 10 GiB safetensors file and 3 GiB PyTorch zips (sparse files);
//   5. promotion: the reviewer's pages with 1,000 models × 50 versions and 5,000 requests seeded, and
//      approval → alias moved against a bare transaction (BENCH_ONLY=promotion runs it alone);
//   6. decisions: predict latency and throughput against session.run and a bare handler, ingest,
//      lookups with 10,000,000 decisions seeded, RSS at rest (BENCH_ONLY=decisions runs it alone).
//
// Environment: NEXT_DIST_DIR (default .next-bench: other work builds .next concurrently);
// BENCH_BUILD=1 rebuilds even if a build exists; BENCH_QUICK=1 shrinks every size and duration to
// check the harness itself in under a minute — its report goes to a temp file, never over RESULTS.md;
// BENCH_ONLY=checks runs phase 3 alone (about a minute, no build, no Postgres) and replaces only the
// checks section of RESULTS.md, keeping the other sections of the previous run as they were;
// BENCH_ONLY=scan does the same for phase 4 (about a minute; `df -h /tmp` needs no room: sparse files);
// BENCH_ONLY=alias runs only the alias-resolution comparison (under two minutes; Postgres and a build,
// no s3rver: the registry stores the one small artifact it needs on the filesystem) and replaces its
// section and its row of the summary table.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createS3Client } from "@/lib/storage/s3.ts";
import { repoRoot, startApp, TEST_BOOTSTRAP_TOKEN, type AppServer } from "@/lib/testing/app-server.ts";
import { createTestDatabase } from "@/lib/testing/db.ts";
import { measureAliasResolution } from "./alias.ts";
import { measurePromotion, renderPromotionSection, splicePromotionSection } from "./promotion.ts";
import { measureDecisions, renderDecisionsSection, spliceDecisionsSection } from "./decisions.ts";
import { measureChecks, type ChecksResult } from "./checks.ts";
import { describeMachine } from "./machine.ts";
import { measureUploadMemory } from "./memory.ts";
import { createPayloadFile, type PayloadFile } from "./payload.ts";
import { findAppServerPid, startChildServer } from "./processes.ts";
import { registryApi } from "./registry-client.ts";
import {
  printAliasSummary,
  printChecksSummary,
  printScanSummary,
  printSummary,
  readPrevious,
  renderResults,
  spliceAliasSection,
  spliceChecksSection,
  spliceScanSection,
  type BenchResults,
} from "./report.ts";
import { measureLargeScans, type ScanResult } from "./scan.ts";
import { GiB, MiB } from "./stats.ts";
import { measureFilesystemThroughput, measureS3Throughput } from "./throughput.ts";
import { createWorkspace, type Workspace } from "./workspace.ts";

const quick = process.env.BENCH_QUICK === "1";
const only = process.env.BENCH_ONLY || undefined;
if (only !== undefined && !["checks", "scan", "alias", "promotion", "decisions"].includes(only))
  throw new Error(`BENCH_ONLY=${only}: the phases that run alone are 'checks', 'scan', 'alias', 'promotion' and 'decisions'`);
const SETTINGS = quick
  ? { throughputBytes: 64 * MiB, rounds: 2, memorySizes: [16 * MiB, 32 * MiB, 64 * MiB], aliasSeconds: 3, warmupSeconds: 1 }
  : { throughputBytes: 1 * GiB, rounds: 3, memorySizes: [256 * MiB, 1 * GiB, 2 * GiB], aliasSeconds: 10, warmupSeconds: 8 };
const CHECKS_SETTINGS = quick ? { rows: 50_000, tinyRows: 1000, rawRounds: 2, rounds: 1 } : { rows: 1_000_000, tinyRows: 1000, rawRounds: 3, rounds: 3 };
const SCAN_SETTINGS = quick ? { safetensorsBytes: 1 * GiB, zipStorageBytes: 256 * MiB, rounds: 1 } : { safetensorsBytes: 10 * GiB, zipStorageBytes: 3 * GiB, rounds: 3 };
const ALIAS_CONNECTIONS = 32;
const RESULTS_FILE = fileURLToPath(new URL("./RESULTS.md", import.meta.url));
const THROUGHPUT_MODEL = "bench-throughput";

const started = performance.now();
const log = (line: string) => console.log(`[bench ${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}`);

process.env.NEXT_DIST_DIR ||= ".next-bench"; // startApp passes it on to `next start`
if (!only || only === "alias" || only === "promotion" || only === "decisions") ensureProductionBuild();

// Quick numbers mean nothing: they go to a temp file, never over the committed results.
const resultsFile = quick ? path.join(os.tmpdir(), "registry-bench-quick-RESULTS.md") : RESULTS_FILE;
const workspace = createWorkspace();
try {
  log(`workspace ${workspace.dir}${quick ? " (BENCH_QUICK: harness check only)" : ""}${only ? ` (BENCH_ONLY=${only})` : ""}`);
  if (only === "checks") {
    const checks = await checksPhase(workspace);
    printChecksSummary(checks);
    await writeFile(resultsFile, spliceChecksSection(readPrevious(RESULTS_FILE), checks));
    log(`wrote the checks section of ${path.relative(process.cwd(), resultsFile)} (other sections kept from ${path.relative(process.cwd(), RESULTS_FILE)})`);
  } else if (only === "scan") {
    const scan = await scanPhase(workspace);
    printScanSummary(scan);
    await writeFile(resultsFile, spliceScanSection(readPrevious(RESULTS_FILE), scan));
    log(`wrote the large-artifact scan section of ${path.relative(process.cwd(), resultsFile)} (other sections kept from ${path.relative(process.cwd(), RESULTS_FILE)})`);
  } else if (only === "promotion") {
    const section = await promotionPhase(workspace);
    await writeFile(resultsFile, splicePromotionSection(readPrevious(RESULTS_FILE) ?? "", section));
    log(`wrote the promotion section of ${path.relative(process.cwd(), resultsFile)} (other sections kept)`);
  } else if (only === "decisions") {
    const section = await decisionsPhase(workspace);
    await writeFile(resultsFile, spliceDecisionsSection(readPrevious(RESULTS_FILE) ?? "", section));
    log(`wrote the decisions section of ${path.relative(process.cwd(), resultsFile)} (other sections kept)`);
  } else if (only === "alias") {
    const { alias, machine } = await aliasOnly(workspace);
    printAliasSummary(alias);
    await writeFile(resultsFile, spliceAliasSection(readPrevious(RESULTS_FILE), alias, machine));
    log(`wrote the alias section and summary row of ${path.relative(process.cwd(), resultsFile)} (other sections kept from ${path.relative(process.cwd(), RESULTS_FILE)})`);
  } else {
    await fullRun(workspace);
  }
} finally {
  log("cleaning up (servers, database, temp files)");
  await workspace.cleanup();
}

async function fullRun(workspace: Workspace) {
  const payload = await createPayloadFile(workspace.file("payload.bin"), Math.max(SETTINGS.throughputBytes, ...SETTINGS.memorySizes));
  log(`payload file: ${payload.size / MiB} MiB of random bytes`);

  const production = await productionMode(workspace, payload);
  const embedded = await embeddedMode(workspace, payload);
  // Last, with no registry running: the checks have the two cores to themselves, as a dedicated worker would.
  const checks = await checksPhase(workspace);
  const scan = await scanPhase(workspace);
  const results: BenchResults = {
    machine: production.machine,
    durationSeconds: (performance.now() - started) / 1000,
    throughput: [production.throughput, embedded.throughput],
    memory: [production.memory, embedded.memory],
    alias: production.alias,
    checks,
    scan,
  };
  printSummary(results);
  const promotion = await promotionPhase(workspace);
  const decisions = await decisionsPhase(workspace);
  await writeFile(resultsFile, spliceDecisionsSection(splicePromotionSection(renderResults(results, readPrevious(RESULTS_FILE)), promotion), decisions));
  log(`wrote ${path.relative(process.cwd(), resultsFile)}`);
}

/** The four checks in their sandboxes on a large evaluation set, against raw onnxruntime. */
async function checksPhase(workspace: Workspace): Promise<ChecksResult> {
  log(`checks on ${CHECKS_SETTINGS.rows.toLocaleString("en-US")} rows`);
  return measureChecks(workspace, log, CHECKS_SETTINGS);
}

/** The security check on artifacts far larger than its memory limit (sparse files). */
async function scanPhase(workspace: Workspace): Promise<ScanResult> {
  log(`large-artifact security scan: ${SCAN_SETTINGS.safetensorsBytes / GiB} GiB safetensors, ${SCAN_SETTINGS.zipStorageBytes / GiB} GiB torch zips`);
  return measureLargeScans(workspace, log, SCAN_SETTINGS);
}

/** Postgres + S3 protocol (s3rver): memory, throughput against the raw SDK, alias resolution. */
async function productionMode(workspace: Workspace, payload: PayloadFile) {
  // TMPDIR: s3rver keeps its objects in a temp directory; inside the workspace, an interrupted run cannot leak it.
  const s3 = await startChildServer<{ endpoint: string; bucket: string; env: Record<string, string> }>("./s3rver-process.ts", { TMPDIR: workspace.dir });
  workspace.defer(() => s3.stop());
  const db = await createTestDatabase();
  workspace.defer(() => db.drop());
  if (!db.isRealPostgres) throw new Error("no PostgreSQL server answered: production mode and the alias baseline need one");
  const machine = await describeMachine(workspace.dir, db.url);

  const app = await startRegistry({ DATABASE_URL: db.url!, ...s3.info.env, DATA_DIR: workspace.file("app-s3") });
  workspace.defer(() => app.stop());
  const admin = registryApi(app.url, TEST_BOOTSTRAP_TOKEN);
  await admin.json("POST", "/api/v1/models", { name: THROUGHPUT_MODEL });
  const appPid = findAppServerPid(portOf(app));

  // Memory first, on the freshly started server: the smallest upload shows the baseline, the larger
  // ones whether memory grows with size.
  log("S3 upload memory");
  const memory = await measureUploadMemory({ driver: "s3", api: admin, port: portOf(app), model: THROUGHPUT_MODEL, payload, sizes: SETTINGS.memorySizes, log });

  const s3Client = createS3Client({
    kind: "s3",
    endpoint: s3.info.endpoint,
    bucket: s3.info.bucket,
    region: s3.info.env.S3_REGION!,
    accessKeyId: s3.info.env.S3_ACCESS_KEY_ID,
    secretAccessKey: s3.info.env.S3_SECRET_ACCESS_KEY,
    forcePathStyle: true,
  });
  workspace.defer(() => s3Client.destroy());
  const storeServerBucket = "registry-bench-store-server";
  const storeServer = await startChildServer<{ url: string }>("./store-server.ts", {
    ...s3.info.env,
    READ_BUCKET: s3.info.bucket,
    WRITE_BUCKET: storeServerBucket,
  });
  workspace.defer(() => storeServer.stop());
  log("S3 throughput");
  const throughput = await measureS3Throughput({
    api: admin,
    model: THROUGHPUT_MODEL,
    payload,
    bytes: SETTINGS.throughputBytes,
    rounds: SETTINGS.rounds,
    storeServerUrl: storeServer.info.url,
    pids: { bench: process.pid, registry: appPid, "store-server": storeServer.pid, s3rver: s3.pid },
    log,
    s3: s3Client,
    bucket: s3.info.bucket,
    storeServerBucket,
  });
  await storeServer.stop();

  log("alias resolution");
  const alias = await measureAliasResolution({
    admin,
    appPid,
    db,
    scratchFile: workspace.file("alias-artifact.bin"),
    connections: ALIAS_CONNECTIONS,
    durationSeconds: SETTINGS.aliasSeconds,
    warmupSeconds: SETTINGS.warmupSeconds,
    log,
  });
  await app.stop(); // two registries at once would compete for the two cores
  return { machine, memory, throughput, alias };
}

/** Alias resolution alone: a registry on a fresh Postgres database, its objects on the filesystem. */
/** The reviewer's workspace pages and the deciding transaction, on a seeded Postgres (bench/promotion.ts). */
async function promotionPhase(workspace: Workspace): Promise<string> {
  const db = await createTestDatabase();
  workspace.defer(() => db.drop());
  if (!db.isRealPostgres) throw new Error("no PostgreSQL server answered: the promotion benchmark needs one");
  const machine = await describeMachine(workspace.dir, db.url);
  const app = await startRegistry({ DATABASE_URL: db.url!, DATA_DIR: workspace.file("app-promotion"), CHECK_WORKER_IN_PROCESS: "false" });
  workspace.defer(() => app.stop());
  log("promotion: seeding, pages, approvals");
  const result = await measurePromotion({
    dbUrl: db.url!,
    dataDir: workspace.file("promotion-services"),
    appUrl: app.url,
    adminEmail: "admin@localhost",
    adminPassword: "admin-password-for-tests",
    approvals: quick ? 10 : 60,
    pageSamples: quick ? 5 : 30,
    log,
  });
  await app.stop();
  return renderPromotionSection(result, `${machine.cpu}, ${machine.cores} cores, ${machine.memory}, ${machine.postgres}, Node ${machine.node}`, machine.date);
}

/** Predict, ingest, lookups at 10 M decisions and RSS at rest, on Postgres (bench/decisions.ts). */
async function decisionsPhase(workspace: Workspace): Promise<string> {
  const db = await createTestDatabase();
  workspace.defer(() => db.drop());
  if (!db.isRealPostgres) throw new Error("no PostgreSQL server answered: the decisions benchmark needs one");
  await db.prisma.$disconnect();
  const machine = await describeMachine(workspace.dir, db.url);
  const result = await measureDecisions({ dbUrl: db.url!, dataDir: (name) => workspace.file(name), start: startRegistry, quick, log });
  return renderDecisionsSection(result, `${machine.cpu}, ${machine.cores} cores, ${machine.memory}, ${machine.postgres}, Node ${machine.node}`, machine.date);
}

async function aliasOnly(workspace: Workspace) {
  const db = await createTestDatabase();
  workspace.defer(() => db.drop());
  if (!db.isRealPostgres) throw new Error("no PostgreSQL server answered: the alias baseline needs one");
  const machine = await describeMachine(workspace.dir, db.url);
  // No checks worker in the registry: the four checks of the bench's artifact would otherwise run in
  // child processes during the warm-up and the measurement, competing for the two cores.
  const app = await startRegistry({ DATABASE_URL: db.url!, DATA_DIR: workspace.file("app-alias"), CHECK_WORKER_IN_PROCESS: "false" });
  workspace.defer(() => app.stop());
  log("alias resolution");
  const alias = await measureAliasResolution({
    admin: registryApi(app.url, TEST_BOOTSTRAP_TOKEN),
    appPid: findAppServerPid(portOf(app)),
    db,
    scratchFile: workspace.file("alias-artifact.bin"),
    connections: ALIAS_CONNECTIONS,
    durationSeconds: SETTINGS.aliasSeconds,
    warmupSeconds: SETTINGS.warmupSeconds,
    log,
  });
  await app.stop();
  return { alias, machine };
}

/** The embedded default (PGlite + filesystem under DATA_DIR): memory, throughput against raw disk. */
async function embeddedMode(workspace: Workspace, payload: PayloadFile) {
  const dataDir = workspace.file("app-fs");
  const app = await startRegistry({ DATA_DIR: dataDir });
  workspace.defer(() => app.stop());
  const admin = registryApi(app.url, TEST_BOOTSTRAP_TOKEN);
  await admin.json("POST", "/api/v1/models", { name: THROUGHPUT_MODEL });

  log("filesystem upload memory");
  const memory = await measureUploadMemory({ driver: "filesystem", api: admin, port: portOf(app), model: THROUGHPUT_MODEL, payload, sizes: SETTINGS.memorySizes, log });

  const storeServerDir = workspace.file("store-server-objects");
  const storeServer = await startChildServer<{ url: string }>("./store-server.ts", {
    READ_DIR: path.join(dataDir, "objects"),
    WRITE_DIR: storeServerDir,
  });
  workspace.defer(() => storeServer.stop());
  log("filesystem throughput");
  const throughput = await measureFilesystemThroughput({
    api: admin,
    model: THROUGHPUT_MODEL,
    payload,
    bytes: SETTINGS.throughputBytes,
    rounds: SETTINGS.rounds,
    storeServerUrl: storeServer.info.url,
    pids: { bench: process.pid, registry: findAppServerPid(portOf(app)), "store-server": storeServer.pid },
    log,
    dataDir,
    scratchDir: workspace.dir,
    storeServerDir,
  });
  await storeServer.stop();
  await app.stop();
  return { memory, throughput };
}

/** startApp, with a stop() that may be called twice (once mid-run, once by the cleanup). */
async function startRegistry(env: Record<string, string>): Promise<AppServer> {
  mkdirSync(env.DATA_DIR!, { recursive: true });
  const app = await startApp({ ...env, LOG_LEVEL: "warn" });
  let stopped: Promise<void> | undefined;
  return { ...app, stop: () => (stopped ??= app.stop()) };
}

function portOf(app: AppServer): number {
  return Number(new URL(app.url).port);
}

/** Builds when there is no build yet, or when BENCH_BUILD=1 (an existing build may predate the code). */
function ensureProductionBuild(): void {
  const distDir = process.env.NEXT_DIST_DIR!;
  const exists = existsSync(path.join(repoRoot, distDir, "BUILD_ID"));
  if (exists && process.env.BENCH_BUILD !== "1") return;
  log(`${exists ? "BENCH_BUILD=1" : `no production build in ${distDir}`}: running next build (a few minutes)`);
  const nextBin = createRequire(import.meta.url).resolve("next/dist/bin/next");
  const build = spawnSync(process.execPath, [nextBin, "build"], { cwd: repoRoot, stdio: "inherit", env: process.env });
  if (build.status !== 0) throw new Error(`next build failed (exit ${build.status})`);
}
