// `predict` and `decisions report | list | get | replay`: running rows through a registered model and
// reading the decisions ledger from a terminal or a script. The registry validates, runs, records and
// compares; these read the caller's input, send it, and print what came back.
import { open, readFile } from "node:fs/promises";
import type { DecisionLineage, DecisionView, ReplayJobView, ReplayResult } from "../decisions/views.ts";
import { MAX_JSON_BODY_BYTES } from "../http/json-body.ts";
import { CommandFailure, UsageError } from "./errors.ts";
import { formatTable } from "./format.ts";
import { RegistryHttpError, versionPath, type RegistryClient } from "./http-client.ts";

export type PredictResult = {
  model: string;
  version: string;
  manifestDigest: string;
  decisions: { id: string; output: Record<string, unknown>; score: number | null }[];
};

export type ReportResult = { batchId: string; received: number; stored: number; duplicates: number };

export type DecisionFilter = { model?: string; version?: string; from?: string; to?: string; requestId?: string; source?: string; limit?: number; cursor?: string };

// ── input ────────────────────────────────────────────────────────────────────────────────────────

/** Rows to predict, and where each came from when that is worth naming in an error ("line 4 of rows.jsonl"). */
export type Rows = { rows: unknown[]; origins?: string[] };

/**
 * Rows from `--rows '<JSON array>'`, or from a file (`-`: stdin) holding a JSON array or JSON lines
 * (one row per line, blank lines skipped). Only JSON syntax is checked here; whether a row fits the
 * version's input schema is the registry's call (422 naming rows.<i>.<feature>).
 */
export async function readRows(opts: { rows?: string; file?: string; stdin: NodeJS.ReadableStream }): Promise<Rows> {
  if (opts.rows !== undefined && opts.file !== undefined) throw new UsageError("give --rows or --file, not both", "predict");
  if (opts.rows !== undefined) {
    const value = parseJson(opts.rows, "--rows", "predict");
    if (!Array.isArray(value)) throw new UsageError("--rows must be a JSON array of rows, e.g. '[{\"age\": 41}]'", "predict");
    return { rows: value };
  }
  if (opts.file === undefined) throw new UsageError("predict needs rows: --rows '<JSON array>' or --file <path> ('-' reads stdin)", "predict");
  const name = opts.file === "-" ? "stdin" : opts.file;
  const text = opts.file === "-" ? await readBounded(opts.stdin, name) : await readFileBounded(opts.file);
  if (/^\s*\[/.test(text)) {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new CommandFailure(`${name} is not a valid JSON array: ${(error as Error).message}`);
    }
    if (!Array.isArray(value)) throw new CommandFailure(`${name} is not a JSON array of rows`);
    return { rows: value };
  }
  const rows: unknown[] = [];
  const origins: string[] = [];
  text.split("\n").forEach((raw, i) => {
    const line = raw.replace(/\r$/, "");
    if (!line.trim()) return;
    try {
      rows.push(JSON.parse(line));
    } catch (error) {
      throw new CommandFailure(`${name} line ${i + 1} is not valid JSON: ${(error as Error).message}`, [
        "give a JSON array of rows, or one row (a JSON object) per line",
      ]);
    }
    origins.push(`line ${i + 1} of ${name}`);
  });
  if (!rows.length) throw new CommandFailure(`${name} holds no rows`);
  return { rows, origins };
}

/** A JSON object from an option (`--metadata`, `--input`); anything else is a usage error. */
export function parseJsonObject(text: string | undefined, option: string, command: string): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  const value = parseJson(text, option, command);
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new UsageError(`${option} must be a JSON object`, command);
  return value as Record<string, unknown>;
}

