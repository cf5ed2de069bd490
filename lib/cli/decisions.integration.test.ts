// `predict` and `decisions report|list|get|replay` as scripts run them: `node lib/cli/bin.mjs …` as a
// child process against the real app (embedded PGlite, filesystem storage, the in-process checks
// worker), with a real ONNX logistic model whose answers are computed independently here.
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sampleEnvelope, sampleModel } from "../checks/testing/sample-envelope.ts";
import { logisticProbability } from "../checks/testing/onnx-builders.ts";
import { repoRoot, startApp, TEST_BOOTSTRAP_TOKEN, type AppServer } from "../testing/app-server.ts";
import { signIn } from "../testing/browser-session.ts";

const bin = path.join(repoRoot, "lib", "cli", "bin.mjs");
const MODEL = "scorer-decisions";

let app: AppServer;
let work: string;
let digest: string;

type Run = { code: number | null; stdout: string; stderr: string };

/**
 * Runs the CLI. `stdin`: a string, an async iterable written chunk by chunk with backpressure (a
 * producer slower than the CLI), or nothing (closed at once).
 */
function cli(args: string[], opts: { env?: Record<string, string>; stdin?: string | AsyncIterable<string>; keepStdinOpen?: boolean } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const env: Record<string, string> = { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", REGISTRY_URL: app.url, REGISTRY_TOKEN: TEST_BOOTSTRAP_TOKEN, ...opts.env };
    const child = spawn(process.execPath, [bin, ...args], { cwd: work, env: env as NodeJS.ProcessEnv, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.stdin.on("error", () => {}); // the CLI may exit (an early answer) before the input ends
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    const input = opts.stdin;
    if (typeof input === "string") child.stdin.write(input);
    if (input === undefined || typeof input === "string") {
      if (!opts.keepStdinOpen) child.stdin.end();
      return;
    }
    void (async () => {
      for await (const chunk of input) {
        if (child.exitCode !== null || child.stdin.destroyed) return;
        if (!child.stdin.write(chunk)) await new Promise((r) => child.stdin.once("drain", r));
      }
      child.stdin.end();
    })().catch(() => {});
  });
}

async function api(pathname: string, init: RequestInit & { token?: string } = {}) {
  const res = await fetch(app.url + pathname, {
    ...init,
    headers: { authorization: `Bearer ${init.token ?? TEST_BOOTSTRAP_TOKEN}`, "content-type": "application/json", ...(init.headers as Record<string, string>) },
  });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

const probability = (row: { score_a: number; score_b: number }) => logisticProbability([row.score_a, row.score_b], sampleModel.weights, sampleModel.bias);
const idsIn = (stdout: string) => [...stdout.matchAll(/^([0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12})\s/gm)].map((m) => m[1]!);

/** A reported decision line, made now by the sample version. */
const reported = (id: string, fields: Record<string, unknown> = {}) =>
  JSON.stringify({ id, manifestDigest: `sha256:${digest}`, at: new Date(Date.now() - 1000).toISOString(), input: { score_a: 0.8, score_b: 0.5 }, output: { label: 1 }, score: 0.92, ...fields }) + "\n";

beforeAll(async () => {
  app = await startApp();
  work = mkdtempSync(path.join(os.tmpdir(), "cli-decisions-"));
  const dir = path.join(work, "envelope");
  mkdirSync(dir);
  const { manifest, files } = sampleEnvelope(MODEL, "1.0.0");
  // The promotion gates read these sections of the card.
  files["MODEL_CARD.md"] = Buffer.from(
    "---\nowner: models@bank.example\n---\n# Scorer\n## Intended use\nTests.\n## Limitations\nSynthetic data only.\n## Fairness\nSee the registry's fairness check.\n",
  );
  for (const [file, bytes] of Object.entries(files)) writeFileSync(path.join(dir, file), bytes);
  writeFileSync(path.join(dir, "manifest.json"), JSON.stringify(manifest));
  const pushed = await cli(["push", dir, "--model", MODEL, "--create-model", "--json"]);
  expect(pushed.code, pushed.stderr).toBe(0);
  digest = JSON.parse(pushed.stdout).manifestDigest;
  // Only versions whose security and validation checks passed are run by the registry.
  const checks = await cli(["checks", `${MODEL}@1.0.0`, "--wait", "--timeout", "3m"]);
  expect(checks.code, checks.stdout + checks.stderr).toBe(0);
}, 240_000);

afterAll(async () => {
  await app?.stop();
  if (app) rmSync(app.dataDir, { recursive: true, force: true });
  if (work) rmSync(work, { recursive: true, force: true });
});

describe("predict", () => {
  const rows = [
    { score_a: 0.8, score_b: 0.5 },
    { score_a: 0.2, score_b: 0.1 },
  ];

  it("runs rows on a version and answers the model's own probabilities, recorded under the request id", async () => {
    const run = await cli(["predict", MODEL, "--version", "1.0.0", "--rows", JSON.stringify(rows), "--request-id", "loan-7", "--metadata", '{"channel":"web"}', "--json"]);
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as { version: string; manifestDigest: string; decisions: { id: string; output: { label: number; probabilities: number[] }; score: number }[] };
    expect([result.version, result.manifestDigest]).toEqual(["1.0.0", digest]);
    expect(result.decisions).toHaveLength(2);
    result.decisions.forEach((d, i) => {
      const p = probability(rows[i]!);
      // ONNX computes in float32; the reference is float64.
      expect(d.score).toBeCloseTo(p, 6);
      expect(d.output.probabilities[1]).toBeCloseTo(p, 6);
      expect(d.output.label).toBe(p >= 0.5 ? 1 : 0);
    });

    const listed = await cli(["decisions", "list", "--request-id", "loan-7", "--json"]);
    expect(listed.code, listed.stderr).toBe(0);
    const items = JSON.parse(listed.stdout).items as { id: string; source: string; metadata: unknown; input: unknown }[];
    expect(items.map((d) => d.id).sort()).toEqual(result.decisions.map((d) => d.id).sort());
    expect(items[0]).toMatchObject({ source: "predict", metadata: { channel: "web" } });
  });

  it("reads JSON lines from stdin and prints a table of decision, outputs and score", async () => {
    const run = await cli(["predict", MODEL, "--version", "1.0.0", "--file", "-"], { stdin: rows.map((r) => JSON.stringify(r)).join("\n\n") + "\n" });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`^${MODEL}@1\\.0\\.0 \\(sha256:${digest}\\): 2 decision\\(s\\) recorded$`, "m"));
    expect(run.stdout).toMatch(/^DECISION\s+LABEL\s+PROBABILITIES\s+SCORE$/m);
    const lines = run.stdout.trim().split("\n").slice(2);
    expect(lines).toHaveLength(2);
    lines.forEach((line, i) => {
      const cells = line.split(/\s{2,}/);
      expect(cells[0]).toMatch(/^[0-9a-f-]{36}$/);
      expect(Number(cells[3])).toBeCloseTo(probability(rows[i]!), 5);
    });
  });

  it("prints every bad field with its row, and its line for JSON lines, and records nothing", async () => {
    const before = (await api(`/api/v1/decisions?model=${MODEL}&limit=200`)).body.items.length;
    const file = path.join(work, "rows.jsonl");
    writeFileSync(file, `${JSON.stringify(rows[0])}\n\n${JSON.stringify({ score_a: 1.5, score_b: "high", age: 41 })}\n`);
    const run = await cli(["predict", MODEL, "--version", "1.0.0", "--file", "rows.jsonl"]); // relative to the working directory
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(/^error: 3 problem\(s\) with the rows; nothing was run or recorded \(HTTP 422 invalid_rows\)$/m);
    expect(run.stderr).toContain("  rows.1.score_a: 1.5 is above the schema's maximum 1 (line 3 of rows.jsonl)\n");
    expect(run.stderr).toContain('  rows.1.score_b: expected a finite number, got the string "high" (line 3 of rows.jsonl)\n');
    expect(run.stderr).toContain("  rows.1.age: 'age' is not a feature of this version's input schema (line 3 of rows.jsonl)\n");
    expect((await api(`/api/v1/decisions?model=${MODEL}&limit=200`)).body.items.length).toBe(before);

    const inline = await cli(["predict", MODEL, "--version", "1.0.0", "--rows", '[{"score_a": 0.5}]']);
    expect(inline.code).toBe(1);
    expect(inline.stderr).toContain("  rows.0.score_b: missing; this feature is not nullable in the input schema\n");
  });

  it("runs the prod alias by default, which is refused while nothing is in prod; usage errors exit 2", async () => {
    const run = await cli(["predict", MODEL, "--rows", JSON.stringify(rows)]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/HTTP 404 alias_not_found/);
    expect((await cli(["predict", MODEL, "--rows", "{not json"])).code).toBe(2);
    expect((await cli(["predict", MODEL, "--rows", '{"score_a": 1}'])).stderr).toMatch(/--rows must be a JSON array/);
    expect((await cli(["predict", MODEL])).stderr).toMatch(/predict needs rows/);
    expect((await cli(["predict", MODEL, "--alias", "prod", "--version", "1.0.0", "--rows", "[]"])).code).toBe(2);
    expect((await cli(["predict", MODEL, "--version", "1.0.0", "--rows", "[{}]", "--metadata", "[1]"])).stderr).toMatch(/--metadata must be a JSON object/);
    const badLine = await cli(["predict", MODEL, "--version", "1.0.0", "--file", "-"], { stdin: '{"score_a": 0.1, "score_b": 0.2}\n{"score_a": \n' });
    expect([badLine.code, badLine.stderr]).toEqual([1, expect.stringMatching(/^error: stdin line 2 is not valid JSON/m)]);
  });
});

