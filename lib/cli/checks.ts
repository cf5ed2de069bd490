// `checks`: read (and optionally rerun and wait for) a version's server-side checks, for people and
// for CI gates. Polls GET …/checks; a line is printed on stderr as each check finishes, so a CI log
// shows progress without redraws; the result table goes to stdout.
import { CommandFailure } from "./errors.ts";
import { versionPath, type RegistryClient } from "./http-client.ts";

export type CheckRunRecord = {
  id: string;
  kind: string;
  status: "queued" | "running" | "finished";
  verdict: "pass" | "fail" | "error" | "not_applicable" | null;
  summary: string | null;
  progress: number | null;
  progressMessage: string | null;
  durationMs: number | null;
  findings: { severity: string; code: string; message: string }[];
};

export type ChecksRecord = { model: string; version: string; manifestDigest: string; state: "not_run" | "running" | "passed" | "failed"; summary: string; latest: CheckRunRecord[] };

export type WatchChecksOptions = {
  client: RegistryClient;
  model: string;
  version: string;
  /** Queue a fresh run of every check first (needs the write scope). */
  rerun?: boolean;
  /** Wait until every latest run has finished; give up after timeoutMs. */
  wait?: boolean;
  timeoutMs?: number;
  pollMs?: number;
  log?: NodeJS.WriteStream;
};

export async function watchChecks({ client, model, version, rerun, wait, timeoutMs = 30 * 60_000, pollMs = 1000, log = process.stderr }: WatchChecksOptions): Promise<ChecksRecord> {
  const path = `${versionPath(model, version)}/checks`;
  if (rerun) {
    const queued = await client.requestJson<{ runs: { kind: string }[] }>("POST", path, { json: {} });
    log.write(`queued ${queued.runs.map((r) => r.kind).join(", ")} for ${model}@${version}\n`);
  }
  const deadline = Date.now() + timeoutMs;
  const announced = new Set<string>();
  for (;;) {
    const record = await client.requestJson<ChecksRecord>("GET", path);
    for (const run of record.latest) {
      if (run.status !== "finished" || announced.has(run.id)) continue;
      announced.add(run.id);
      if (wait) log.write(`${run.kind}: ${run.verdict}${run.summary ? ` — ${run.summary}` : ""}\n`);
    }
    const pending = record.latest.filter((r) => r.status !== "finished");
    if (!wait || (record.latest.length && !pending.length)) return record;
    if (Date.now() > deadline)
      throw new CommandFailure(`checks of ${model}@${version} still running after ${Math.round(timeoutMs / 1000)} s: ${pending.map((r) => r.kind).join(", ")}`);
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