function parseJson(text: string, option: string, command: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${option} is not valid JSON: ${(error as Error).message}`, command);
  }
}

// A predict request is one JSON body, which the registry limits to MAX_JSON_BODY_BYTES: reading more
// than that would only hold memory for a request that cannot succeed.
const tooMuch = (name: string) =>
  new CommandFailure(`${name} is larger than a predict request may be (${MAX_JSON_BODY_BYTES} bytes of JSON); split the rows into several calls`);

async function readFileBounded(file: string): Promise<string> {
  let handle;
  try {
    handle = await open(file, "r");
  } catch (error) {
    throw new CommandFailure(`cannot read ${file}: ${(error as Error).message}`);
  }
  try {
    if ((await handle.stat()).size > MAX_JSON_BODY_BYTES) throw tooMuch(file);
    return await readFile(handle, "utf8");
  } finally {
    await handle.close();
  }
}

async function readBounded(stream: NodeJS.ReadableStream, name: string): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream as AsyncIterable<Buffer | string>) {
    const bytes = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
    size += bytes.length;
    if (size > MAX_JSON_BODY_BYTES) throw tooMuch(name);
    chunks.push(bytes);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * The body of `decisions report`: a file or stdin as a stream, never read whole. The file is opened
 * first so a wrong path fails before any request is made.
 */
export async function openDecisionLines(file: string | undefined, stdin: NodeJS.ReadableStream): Promise<{ body: AsyncIterable<Buffer>; name: string }> {
  if (file === undefined || file === "-") return { body: stdin as AsyncIterable<Buffer>, name: "stdin" };
  try {
    const handle = await open(file, "r");
    return { body: handle.createReadStream(), name: file };
  } catch (error) {
    throw new CommandFailure(`cannot read ${file}: ${(error as Error).message}`);
  }
}

// ── requests ─────────────────────────────────────────────────────────────────────────────────────

export async function predictRows(
  client: RegistryClient,
  opts: { model: string; alias?: string; version?: string; rows: Rows; requestId?: string; metadata?: Record<string, unknown> },
): Promise<PredictResult> {
  const query = new URLSearchParams(opts.version !== undefined ? { version: opts.version } : opts.alias !== undefined ? { alias: opts.alias } : {});
  const path = `${versionPath(opts.model)}/predict${query.toString() ? `?${query}` : ""}`;
  try {
    return await client.requestJson<PredictResult>("POST", path, {
      json: { rows: opts.rows.rows, ...(opts.requestId !== undefined ? { requestId: opts.requestId } : {}), ...(opts.metadata ? { metadata: opts.metadata } : {}) },
    });
  } catch (error) {
    throw withRowOrigins(error, opts.rows.origins);
  }
}

/** The registry names rows by index (rows.3.age); a row read from JSON lines is also named by its line. */
function withRowOrigins(error: unknown, origins: string[] | undefined): unknown {
  if (!(error instanceof RegistryHttpError) || !origins || !error.problem.errors) return error;
  const errors = error.problem.errors.map((e) => {
    const index = /^(?:body\.)?rows\.(\d+)(?:\.|$)/.exec(e.path)?.[1];
    const origin = index !== undefined ? origins[Number(index)] : undefined;
    return origin ? { ...e, message: `${e.message} (${origin})` } : e;
  });
  return new RegistryHttpError(error.method, error.url, { ...error.problem, errors });
}

/** Streams JSON lines to POST /api/v1/decisions (chunked: the length of a pipe is not known in advance). */
export async function reportDecisionLines(client: RegistryClient, body: AsyncIterable<Buffer>): Promise<ReportResult> {
  const response = await client.upload("POST", "/api/v1/decisions", { body, headers: { "content-type": "application/x-ndjson" } });
  return (await response.json()) as ReportResult;
}

export async function listDecisions(client: RegistryClient, filter: DecisionFilter) {
  const query = new URLSearchParams(Object.entries(filter).filter(([, v]) => v !== undefined).map(([k, v]) => [k, String(v)]));
  return client.requestJson<{ items: DecisionView[]; nextCursor: string | null }>("GET", `/api/v1/decisions?${query}`);
}

export const getDecision = (client: RegistryClient, id: string) => client.requestJson<DecisionLineage>("GET", `/api/v1/decisions/${encodeURIComponent(id)}`);

export const replayDecision = (client: RegistryClient, id: string, input?: Record<string, unknown>) =>
  client.requestJson<ReplayResult>("POST", `/api/v1/decisions/${encodeURIComponent(id)}/replay`, { json: input ? { input } : {} });

/** Queues a bulk replay (POST /api/v1/replay-jobs); with `wait`, polls it until it ends. */
export async function replayRange(
  client: RegistryClient,
  filter: { model: string; version?: string; from?: string; to?: string },
  opts: { wait: boolean; pollMs?: number; onProgress?: (job: ReplayJobView) => void },
): Promise<ReplayJobView> {
  let job = await client.requestJson<ReplayJobView>("POST", "/api/v1/replay-jobs", { json: filter });
  while (opts.wait && (job.status === "queued" || job.status === "running")) {
    opts.onProgress?.(job);
    await new Promise((resolve) => setTimeout(resolve, opts.pollMs ?? 1000));
    job = await getReplayJob(client, job.id);
  }
  return job;
}

export const getReplayJob = (client: RegistryClient, id: string) => client.requestJson<ReplayJobView>("GET", `/api/v1/replay-jobs/${encodeURIComponent(id)}`);

/** A finished job whose every decision replayed identically or within tolerance. */
export const replayJobReproduced = (job: ReplayJobView) => job.status === "finished" && job.counts.differs === 0 && job.counts.not_replayable === 0;

export function formatReplayJob(job: ReplayJobView): string {
  const f = job.filter;
  const lines = [
    `replay job ${job.id}: ${job.status}`,
    `selection:  ${f.model}${f.version ? `@${f.version}` : ""}${f.from ? ` from ${f.from}` : ""}${f.to ? ` before ${f.to}` : ""}`,
    `processed:  ${job.processed}${job.total !== null ? ` of ${job.total}` : ""}`,
    `outcomes:   identical ${job.counts.identical} · within tolerance ${job.counts.within_tolerance} · differs ${job.counts.differs} · not replayable ${job.counts.not_replayable}`,
  ];
  if (job.error) lines.push(`error:      ${job.error}`);
  for (const d of job.differences)
    lines.push(`  ${d.outcome === "differs" ? "differs       " : "not replayable"} ${d.decisionId} (${d.version})${d.reason ? `: ${d.reason}` : d.maxAbsDiff != null ? `: max |diff| ${short(d.maxAbsDiff)}` : ""}`);
  return lines.join("\n") + "\n";
}

/** What a script may rely on: the replay reproduced the decision (exactly, or within the version's tolerances). */
export const replayReproduced = (r: ReplayResult) => r.replay.outcome !== "differs";

// ── output ───────────────────────────────────────────────────────────────────────────────────────

/** Six significant digits for tables; --json and `decisions get` keep every digit. */
const short = (n: number) => String(Number(n.toPrecision(6)));
const shortJson = (value: unknown) => JSON.stringify(value, (_k, v: unknown) => (typeof v === "number" ? Number(short(v)) : v));
const cell = (value: unknown) => (typeof value === "string" ? value : value === undefined ? "" : shortJson(value));
const score = (s: number | null) => (s === null ? "-" : short(s));
const truncate = (text: string, max: number) => ([...text].length > max ? [...text].slice(0, max - 1).join("") + "…" : text);

export function formatPrediction(r: PredictResult): string {
  // One column per output the model has (label, probabilities, …), in the order the registry gave them.
  const names = [...new Set(r.decisions.flatMap((d) => Object.keys(d.output)))];
  const rows = [
    ["DECISION", ...names.map((n) => n.toUpperCase()), "SCORE"],
    ...r.decisions.map((d) => [d.id, ...names.map((n) => cell(d.output[n])), score(d.score)]),
  ];
  return `${r.model}@${r.version} (sha256:${r.manifestDigest}): ${r.decisions.length} decision(s) recorded\n${formatTable(rows)}\n`;
}

export function formatReport(r: ReportResult): string {
  return formatTable([
    ["batch:", r.batchId],
    ["received:", String(r.received)],
    ["stored:", String(r.stored)],
    ["duplicates:", `${r.duplicates}${r.duplicates ? " (already reported, identical: not stored again)" : ""}`],
  ]) + "\n";
}

export function formatDecisionList(items: DecisionView[]): string {
  const rows = items.map((d) => [d.id, d.at, `${d.model}@${d.version}`, d.source, score(d.score), truncate(shortJson(d.output), 48), d.requestId ?? ""]);
  return formatTable([["ID", "AT", "VERSION", "SOURCE", "SCORE", "OUTPUT", "REQUEST ID"], ...rows]) + "\n";
}

/** A user by email; the bootstrap token and the system by their kind (their id adds nothing). */
const actorOf = (a: DecisionView["actor"]) => (a.email ? `${a.email} (${a.type})` : a.id === a.type ? a.type : `${a.type} ${a.id}`);

export function formatLineage(l: DecisionLineage): string {
  const d = l.decision;
  const v = l.version;
  const a = l.asOf;
  const input =
    d.input === null
      ? `not kept (retention ${d.inputRetention}); digest ${d.inputDigest}`
      : `${JSON.stringify(d.input)}${d.redactedFields.length ? `  (left out: ${d.redactedFields.join(", ")})` : ""}`;
  const decision: string[][] = [
    ["decision:", `${d.id} (${d.source})`],
    ["at:", d.at],
    ["version:", `${d.model}@${d.version}`],
    ["digest:", `sha256:${d.manifestDigest}`],
    ["actor:", actorOf(d.actor)],
    ...(d.requestId ? [["request id:", d.requestId]] : []),
    ...(d.clientId ? [["client id:", d.clientId]] : []),
    ...(d.batchId ? [["batch:", d.batchId]] : []),
    ["input:", input],
    ["output:", JSON.stringify(d.output)],
    ["score:", d.score === null ? "-" : String(d.score)],
    ...(d.latencyMs !== null ? [["latency:", `${d.latencyMs.toFixed(1)} ms`]] : []),
    ...(d.metadata ? [["metadata:", JSON.stringify(d.metadata)]] : []),
  ];
  const signature =
    v.signature.state === "verified" ? `verified (key ${v.signature.keyId?.slice(0, 16)})` : v.signature.state === "invalid" ? `INVALID: ${v.signature.reason}` : "unsigned";
  const lineage: string[][] = [
    ["stage then:", `${a.stage ?? "not registered yet"}${a.stageSince ? ` (since ${a.stageSince})` : ""}`],
    ["stage now:", v.stageNow],
    ["prod then:", a.prodVersion ? `${d.model}@${a.prodVersion}${a.prodVersion === d.version ? " (this version)" : ""}` : "none"],
    ["signature:", signature],
    ["artifact:", `${v.artifact.path} (${v.artifact.format})${v.artifact.sha256 ? ` sha256:${v.artifact.sha256}` : ""}`],
    ["uploaded:", `${v.createdAt}${v.uploadedBy ? ` by ${v.uploadedBy}` : ""}`],
  ];
  const out = [formatTable(decision), "", `lineage as of ${a.at}:`, indent(formatTable(lineage))];
  const p = a.promotion;
  if (p) {
    out.push(`  promotion: ${p.id} → ${p.to}, promoted ${p.promotedAt}${p.requestedBy ? `, requested by ${p.requestedBy}` : ""}: ${p.reason}`);
    for (const ap of p.approvals)
      out.push(`    ${ap.decision} by ${ap.user.email} on sha256:${ap.manifestDigest.slice(0, 12)}… at ${ap.at}${ap.comment ? ` — ${ap.comment}` : ""}`);
    if (!p.approvals.length) out.push("    no approvals");
  }
  out.push(a.checks.length ? "  checks then:" : "  checks then: none had finished");
  if (a.checks.length) out.push(indent(formatTable(a.checks.map((c) => [c.kind, c.verdict ?? "?", c.summary ?? ""])), 4));
  if (l.replays.length) {
    out.push("replays:");
    out.push(indent(formatTable(l.replays.map((r) => [r.at, r.outcome, r.maxAbsDiff === null ? "" : `max |diff| ${r.maxAbsDiff}`, `input ${r.inputSource}`]))));
  }
  return out.join("\n") + "\n";
}

export function formatReplay(r: ReplayResult): string {
  const rows = [
    ["outcome:", r.replay.outcome.replace("_", " ")],
    ["stored:", `${JSON.stringify(r.stored.output)}  score ${r.stored.score ?? "-"}`],
    ["replayed:", `${JSON.stringify(r.replay.output)}  score ${r.replay.score ?? "-"}`],
    ["max |diff|:", r.replay.maxAbsDiff === null ? "-" : String(r.replay.maxAbsDiff)],
    ["tolerance:", `atol ${r.tolerance.atol}, rtol ${r.tolerance.rtol} (${r.tolerance.source === "default" ? "the validation check's defaults" : `from ${r.tolerance.source}`})`],
    ["input:", r.replay.inputSource],
    ["integrity:", `manifest ${r.integrity.manifest}, artifact ${r.integrity.artifact}, signature ${r.integrity.signature}`],
  ];
  return `decision ${r.decisionId} replayed (replay ${r.replay.id})\n${formatTable(rows)}\n`;
}

const indent = (text: string, spaces = 2) =>
  text
    .split("\n")
    .map((line) => " ".repeat(spaces) + line)
    .join("\n");