describe("decisions report", () => {
  it("streams JSON lines from stdin, stores them, and `decisions list --request-id` finds them", async () => {
    const count = 450;
    async function* lines() {
      // Written in small pieces, some in the middle of a line, as a pipe delivers them.
      for (let i = 0; i < count; i++) {
        const line = reported(`ext-${i}`, { requestId: "batch-a", score: i / count });
        yield line.slice(0, 10);
        yield line.slice(10);
      }
    }
    const run = await cli(["decisions", "report"], { stdin: lines() });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^batch:\s+[0-9a-f-]{36}$/m);
    expect(run.stdout).toMatch(/^received:\s+450$/m);
    expect(run.stdout).toMatch(/^stored:\s+450$/m);
    expect(run.stdout).toMatch(/^duplicates:\s+0$/m);

    const page = await cli(["decisions", "list", "--request-id", "batch-a", "--limit", "200"]);
    expect(page.code, page.stderr).toBe(0);
    expect(page.stdout).toMatch(/^ID\s+AT\s+VERSION\s+SOURCE\s+SCORE\s+OUTPUT\s+REQUEST ID$/m);
    const first = idsIn(page.stdout);
    expect(first).toHaveLength(200);
    expect(page.stdout).toMatch(new RegExp(`^${first[0]}\\s+\\S+\\s+${MODEL}@1\\.0\\.0\\s+reported\\s+[\\d.]+\\s+\\{"label":1\\}\\s+batch-a$`, "m"));
    const cursor = /^more decisions: add --cursor (\S+)$/m.exec(page.stderr)?.[1];
    expect(cursor).toBeDefined();
    const all = new Set(first);
    let next: string | undefined = cursor;
    while (next) {
      const more = await cli(["decisions", "list", "--request-id", "batch-a", "--limit", "200", "--cursor", next]);
      expect(more.code, more.stderr).toBe(0);
      for (const id of idsIn(more.stdout)) all.add(id);
      next = /^more decisions: add --cursor (\S+)$/m.exec(more.stderr)?.[1];
    }
    expect(all.size).toBe(count);
  });

  it("counts a re-sent batch as duplicates, reading a file", async () => {
    const file = path.join(work, "decisions.jsonl");
    writeFileSync(file, reported("dup-1", { requestId: "batch-b" }) + reported("dup-2", { requestId: "batch-b" }));
    const first = await cli(["decisions", "report", "--file", file, "--json"]);
    expect(first.code, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ received: 2, stored: 2, duplicates: 0 });
    const again = await cli(["decisions", "report", "--file", file, "--json"]);
    expect(JSON.parse(again.stdout)).toMatchObject({ received: 2, stored: 0, duplicates: 2 });
    expect((await cli(["decisions", "report", "--file", path.join(work, "missing.jsonl")])).stderr).toMatch(/^error: cannot read .*missing\.jsonl: ENOENT/m);
  });

  it("prints the line the registry refused, and stores nothing of the batch", async () => {
    const body = reported("c-1", { requestId: "batch-c" }) + reported("c-2", { requestId: "batch-c", input: { score_a: 3, score_b: 0.5 } });
    const run = await cli(["decisions", "report"], { stdin: body });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^error: line 2: input\.score_a: 3 is above the schema's maximum 1; nothing of this batch was stored \(HTTP 422 invalid_decision_line\)$/m);
    expect(run.stderr).toContain("  lines.2.input.score_a: 3 is above the schema's maximum 1\n");
    expect((await cli(["decisions", "list", "--request-id", "batch-c"])).stdout).toBe("no decisions\n");
  });

  it("sends lines as they are read: a bad first line is answered while the input is still open", async () => {
    // If the CLI read its input to the end before sending, this would wait for stdin forever.
    const started = Date.now();
    const run = await cli(["decisions", "report"], { stdin: reported("open-1", { manifestDigest: "0".repeat(64) }), keepStdinOpen: true });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("  lines.1.manifestDigest: no version in this registry has this manifest digest\n");
    expect(Date.now() - started).toBeLessThan(30_000);
  });
});

