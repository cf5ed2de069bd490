// The checks engine end to end, without the web server: an upload through the real service queues
// runs in its transaction, pg-boss carries them to a worker, each check runs in a sandboxed child
// process and its outcome is stored once, audited, and summarised on the version. Real Postgres,
// real files, real onnxruntime.
import { spawn, type ChildProcess } from "node:child_process";
import { Readable } from "node:stream";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { envelopeForm } from "../../api/__tests__/envelope-fixture.ts";
import type { Actor } from "../../auth/roles.ts";
import { parseConfig, type Config } from "../../config/index.ts";
import { createModel } from "../../registry/models.ts";
import { uploadVersion } from "../../registry/upload-version.ts";
import { getVersionDetail } from "../../registry/versions.ts";
import { closeServices, createServices, type Services } from "../../server/services.ts";
import { repoRoot, stopChild } from "../../testing/app-server.ts";
import { createTestDatabase, type TestDatabase } from "../../testing/db.ts";
import { listCheckRuns } from "../list-check-runs.ts";
import { requestChecksOnRegistration, rerunChecks } from "../request-checks.ts";
import { withChecks } from "../version-view.ts";
import { runCheckInSandbox } from "../sandbox/run-in-sandbox.ts";
import { sampleEnvelope } from "../testing/sample-envelope.ts";
import { pickle, safetensors } from "../security/test-builders.ts";
import { updateModelPolicy } from "../../policy/stage-policy.ts";
import { finishCheckRun, type ClaimedRun } from "../record-check-result.ts";
import { createObjectStore } from "../../storage/index.ts";

const admin: Actor = { type: "bootstrap", id: "bootstrap", email: "bootstrap@localhost", role: "admin", scopes: ["read", "write", "review", "admin"] };

let db: TestDatabase;
let dataDir: string;
let env: Record<string, string>;

function configFor(extra: Record<string, string> = {}): Config {
  return parseConfig({ ...env, ...extra });
}

async function upload(services: Services, model: string, version: string, envelope = sampleEnvelope(model, version)) {
  const request = new Request("http://registry.test/upload", { method: "POST", body: envelopeForm(envelope.manifest, envelope.files) });
  return uploadVersion(services, {
    actor: admin,
    model,
    contentType: request.headers.get("content-type"),
    contentLength: null,
    body: request.body,
  });
}

