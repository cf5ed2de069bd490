// Alias resolution, the serving hot path: GET /api/v1/models/{model}/aliases/prod with a real API
// token (looked up by hash, like every CI/serving client), under autocannon load, against the bare
// node:http + pg handler in alias-baseline-server.ts answering the same request from the same
// database. Promotions (which move aliases) do not exist yet, so the Alias row is inserted directly.
import { writeFile } from "node:fs/promises";
import autocannon from "autocannon";
import type { TestDatabase } from "@/lib/testing/db.ts";
import { sha256OfFile } from "./payload.ts";
import { meterCpu, startChildServer } from "./processes.ts";
import { registryApi, uploadArtifact, type Api } from "./registry-client.ts";

export type LoadResult = {
  target: string;
  requestsPerSecond: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  requests: number;
  non2xx: number;
  errors: number;
  /** CPU time the server process spent per answered request. */
  serverCpuMsPerRequest: number;
  /** Cores' worth of CPU used meanwhile by the load generator, and by everything else (incl. Postgres). */
  clientCores: number;
  otherCores: number;
};

export type AliasResult = {
  connections: number;
  durationSeconds: number;
  warmupSeconds: number;
  registry: LoadResult;
  parity: LoadResult;
  joined: LoadResult;
};

const MODEL = "bench-alias";
const ALIAS = "prod";

export async function measureAliasResolution(opts: {
  admin: Api;
  /** The registry's server process, for CPU accounting. */
  appPid: number;
  db: TestDatabase;
  scratchFile: string;
  connections: number;
  durationSeconds: number;
  warmupSeconds: number;
  log: (line: string) => void;
}): Promise<AliasResult> {
  const { admin, db, log } = opts;
  const token = await setUp(admin, db, opts.scratchFile);
  const baseline = await startChildServer<{ url: string }>("./alias-baseline-server.ts", { DATABASE_URL: db.url!, POOL_SIZE: "10" });
  try {
    const path = `/api/v1/models/${MODEL}/aliases/${ALIAS}`;
    const targets = [
      { target: "registry", url: admin.baseUrl + path, pid: opts.appPid },
      { target: "bare node:http + pg (4 statements, ORM-style)", url: baseline.info.url + path, pid: baseline.pid },
      { target: "bare node:http + pg (same 2 joined statements as the registry)", url: `${baseline.info.url}/joined${path}`, pid: baseline.pid },
    ];
    // The three must give the same answer, or the comparison means nothing (a harness check).
    const answers = await Promise.all(targets.map(async (t) => (await registryApi(t.url, token).json("GET", "")) as object));
    for (const answer of answers.slice(1))
      if (JSON.stringify(answer) !== JSON.stringify(answers[0])) throw new Error(`baseline answers ${JSON.stringify(answer)}, registry ${JSON.stringify(answers[0])}`);

    const results: LoadResult[] = [];
    for (const t of targets) {
      await load(t.url, token, opts.connections, opts.warmupSeconds); // JIT, pools, caches
      const cpu = meterCpu({ client: process.pid, server: t.pid });
      const result = await load(t.url, token, opts.connections, opts.durationSeconds);
      const usage = cpu.stop();
      results.push({
        target: t.target,
        ...result,
        serverCpuMsPerRequest: (usage.byProcess.server! * 1000) / result.requests,
        clientCores: usage.byProcess.client! / usage.wallSeconds,
        otherCores: usage.others / usage.wallSeconds,
      });
      log(`alias ${t.target}: ${result.requestsPerSecond.toFixed(0)} req/s, p99 ${result.latencyP99Ms} ms`);
    }
    return {
      connections: opts.connections,
      durationSeconds: opts.durationSeconds,
      warmupSeconds: opts.warmupSeconds,
      registry: results[0]!,
      parity: results[1]!,
      joined: results[2]!,
    };
  } finally {
    await baseline.stop();
  }
}

/** A model with one version, the alias on it, and a read-only token of a viewer. */
async function setUp(admin: Api, db: TestDatabase, scratchFile: string): Promise<string> {
  await admin.json("POST", "/api/v1/models", { name: MODEL });
  await writeFile(scratchFile, Buffer.alloc(4096, 7));
  await uploadArtifact(admin, { model: MODEL, version: "1.0.0", file: scratchFile, size: 4096, sha256: await sha256OfFile(scratchFile, 4096) });
  const model = await db.prisma.model.findUniqueOrThrow({ where: { name: MODEL }, select: { id: true } });
  const version = await db.prisma.modelVersion.findUniqueOrThrow({ where: { modelId_version: { modelId: model.id, version: "1.0.0" } }, select: { id: true } });
  await db.prisma.alias.create({ data: { modelId: model.id, name: ALIAS, versionId: version.id } });
  await admin.json("POST", "/api/v1/users", { email: "bench-reader@example.com", name: "Bench reader", role: "viewer" });
  const created = await admin.json<{ token: string }>("POST", "/api/v1/tokens", { name: "bench", scopes: ["read"], userEmail: "bench-reader@example.com" });
  return created.token;
}

type Load = Pick<LoadResult, "requestsPerSecond" | "latencyP50Ms" | "latencyP99Ms" | "requests" | "non2xx" | "errors">;

async function load(url: string, token: string, connections: number, duration: number): Promise<Load> {
  const result = await autocannon({ url, connections, duration, headers: { authorization: `Bearer ${token}` } });
  return {
    requestsPerSecond: result.requests.average,
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}