describe("decisions replay and get", () => {
  let predicted: string;

  beforeAll(async () => {
    const run = await cli(["predict", MODEL, "--version", "1.0.0", "--rows", '[{"score_a": 0.75, "score_b": 0.1}]', "--request-id", "replay-me", "--json"]);
    expect(run.code, run.stderr).toBe(0);
    predicted = JSON.parse(run.stdout).decisions[0].id;
  });

  it("replays a predicted decision: identical, both outputs, tolerance, exit 0", async () => {
    const run = await cli(["decisions", "replay", predicted]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^outcome:\s+identical$/m);
    expect(run.stdout).toMatch(/^max \|diff\|:\s+0$/m);
    expect(run.stdout).toMatch(/^tolerance:\s+atol 0\.00001, rtol 0\.0001 \(from test_vectors\.json\)$/m);
    expect(run.stdout).toMatch(/^integrity:\s+manifest verified, artifact verified, signature verified$/m);
    const stored = /^stored:\s+(\{.*\}) {2}score (\S+)$/m.exec(run.stdout);
    const replayed = /^replayed:\s+(\{.*\}) {2}score (\S+)$/m.exec(run.stdout);
    expect(Number(stored?.[2])).toBeCloseTo(probability({ score_a: 0.75, score_b: 0.1 }), 6);
    expect(replayed?.slice(1)).toEqual(stored?.slice(1));

    // The original input may be supplied; another input is refused by its digest.
    const supplied = await cli(["decisions", "replay", predicted, "--input", '{"score_b": 0.1, "score_a": 0.75}', "--json"]);
    expect(supplied.code, supplied.stderr).toBe(0);
    expect(JSON.parse(supplied.stdout).replay).toMatchObject({ outcome: "identical", inputSource: "supplied" });
    const other = await cli(["decisions", "replay", predicted, "--input", '{"score_a": 0.7, "score_b": 0.1}']);
    expect(other.code).toBe(1);
    expect(other.stderr).toMatch(/\(HTTP 422 input_digest_mismatch\)\n {2}input: does not match the stored input digest/);
  });

  it("exits 1 when the replayed outputs differ from the recorded ones", async () => {
    // An external server reported a label and score this model does not give for that input.
    const report = await cli(["decisions", "report", "--json"], { stdin: reported("wrong-1", { requestId: "wrong", input: { score_a: 0.1, score_b: 0.5 }, output: { label: 1 }, score: 0.9 }) });
    expect(report.code, report.stderr).toBe(0);
    const id = JSON.parse((await cli(["decisions", "list", "--request-id", "wrong", "--json"])).stdout).items[0].id as string;
    const run = await cli(["decisions", "replay", id]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^outcome:\s+differs$/m);
    expect(run.stdout).toMatch(/^stored:\s+\{"label":1\} {2}score 0\.9$/m);
    expect(run.stdout).toMatch(/^replayed:\s+\{"label":0,"probabilities":\[.*\]\} {2}score 0\.0\d+$/m);
    expect(run.stderr).toMatch(new RegExp(`^replay of ${id} DIFFERS from the recorded decision`, "m"));
    const json = await cli(["decisions", "replay", id, "--json"]);
    expect([json.code, JSON.parse(json.stdout).replay.outcome]).toEqual([1, "differs"]);
  });

  it("shows the decision with its lineage then (dev, checks passed, signed) and its replays", async () => {
    const run = await cli(["decisions", "get", predicted]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`^decision:\\s+${predicted} \\(predict\\)$`, "m"));
    expect(run.stdout).toMatch(new RegExp(`^version:\\s+${MODEL}@1\\.0\\.0$`, "m"));
    expect(run.stdout).toMatch(new RegExp(`^digest:\\s+sha256:${digest}$`, "m"));
    expect(run.stdout).toMatch(/^actor:\s+bootstrap$/m);
    expect(run.stdout).toMatch(/^request id:\s+replay-me$/m);
    expect(run.stdout).toMatch(/^input:\s+\{"score_a":0\.75,"score_b":0\.1\}$/m);
    expect(run.stdout).toMatch(/^ {2}stage then:\s+dev \(since /m);
    expect(run.stdout).toMatch(/^ {2}prod then:\s+none$/m);
    expect(run.stdout).toMatch(/^ {2}signature:\s+verified \(key [0-9a-f]{16}\)$/m);
    for (const kind of ["security", "validation"]) expect(run.stdout).toMatch(new RegExp(`^ {4}${kind}\\s+pass\\s`, "m"));
    expect(run.stdout).toMatch(/^replays:\n(?: {2}\S+\s+identical\s+max \|diff\| 0\s+input (stored|supplied)\n){2}/m);

    const json = await cli(["decisions", "get", predicted, "--json"]);
    expect(JSON.parse(json.stdout)).toMatchObject({ decision: { id: predicted, version: "1.0.0" }, version: { manifestDigest: digest, stageNow: "dev" }, asOf: { stage: "dev" } });
    expect((await cli(["decisions", "get", "0190c0de-0000-7000-8000-000000000000"])).stderr).toMatch(/HTTP 404 decision_not_found/);
    expect((await cli(["decisions", "get"])).code).toBe(2);
  });

  it("replays a time range as a job and waits for its report: exit 0 when all reproduce, 1 when any differs", async () => {
    const at = JSON.parse((await cli(["decisions", "get", predicted, "--json"])).stdout).decision.at as string;
    const next = new Date(new Date(at).getTime() + 1).toISOString();
    const one = await cli(["decisions", "replay-range", "--model", MODEL, "--version", "1.0.0", "--from", at, "--to", next, "--wait"]);
    expect(one.code, one.stdout + one.stderr).toBe(0);
    expect(one.stdout).toMatch(/^replay job \S+: finished$/m);
    expect(one.stdout).toMatch(/^outcomes:\s+identical [1-9]\d* · within tolerance 0 · differs 0 · not replayable 0$/m);
    // The whole model includes reported decisions whose recorded outputs this version does not give.
    const all = await cli(["decisions", "replay-range", "--model", MODEL, "--wait", "--json"]);
    expect(all.code).toBe(1);
    const job = JSON.parse(all.stdout);
    expect(job.status).toBe("finished");
    expect(job.counts.differs).toBeGreaterThan(0);
    expect(job.differences[0]).toMatchObject({ outcome: "differs", version: "1.0.0" });
    const status = await cli(["decisions", "replay-status", job.id]);
    expect([status.code, status.stdout]).toEqual([1, expect.stringMatching(new RegExp(`^replay job ${job.id}: finished$`, "m"))]);
    expect((await cli(["decisions", "replay-range", "--version", "1.0.0"])).code).toBe(2);
  }, 120_000);
});