async function waitForChecks(services: Services, model: string, version: string, timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const checks = await listCheckRuns(services.prisma, { model, version });
    if (checks.latest.length === 4 && checks.latest.every((r) => r.status === "finished")) return checks;
    if (Date.now() > deadline) throw new Error(`checks did not finish: ${JSON.stringify(checks.latest.map((r) => [r.kind, r.status, r.summary]))}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

beforeAll(async () => {
  db = await createTestDatabase();
  dataDir = mkdtempSync(path.join(os.tmpdir(), "registry-checks-"));
  env = {
    DATA_DIR: dataDir,
    ...(db.url ? { DATABASE_URL: db.url } : {}),
    REGISTRY_ADMIN_PASSWORD: "admin-password-for-tests",
    CHECK_SUPERVISE_SECONDS: "1",
    CHECK_HEARTBEAT_SECONDS: "10",
    LOG_LEVEL: "warn",
  };
  await db.prisma.$disconnect();
});

afterAll(async () => {
  await db?.drop();
});

describe("checks engine", () => {
  let services: Services;
  beforeAll(async () => {
    services = await createServices(configFor(), { announce: false, worker: true });
    await createModel(services.prisma, { actor: admin, name: "scorer" });
  });
  afterAll(async () => {
    if (services) await closeServices(services);
  });

  it("queues all four checks in the upload's transaction and a worker gives every one a verdict", async () => {
    const result = await upload(services, "scorer", "1.0.0");
    expect(result.version.status).toBe("checking");
    expect((await withChecks(services.prisma, result.versionId, result.version)).checks.latest.map((r) => r.kind)).toEqual(["validation", "fairness", "adversarial", "security"]);

    const checks = await waitForChecks(services, "scorer", "1.0.0");
    const verdicts = Object.fromEntries(checks.latest.map((r) => [r.kind, r.verdict]));
    expect(verdicts, JSON.stringify(checks.latest.map((r) => [r.kind, r.summary, r.findings]), null, 1)).toEqual({
      validation: "pass",
      fairness: "pass",
      adversarial: "pass",
      security: "pass",
    });
    expect(checks.state).toBe("passed");
    for (const run of checks.latest) {
      expect(run.attempts).toBe(1);
      expect(run.durationMs).toBeGreaterThan(0);
      expect(run.inputsDigest).toMatch(/^[0-9a-f]{64}$/);
    }
    const version = await getVersionDetail(services.prisma, "scorer", "1.0.0");
    expect(version.status).toBe("checked");

    const events = await services.prisma.auditEvent.findMany({ where: { subjectId: "scorer@1.0.0" }, orderBy: { seq: "asc" } });
    expect(events.map((e) => e.action).filter((a) => a === "check.finished")).toHaveLength(4);
    expect(events.map((e) => e.action)).toContain("checks.requested");
  });

  it("a rerun adds history with the model's current policy and never overwrites the earlier result", async () => {
    const before = await waitForChecks(services, "scorer", "1.0.0");
    const earlier = before.latest.find((r) => r.kind === "fairness")!;
    // A policy no model can pass: the rerun must fail while the first result stays as it was.
    await updateModelPolicy(services.prisma, { actor: admin, name: "scorer", overrides: { thresholds: { fairness: { minDemographicParityRatio: 1 } } } });
    const runs = await rerunChecks(services.prisma, { actor: admin, model: "scorer", version: "1.0.0", kinds: ["fairness"], onChecksChanged: services.onChecksChanged });
    await services.checkQueue.dispatch(runs.map((r) => r.id));
    const after = await waitForChecks(services, "scorer", "1.0.0");
    const rerun = after.latest.find((r) => r.kind === "fairness")!;
    expect(rerun.id).not.toBe(earlier.id);
    expect(rerun.verdict).toBe("fail");
    expect(rerun.thresholds).toMatchObject({ minDemographicParityRatio: 1 });
    expect(rerun.inputsDigest).not.toBe(earlier.inputsDigest);
    const history = after.history.filter((r) => r.kind === "fairness");
    expect(history.map((r) => r.id)).toEqual([rerun.id, earlier.id]);
    expect(history[1]!.verdict).toBe("pass");
    expect(after.state).toBe("failed");
    expect((await getVersionDetail(services.prisma, "scorer", "1.0.0")).status).toBe("failed");
    await updateModelPolicy(services.prisma, { actor: admin, name: "scorer", overrides: {} });
  });

  it("the database refuses to change a finished result", async () => {
    const checks = await waitForChecks(services, "scorer", "1.0.0");
    const run = checks.latest[0]!;
    await expect(services.prisma.checkRun.update({ where: { id: run.id }, data: { verdict: "fail" } })).rejects.toThrow(/finished/);
    await expect(services.prisma.checkRun.delete({ where: { id: run.id } })).rejects.toThrow(/cannot be deleted/);
  });
});

describe("jobs that were never sent", () => {
  it("are sent by a worker's sweep: a crash between the upload's commit and the send loses nothing", async () => {
    // An upload whose process "died" right after commit: runs queued, no job in pg-boss.
    const web = await createServices(configFor({ CHECK_WORKER_IN_PROCESS: "false" }), { announce: false, worker: false });
    let worker: Services | undefined;
    try {
      await createModel(web.prisma, { actor: admin, name: "unsent" });
      await upload({ ...web, onVersionRegistered: requestChecksOnRegistration({ dispatch: async () => {} }) }, "unsent", "1.0.0");
      const runs = await web.prisma.checkRun.findMany({ where: { version: { model: { name: "unsent" } } }, select: { id: true } });
      expect(runs).toHaveLength(4);
      expect(await web.checkQueue.jobStates(runs.map((r) => r.id))).toEqual(new Map());

      worker = await createServices(configFor(), { announce: false, worker: true });
      const checks = await waitForChecks(web, "unsent", "1.0.0");
      expect(checks.latest.map((r) => r.verdict)).toEqual(["pass", "pass", "pass", "pass"]);
      expect([...(await web.checkQueue.jobStates(runs.map((r) => r.id))).values()]).toEqual(["completed", "completed", "completed", "completed"]);
    } finally {
      if (worker) await closeServices(worker);
      await closeServices(web);
    }
  });
});

describe("storing results", () => {
  it("keeps results that quote NUL bytes (shown as ␀) instead of failing to store them forever", async () => {
    const services = await createServices(configFor({ CHECK_WORKER_IN_PROCESS: "false" }), { announce: false, worker: false });
    try {
      await createModel(services.prisma, { actor: admin, name: "nul-bytes" });
      await upload(services, "nul-bytes", "1.0.0");
      const run = await services.prisma.checkRun.findFirstOrThrow({ where: { version: { model: { name: "nul-bytes" } }, kind: "security" } });
      const stored = await finishCheckRun(services.prisma, {
        runId: run.id,
        workerId: "test",
        outcome: {
          verdict: "fail",
          summary: "model.pkl imports os\u0000.system",
          metrics: { "name\u0000": ["v\u0000"] },
          findings: [{ severity: "error", code: "pickle_dangerous_import", message: "a\u0000b" }],
        },
        log: "line\u0000",
        startedAt: new Date(),
      });
      expect(stored).toBe(true);
      const row = await services.prisma.checkRun.findUniqueOrThrow({ where: { id: run.id } });
      expect(row).toMatchObject({ status: "finished", summary: "model.pkl imports os\u2400.system", metrics: { "name\u2400": ["v\u2400"] }, log: "line\u2400" });
      expect((row.findings as { message: string }[])[0]!.message).toBe("a\u2400b");
    } finally {
      await closeServices(services);
    }
  });
});

describe("sandbox limits", () => {
  const run: ClaimedRun = {
    id: "00000000-0000-4000-8000-000000000000",
    kind: "security",
    attempt: 1,
    seed: 1,
    thresholds: { maxArtifactBytes: 1024, pickleAllowList: [] },
    version: { id: "v", model: "m", version: "1.0.0", manifestDigest: "0".repeat(64), manifest: { name: "m", version: "1.0.0", artifact: { path: "a.bin", format: "other" } } },
    files: [],
  };

  it("a check that exceeds its time limit ends as an error that says so", async () => {
    const { outcome } = await runCheckInSandbox(run, { timeoutMs: 50, memoryLimitBytes: 1024 ** 3 });
    expect(outcome.verdict).toBe("error");
    expect(outcome.findings[0]!.code).toBe("check_timeout");
    expect(outcome.summary).toMatch(/did not finish within its time limit/);
  });

  it("delivers a large result whole (the child waits until it is written before leaving)", async () => {
    // 3000 unlisted, never-called imports: a pass with 3000 warnings, several hundred KB of result.
    const builder = pickle().proto(2);
    for (let i = 0; i < 3000; i++) builder.global(`vendor_module_${i}`, `Helper${i}`).pop();
    const bytes = Buffer.from(builder.none().stop().bytes());
    const dir = mkdtempSync(path.join(os.tmpdir(), "registry-sandbox-store-"));
    const storage = { kind: "filesystem" as const, dir };
    const store = createObjectStore(storage);
    await store.ensureReady();
    const { digest, size } = await store.putBlob(Readable.from([bytes]));
    const big: ClaimedRun = {
      ...run,
      version: { ...run.version, manifest: { name: "m", version: "1.0.0", artifact: { path: "model.pkl", format: "pickle" } } },
      thresholds: { maxArtifactBytes: 1024 ** 2, pickleAllowList: [] },
      files: [{ path: "model.pkl", sha256: digest, size }],
    };
    const { outcome } = await runCheckInSandbox(big, { timeoutMs: 60_000, memoryLimitBytes: 1024 ** 3, storage });
    expect(outcome.summary).not.toMatch(/ended without a result/);
    expect(JSON.stringify(outcome).length).toBeGreaterThan(200_000);
    expect(outcome.findings.filter((f) => f.message.includes("vendor_module_2999"))).not.toHaveLength(0);
  });

  it("the child scans with the worker's scan limit, reading the store by ranges", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "registry-sandbox-store-"));
    const storage = { kind: "filesystem" as const, dir };
    const store = createObjectStore(storage);
    await store.ensureReady();
    const put = async (file: string, bytes: Uint8Array) => {
      const { digest, size } = await store.putBlob(Readable.from([Buffer.from(bytes)]));
      return { path: file, sha256: digest, size };
    };
    const pkl = await put("extra.pkl", pickle().proto(2).global("mylib", "Thing").pop().none().stop().bytes());
    const st = await put("model.safetensors", safetensors({ w: { dtype: "F32", shape: [4], data_offsets: [0, 16] } }, new Uint8Array(16)));
    const versionOf = (artifact: string) => ({ ...run.version, manifest: { name: "m", version: "1.0.0", artifact: { path: artifact, format: artifact.endsWith(".pkl") ? "pickle" : "safetensors" } } });
    const limits = { timeoutMs: 60_000, memoryLimitBytes: 1024 ** 3, storage };

    try {
      const tight = await runCheckInSandbox({ ...run, version: versionOf("extra.pkl"), files: [pkl] }, { ...limits, maxScanBytes: pkl.size - 1 });
      expect(tight.outcome.findings.map((f) => f.code)).toEqual(["artifact_too_large"]);
      expect(tight.outcome.metrics).toMatchObject({ scanLimitBytes: pkl.size - 1, limitBytes: pkl.size - 1 });

      const both = await runCheckInSandbox({ ...run, version: versionOf("model.safetensors"), files: [st, pkl] }, { ...limits, maxScanBytes: 1024 ** 2 });
      expect(both.outcome.verdict, both.outcome.summary).toBe("pass");
      expect(both.outcome.metrics).toMatchObject({ safetensors: { tensors: 1, dataBytes: 16 }, extraFilesScanned: ["extra.pkl"], scanLimitBytes: 1024 ** 2 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a check that exceeds its memory limit ends as an error that says so", async () => {
    // Node alone needs more than 16 MiB resident, so the watchdog must stop it.
    const { outcome, peakRssBytes } = await runCheckInSandbox(run, { timeoutMs: 60_000, memoryLimitBytes: 16 * 1024 * 1024 });
    expect(outcome.verdict).toBe("error");
    expect(outcome.findings[0]!.code).toBe("check_memory_limit");
    expect(outcome.summary).toMatch(/more than its limit of 16 MiB/);
    expect(peakRssBytes).toBeGreaterThan(16 * 1024 * 1024);
  });
});

describe("a worker killed mid-check", () => {
  it("loses nothing: another worker re-runs the job and every run is finished exactly once", async () => {
    if (!db.url) throw new Error("this test needs Postgres (separate worker processes cannot share the embedded database)");
    // The web side: uploads only, no worker in this process.
    const web = await createServices(configFor({ CHECK_WORKER_IN_PROCESS: "false" }), { announce: false, worker: false });
    const workers: ChildProcess[] = [];
    const startWorker = () => {
      const child = spawn(process.execPath, ["--import", "tsx", "lib/server/worker-cli.ts"], {
        cwd: repoRoot,
        env: { ...process.env, ...env, CHECK_CONCURRENCY: "1" },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let output = "";
      child.stdout!.on("data", (d: Buffer) => (output += d));
      child.stderr!.on("data", (d: Buffer) => (output += d));
      workers.push(child);
      return { child, output: () => output };
    };
    try {
      await createModel(web.prisma, { actor: admin, name: "killed" });
      await upload(web, "killed", "1.0.0");

      const first = startWorker();
      // Wait until the first worker is inside a check, then kill it without warning.
      let victim: { id: string; kind: string } | undefined;
      const deadline = Date.now() + 60_000;
      while (!victim) {
        if (Date.now() > deadline) throw new Error(`the worker never started a check:\n${first.output()}`);
        victim = (await web.prisma.checkRun.findFirst({ where: { status: "running", version: { model: { name: "killed" } } }, select: { id: true, kind: true } })) ?? undefined;
        if (!victim) await new Promise((r) => setTimeout(r, 25));
      }
      first.child.kill("SIGKILL");
      await new Promise((r) => first.child.once("exit", r));
      const orphan = await web.prisma.checkRun.findUniqueOrThrow({ where: { id: victim.id } });
      expect(orphan.status).toBe("running");
      expect(orphan.verdict).toBeNull();

      const second = startWorker();
      const checks = await waitForChecks(web, "killed", "1.0.0", 120_000).catch((error: Error) => {
        throw new Error(`${error.message}\nsecond worker:\n${second.output()}`);
      });
      const rerun = checks.latest.find((r) => r.id === victim!.id)!;
      expect(rerun.status).toBe("finished");
      expect(rerun.attempts).toBeGreaterThanOrEqual(2);
      expect(checks.latest.every((r) => r.verdict === "pass")).toBe(true);
      // Exactly one result per run: four runs, four audit events, no duplicates.
      const all = await web.prisma.checkRun.findMany({ where: { version: { model: { name: "killed" } } } });
      expect(all).toHaveLength(4);
      const finished = await web.prisma.auditEvent.findMany({ where: { subjectId: "killed@1.0.0", action: "check.finished" } });
      expect(finished).toHaveLength(4);
      expect(new Set(finished.map((e) => (e.payload as { runId: string }).runId)).size).toBe(4);
    } finally {
      for (const w of workers) await stopChild(w);
      await closeServices(web);
    }
  }, 180_000);
});