describe("decisions on prod", () => {
  it("predicts on the prod alias once promoted, and the lineage names the reviewers who approved it; an earlier decision still shows dev", async () => {
    const before = JSON.parse((await cli(["decisions", "list", "--request-id", "replay-me", "--json"])).stdout).items[0].id as string;

    const staging = await cli(["promote", `${MODEL}@1.0.0`, "--to", "staging", "--reason", "nightly", "--wait", "--timeout", "3m"]);
    expect(staging.code, staging.stdout + staging.stderr).toBe(0);
    const prod = await cli(["promote", `${MODEL}@1.0.0`, "--to", "prod", "--reason", "Q3 release", "--json"]);
    expect(prod.code, prod.stdout + prod.stderr).toBe(0);
    const request = JSON.parse(prod.stdout) as { id: string };
    for (const name of ["dec-rev-a", "dec-rev-b"]) {
      const email = `${name}@example.com`;
      expect((await api("/api/v1/users", { method: "POST", body: JSON.stringify({ email, name, role: "reviewer", password: "reviewer-password-1" }) })).status).toBe(201);
      const { cookie } = await signIn(app.url, email, "reviewer-password-1");
      const minted = await fetch(`${app.url}/api/v1/tokens`, { method: "POST", headers: { cookie, origin: app.url, "content-type": "application/json" }, body: JSON.stringify({ name: "cli", scopes: ["read", "review"] }) });
      const token = ((await minted.json()) as { token: string }).token;
      const approved = await cli(["approve", request.id, "--digest", digest, "--comment", `read by ${name}`], { env: { REGISTRY_TOKEN: token } });
      expect(approved.code, approved.stderr).toBe(0);
    }

    const run = await cli(["predict", MODEL, "--rows", '[{"score_a": 0.8, "score_b": 0.5}]', "--json"]);
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as { version: string; decisions: { id: string; score: number }[] };
    expect(result.version).toBe("1.0.0");
    expect(result.decisions[0]!.score).toBeCloseTo(probability({ score_a: 0.8, score_b: 0.5 }), 6);

    const lineage = await cli(["decisions", "get", result.decisions[0]!.id]);
    expect(lineage.code, lineage.stderr).toBe(0);
    expect(lineage.stdout).toMatch(/^ {2}stage then:\s+prod \(since /m);
    expect(lineage.stdout).toMatch(/^ {2}stage now:\s+prod$/m);
    expect(lineage.stdout).toMatch(new RegExp(`^ {2}prod then:\\s+${MODEL}@1\\.0\\.0 \\(this version\\)$`, "m"));
    expect(lineage.stdout).toMatch(new RegExp(`^ {2}promotion: ${request.id} → prod, promoted \\S+: Q3 release$`, "m"));
    expect(lineage.stdout).toMatch(/^ {4}approve by dec-rev-a@example\.com on sha256:[0-9a-f]{12}… at \S+ — read by dec-rev-a$/m);
    expect(lineage.stdout).toMatch(/^ {4}approve by dec-rev-b@example\.com on sha256:[0-9a-f]{12}… at \S+ — read by dec-rev-b$/m);

    // The decision made before the promotion keeps the stage it was made under.
    const earlier = await cli(["decisions", "get", before]);
    expect(earlier.stdout).toMatch(/^ {2}stage then:\s+dev \(since /m);
    expect(earlier.stdout).toMatch(/^ {2}stage now:\s+prod$/m);
    expect(earlier.stdout).not.toMatch(/promotion:/);
  }, 240_000);
});
