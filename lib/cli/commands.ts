// The commands of `model-registry`: usage, help text, options, and the code that turns parsed
// arguments into a call of a service module (push.ts, verify.ts, tokens.ts, decisions.ts) and its output.
// Results go to stdout, notes to stderr; the returned number is the exit code.
import type { ParseArgsConfig } from "node:util";
import { scopes as allScopes, type Scope } from "../auth/roles.ts";
import { parseDuration } from "./duration.ts";
import { CommandFailure, UsageError } from "./errors.ts";
import { formatBytes } from "../format/bytes.ts";
import { formatTable } from "./format.ts";
import type { RegistryClient } from "./http-client.ts";
import { pushEnvelope } from "./push.ts";
import { createToken, listTokens, revokeToken, type CreatedToken } from "./tokens.ts";
import { verifyVersion } from "./verify.ts";
import { watchChecks } from "./checks.ts";
import {
  formatDecisionList,
  formatLineage,
  formatPrediction,
  formatReplay,
  formatReplayJob,
  formatReport,
  getDecision,
  getReplayJob,
  listDecisions,
  openDecisionLines,
  parseJsonObject,
  predictRows,
  readRows,
  replayDecision,
  replayJobReproduced,
  replayRange,
  replayReproduced,
  reportDecisionLines,
} from "./decisions.ts";
import { decidePromotion, formatPromotion, getPromotion, listPromotions, promotionSucceeded, requestPromotion, rollbackProd } from "./promotions.ts";

export type Options = NonNullable<ParseArgsConfig["options"]>;
export type Values = Record<string, string | boolean | undefined>;
export type Io = { stdin: NodeJS.ReadableStream & { isTTY?: boolean }; stdout: NodeJS.WriteStream; stderr: NodeJS.WriteStream; env: NodeJS.ProcessEnv };
export type Context = { positionals: string[]; values: Values; io: Io; client: () => RegistryClient };
export type Command = { usage: string; summary: string; help: string; options: Options; run(ctx: Context): Promise<number> };

export const commands: Record<string, Command> = {
  push: {
    usage: "push <dir> --model <name> [--idempotency-key <key>] [--create-model] [--json]",
    summary: "upload an envelope directory (manifest.json + files) as a new version",
    help: `Reads <dir>/manifest.json, validates it, hashes every declared file (the digests go into the
manifest, so the server verifies the bytes it receives) and uploads everything in one streamed
multipart request. A retried push of the same envelope replays the first result (Idempotency-Key);
a different envelope under an existing version fails with 409.

Options:
  --model <name>           model to push to (must equal manifest.name)
  --idempotency-key <key>  default: derived from the model and the manifest with file digests
  --create-model           create the model first if it does not exist
  --json                   print the server's JSON answer instead of a summary`,
    options: {
      model: { type: "string" },
      "idempotency-key": { type: "string" },
      "create-model": { type: "boolean" },
      json: { type: "boolean" },
    },
    run: runPush,
  },
  verify: {
    usage: "verify <model>@<version> [--out <dir>] [--public-key <pem file>] [--json]",
    summary: "download a version and check every digest and its signature",
    help: `Downloads every file of the version (streamed, hashed on the way), compares each sha256 and
size with the version's file list and its manifest, recomputes the manifest digest, and verifies
the DSSE signature and the signed statement's file digests. Exit 1 on any mismatch.

Options:
  --out <dir>              keep the verified files there (plus manifest.json and signature.json);
                           nothing is kept unless everything verifies
  --public-key <pem file>  verify with this pinned public key instead of GET /api/v1/signing-key
  --json                   print the full report as JSON`,
    options: { out: { type: "string" }, "public-key": { type: "string" }, json: { type: "boolean" } },
    run: runVerify,
  },
  checks: {
    usage: "checks <model>@<version> [--wait] [--timeout 30m] [--rerun] [--json]",
    summary: "show a version's check verdicts; with --wait, a CI gate (exit 1 unless all pass)",
    help: `Shows the latest result of each server-side check (validation, fairness, adversarial,
security) with its verdict and summary, and the findings of checks that did not pass.
Exit 0 when no check failed or errored (not_applicable counts as passed), 1 otherwise.

Options:
  --wait                   wait until every check has finished, printing each verdict as it lands
  --timeout <duration>     give up waiting after this long (default 30m; exit 1)
  --rerun                  queue a fresh run of every check first (needs the write scope)
  --json                   print the server's JSON answer`,
    options: { wait: { type: "boolean" }, timeout: { type: "string" }, rerun: { type: "boolean" }, json: { type: "boolean" } },
    run: runChecks,
  },
  "token create": {
    usage: "token create --name <name> --scopes read,write[,review,admin] [--expires-in 30d] [--user-email <email>] [--direct] [--json]",
    summary: "create an API token (printed once, alone on stdout)",
    help: `Creates an API token and prints it alone on stdout, so TOKEN=$(model-registry token create …)
captures it; its id, prefix and scopes go to stderr. A token never exceeds its user's role.

Options:
  --name <name>            a label to recognise the token by
  --scopes <list>          comma-separated subset of: ${allScopes.join(", ")}
  --expires-in <duration>  e.g. 30d, 12h, 2w, 1y (default: never expires)
  --user-email <email>     admins: create the token for this user (required with --direct)
  --direct                 no API token needed: use the registry's own configuration from the
                           environment (DATABASE_URL, DATA_DIR, …) to write the token directly.
                           For bootstrapping. With the embedded database (no DATABASE_URL) only
                           while the server is stopped: one process at a time may open it.
  --json                   print the whole token record (including the token) as JSON`,
    options: {
      name: { type: "string" },
      scopes: { type: "string" },
      "expires-in": { type: "string" },
      "user-email": { type: "string" },
      direct: { type: "boolean" },
      json: { type: "boolean" },
    },
    run: runTokenCreate,
  },
  "token list": {
    usage: "token list [--json]",
    summary: "list your API tokens (admins: all tokens)",
    help: "Lists tokens: id, name, prefix, scopes, expiry, last use and status. The tokens themselves are never shown again.",
    options: { json: { type: "boolean" } },
    run: runTokenList,
  },
  "token revoke": {
    usage: "token revoke <id> [--json]",
    summary: "revoke an API token by id",
    help: "Revokes the token with that id (see `token list`). Revoking twice is not an error.",
    options: { json: { type: "boolean" } },
    run: runTokenRevoke,
  },
  promote: {
    usage: "promote <model>@<version> --to staging|prod --reason <text> [--wait] [--timeout 30m] [--json]",
    summary: "request a version's promotion to the next stage; exit 1 if a gate fails",
    help: `Asks the registry to move the version to the next stage (dev → staging → prod) and prints
every gate with its verdict. The registry promotes at once when nothing else is needed (→ staging by
default); → prod waits for reviewers' approval. Exit 0 when the request is promoted or only waiting
for approvals, 1 when a gate failed (the reasons are printed).

Options:
  --to <stage>            staging or prod (the version's next stage)
  --reason <text>         why this version should move (required; shown to reviewers, audited)
  --wait                  wait while checks are still running, then report
  --timeout <duration>    give up waiting after this long (default 30m; exit 1)
  --json                  print the request as JSON`,
    options: { to: { type: "string" }, reason: { type: "string" }, wait: { type: "boolean" }, timeout: { type: "string" }, json: { type: "boolean" } },
    run: runPromote,
  },
  approve: {
    usage: "approve <request-id> --digest <sha256> [--comment <text>] [--reject] [--json]",
    summary: "approve (or --reject) a promotion request for the manifest digest you reviewed",
    help: `Records your decision on a promotion request (reviewers and admins, with a token of your own
that has the review scope). The digest is the manifest digest you reviewed ('promotions get <id>'
prints it): the registry refuses it if the request is for other bytes. The approval that completes
the count promotes the version at once. A rejection needs a comment.

Options:
  --digest <sha256>       the manifest digest you reviewed (64 hex characters; 'sha256:' optional)
  --comment <text>        why (required with --reject)
  --reject                reject instead of approving
  --json                  print the request as JSON`,
    options: { digest: { type: "string" }, comment: { type: "string" }, reject: { type: "boolean" }, json: { type: "boolean" } },
    run: runApprove,
  },
  rollback: {
    usage: "rollback <model> --reason <text> [--to <version>] [--json]",
    summary: "roll prod back to the previous prod version (or an earlier one)",
    help: `Points the model's prod alias back at the previous prod version at once (reviewers, the
model's owners and admins). Audited, with the reason, and shown in the stage history.

Options:
  --reason <text>         why (required)
  --to <version>          an earlier prod version instead of the previous one
  --json                  print the result as JSON`,
    options: { reason: { type: "string" }, to: { type: "string" }, json: { type: "boolean" } },
    run: runRollback,
  },
  "promotions list": {
    usage: "promotions list [--status open] [--model <name>] [--to staging|prod] [--limit 50] [--json]",
    summary: "list promotion requests (default: the open ones, newest first)",
    help: `Lists promotion requests: id, model@version, target stage, status, gates passed, age.

Options:
  --status <status>       open (default), all, pending_checks, awaiting_approval, approved, promoted,
                          rejected, cancelled or superseded
  --model <name>          only this model's requests
  --to <stage>            only requests for staging or prod
  --limit <n>             at most this many (default 50)
  --json                  print the server's JSON`,
    options: { status: { type: "string" }, model: { type: "string" }, to: { type: "string" }, limit: { type: "string" }, json: { type: "boolean" } },
    run: runPromotionsList,
  },
  "promotions get": {
    usage: "promotions get <request-id> [--json]",
    summary: "show a promotion request: its gates now, the digest, the approvals",
    help: "Shows the request with every gate evaluated now, the manifest digest it is for (what 'approve --digest' takes) and the decisions so far.",
    options: { json: { type: "boolean" } },
    run: runPromotionsGet,
  },
  predict: {
    usage: "predict <model> (--rows <json> | --file <path|->) [--alias prod | --version <version>] [--request-id <id>] [--metadata <json>] [--json]",
    summary: "run rows through a model's prod alias (or another alias or version); every decision is recorded",
    help: `Sends the rows to the registry, which checks them against the version's input schema, runs them
and records one decision per row in the ledger before answering. Prints each decision's id, the
model's outputs and the positive-class score. A row that does not fit the schema is refused with its
row and field (rows.<i>.<feature>, plus the line for JSON lines input); nothing is run or recorded.

Options:
  --rows <json>           the rows as a JSON array of objects keyed by feature name
  --file <path>           a file of rows: a JSON array, or JSON lines (one row per line); '-' reads stdin
  --alias <alias>         the alias to run (default prod; prod and staging need only the read scope)
  --version <version>     run this version instead of an alias (needs write on a model you own, or admin)
  --request-id <id>       your id for the request (e.g. the application id), stored with each decision
  --metadata <json>       a JSON object stored with each decision (at most 4 KiB)
  --json                  print the server's JSON answer (every digit of every output)`,
    options: {
      rows: { type: "string" },
      file: { type: "string" },
      alias: { type: "string" },
      version: { type: "string" },
      "request-id": { type: "string" },
      metadata: { type: "string" },
      json: { type: "boolean" },
    },
    run: runPredict,
  },
  "decisions report": {
    usage: "decisions report [--file <path|->] [--json]",
    summary: "report decisions an external server made (JSON lines from stdin or a file, streamed)",
    help: `Streams JSON lines — one decision per line: {"id", "manifestDigest", "at", "input", "output",
"score"?, "latencyMs"?, "requestId"?, "metadata"?} — to the registry, which stores the whole batch or,
if any line is bad, nothing (the line is named: lines.<n>.<field>, 1-based). The input is sent as it
is read, never held in memory. A decision id already reported for the model with the same content
is counted as a duplicate, not stored twice; with other content the batch is refused (409).

Options:
  --file <path>           read the lines from this file (default and '-': stdin)
  --json                  print the server's JSON answer`,
    options: { file: { type: "string" }, json: { type: "boolean" } },
    run: runDecisionsReport,
  },
  "decisions list": {
    usage: "decisions list [--model <name>] [--version <version>] [--from <iso>] [--to <iso>] [--request-id <id>] [--source predict|reported] [--limit 50] [--cursor <c>] [--json]",
    summary: "page through the decisions ledger, newest first (auditors and admins)",
    help: `Lists decisions: id, time, model@version, source, score, outputs and request id. When there are
more, the cursor of the next page is printed on stderr.

Options:
  --model <name>          only this model's decisions
  --version <version>     only this version's (needs --model)
  --from <iso>            at or after this time (ISO 8601 with offset, e.g. 2025-06-01T00:00:00Z)
  --to <iso>              before this time
  --request-id <id>       only decisions made under this request id
  --source <source>       predict (made through the registry) or reported (by an external server)
  --limit <n>             at most this many (1-200, default 50)
  --cursor <c>            the next page, as printed by the previous one
  --json                  print the server's JSON`,
    options: {
      model: { type: "string" },
      version: { type: "string" },
      from: { type: "string" },
      to: { type: "string" },
      "request-id": { type: "string" },
      source: { type: "string" },
      limit: { type: "string" },
      cursor: { type: "string" },
      json: { type: "boolean" },
    },
    run: runDecisionsList,
  },
  "decisions get": {
    usage: "decisions get <decision-id> [--json]",
    summary: "show a decision and its version's lineage as of the decision (auditors and admins)",
    help: `Shows the decision (input as retained, outputs, score, who asked) and the version's lineage as
it stood when the decision was made: the stage then and now, the model's prod version then, the
promotion and the reviewers' approvals that put it there, the check verdicts then, the signature
state, the artifact's digest, and earlier replays.

Options:
  --json                  print the server's JSON`,
    options: { json: { type: "boolean" } },
    run: runDecisionsGet,
  },
  "decisions replay": {
    usage: "decisions replay <decision-id> [--input <json>] [--json]",
    summary: "re-run a decision on the exact version that made it; exit 1 if the outputs differ",
    help: `Asks the registry to verify the version (manifest digest, signature, artifact bytes), run the
decision's input on it again and compare: identical, within_tolerance (the version's test-vector
atol/rtol) or differs. Prints the outcome, both outputs, the largest difference and the tolerance.
Exit 0 when identical or within tolerance, 1 when the outputs differ (or the replay was refused).

Options:
  --input <json>          the original input as a JSON object, for decisions whose input the ledger
                          does not keep in full; it must match the stored digest
  --json                  print the server's JSON (exit code unchanged)`,
    options: { input: { type: "string" }, json: { type: "boolean" } },
    run: runDecisionsReplay,
  },
  "decisions replay-range": {
    usage: "decisions replay-range --model <name> [--version <version>] [--from <iso>] [--to <iso>] [--wait] [--json]",
    summary: "replay every decision of a model (or version) in a time range as a durable job; --wait for its report",
    help: `Queues a bulk replay (POST /api/v1/replay-jobs): the registry's workers replay the decisions in
time order on their exact versions (each verified first) and count the outcomes. Without --wait it
prints the queued job (see \`decisions replay-status <job-id>\`); with --wait it polls until the job
ends and prints the report. Exit 0 when every decision reproduced (identical or within tolerance), 1
when any differs or could not be replayed, or the job failed.

Options:
  --model <name>       the model (required)
  --version <version>  only this version's decisions
  --from <iso>         decisions at or after this time;  --to <iso>  decisions before this time
  --wait               poll until the job ends and print its report
  --json               print the server's JSON (exit code unchanged)`,
    options: { model: { type: "string" }, version: { type: "string" }, from: { type: "string" }, to: { type: "string" }, wait: { type: "boolean" }, json: { type: "boolean" } },
    run: runDecisionsReplayRange,
  },
  "decisions replay-status": {
    usage: "decisions replay-status <job-id> [--json]",
    summary: "a bulk replay's progress and report",
    help: `Prints a replay job's status, counts by outcome and its first differences. Exit 0 when it finished
and every decision reproduced, 1 otherwise (still running, differences, or failed).

Options:
  --json  print the server's JSON (exit code unchanged)`,
    options: { json: { type: "boolean" } },
    run: runDecisionsReplayStatus,
  },
  gc: {
    usage: "gc [--grace 24h] [--dry-run] [--json]",
    summary: "remove stored bytes that no version references (left by failed uploads)",
    help: `Lists the object store and removes every blob that no version references and that is older
than the grace period (younger ones may belong to an upload in flight). Bytes of a version are
never touched. Runs with the registry's own configuration from the environment (DATABASE_URL, S3_*,
DATA_DIR), like \`token create --direct\`; with the embedded database only while the server is stopped.

Options:
  --grace <duration>  keep unreferenced blobs younger than this (default 24h)
  --dry-run           report what would be removed, remove nothing
  --json              print the report as JSON`,
    options: { grace: { type: "string" }, "dry-run": { type: "boolean" }, json: { type: "boolean" } },
    run: runGc,
  },
};

async function runGc({ positionals, values, io }: Context): Promise<number> {
  if (positionals.length) throw new UsageError(`unexpected argument(s): ${positionals.join(" ")}`, "gc");
  const graceMs = parseDuration((values.grace as string | undefined) ?? "24h");
  const dryRun = Boolean(values["dry-run"]);
  const { collectGarbageDirect } = await import("./direct.ts");
  const report = await collectGarbageDirect({ graceMs, dryRun });
  if (values.json) io.stdout.write(JSON.stringify({ ...report, dryRun }, null, 2) + "\n");
  else
    io.stdout.write(
      `scanned ${report.scanned} blobs: ${report.orphans} unreferenced, ${report.keptYoung} kept (younger than the grace period), ` +
        `${dryRun ? "0 removed (dry run)" : `${report.deleted} removed, ${formatBytes(report.bytesFreed)} freed`}\n`,
    );
  return 0;
}

async function runPush({ positionals, values, io, client }: Context): Promise<number> {
  const [dir, ...extra] = positionals;
  if (!dir) throw new UsageError("push needs the envelope directory", "push");
  if (extra.length) throw new UsageError(`unexpected argument(s): ${extra.join(" ")}`, "push");
  const model = values.model as string | undefined;
  if (!model) throw new UsageError("--model <name> is required", "push");
  const result = await pushEnvelope({
    client: client(),
    dir,
    model,
    idempotencyKey: values["idempotency-key"] as string | undefined,
    createModel: Boolean(values["create-model"]),
    log: io.stderr,
  });
  // The server's answer must be about the bytes we hashed; anything else is not our upload.
  const served = new Map(result.version.files.map((f) => [f.path, f]));
  const differing = result.envelope.files.filter((f) => served.get(f.path)?.sha256 !== f.sha256 || served.get(f.path)?.size !== f.size);
  if (differing.length)
    throw new CommandFailure(
      `the registry answered with ${result.version.model}@${result.version.version}, whose files differ from the pushed ones`,
      differing.map((f) => `${f.path}: pushed sha256 ${f.sha256}, registered ${served.get(f.path)?.sha256 ?? "(missing)"}`),
    );
  if (values.json) {
    io.stdout.write(JSON.stringify(result.version, null, 2) + "\n");
    return 0;
  }
  if (result.replayed) io.stderr.write("already registered by an earlier identical push: replayed its result\n");
  io.stdout.write(
    `version: ${result.version.model}@${result.version.version}${result.replayed ? " (replayed)" : ""}\n` +
      `digest:  sha256:${result.version.manifestDigest}\n` +
      `url:     ${result.url}\n` +
      `page:    ${result.pageUrl}\n`,
  );
  return 0;
}

/** The single `<model>@<version>` positional of `verify` and `checks`. */
function versionRef(positionals: string[], command: string): { model: string; version: string } {
  const [ref, ...extra] = positionals;
  if (!ref) throw new UsageError(`${command} needs <model>@<version>`, command);
  if (extra.length) throw new UsageError(`unexpected argument(s): ${extra.join(" ")}`, command);
  const at = ref.lastIndexOf("@");
  if (at <= 0 || at === ref.length - 1) throw new UsageError(`'${ref}' is not <model>@<version>`, command);
  return { model: ref.slice(0, at), version: ref.slice(at + 1) };
}

async function runChecks({ positionals, values, io, client }: Context): Promise<number> {
  const { model, version } = versionRef(positionals, "checks");
  const timeout = values.timeout as string | undefined;
  const record = await watchChecks({
    client: client(),
    model,
    version,
    rerun: Boolean(values.rerun),
    wait: Boolean(values.wait),
    timeoutMs: timeout ? parseDuration(timeout) : undefined,
    log: io.stderr,
  });
  const failed = record.state === "failed";
  if (values.json) {
    io.stdout.write(JSON.stringify(record, null, 2) + "\n");
    return failed ? 1 : 0;
  }
  const rows = record.latest.map((r) => [
    r.kind,
    r.status === "finished" ? (r.verdict ?? "?") : `${r.status}${r.progress !== null ? ` ${Math.round(r.progress * 100)}%` : ""}`,
    r.durationMs !== null ? `${(r.durationMs / 1000).toFixed(1)} s` : "",
    r.summary ?? r.progressMessage ?? "",
  ]);
  io.stdout.write(`${record.model}@${record.version}: ${record.state} (${record.summary})\n${rows.length ? formatTable(rows) + "\n" : ""}`);
  for (const run of record.latest.filter((r) => r.verdict === "fail" || r.verdict === "error")) {
    const shown = run.findings.filter((f) => f.severity === "error").slice(0, 10);
    for (const f of shown) io.stdout.write(`  ${run.kind} ${f.code}: ${f.message}\n`);
  }
  return failed ? 1 : 0;
}

async function runVerify({ positionals, values, io, client }: Context): Promise<number> {
  const { model, version } = versionRef(positionals, "verify");
  const { report, keySource, written } = await verifyVersion({
    client: client(),
    model,
    version,
    outDir: values.out as string | undefined,
    publicKeyFile: values["public-key"] as string | undefined,
    log: io.stderr,
  });
  if (values.json) {
    io.stdout.write(JSON.stringify({ ...report, keySource }, null, 2) + "\n");
    return report.ok ? 0 : 1;
  }
  const mark = (ok: boolean) => (ok ? "✓" : "✗");
  const rows: string[][] = report.files.map((f) => [mark(f.ok), f.path, f.size === undefined ? "-" : formatBytes(f.size), f.sha256 ? `sha256:${f.sha256}` : "-"]);
  rows.push([mark(report.manifestDigest.ok), "(manifest)", "", `sha256:${report.manifestDigest.actual || "?"}`]);
  const keys = report.signature.keyIds.map((k) => k.slice(0, 16)).join(", ") || "none";
  rows.push([mark(report.signature.ok), "(signature)", "", `DSSE, key ${keys} (${keySource === "pinned" ? "pinned with --public-key" : "from the server"})`]);
  const lines = [formatTable(rows)];
  const problems = [
    ...report.files.flatMap((f) => f.problems.map((p) => `${f.path}: ${p}`)),
    ...report.manifestDigest.problems.map((p) => `manifest: ${p}`),
    ...report.signature.problems.map((p) => `signature: ${p}`),
  ];
  io.stdout.write(lines.join("\n") + "\n");
  if (!report.ok) {
    io.stderr.write(`verification FAILED for ${report.model}@${report.version}:\n${problems.map((p) => `  ${p}`).join("\n")}\n`);
    return 1;
  }
  io.stdout.write(`verified ${report.model}@${report.version}${written ? `; files written to ${written}` : ""}\n`);
  return 0;
}

async function runTokenCreate({ positionals, values, io, client }: Context): Promise<number> {
  if (positionals.length) throw new UsageError(`unexpected argument(s): ${positionals.join(" ")}`, "token create");
  const name = values.name as string | undefined;
  if (!name) throw new UsageError("--name <name> is required", "token create");
  const scopes = parseScopes(values.scopes as string | undefined);
  const expiresIn = values["expires-in"] as string | undefined;
  const expiresAt = expiresIn ? new Date(Date.now() + parseDuration(expiresIn)) : undefined;
  const userEmail = values["user-email"] as string | undefined;
  let created: CreatedToken;
  if (values.direct) {
    if (!userEmail) throw new UsageError("--direct needs --user-email: the user the token belongs to", "token create");
    // Loaded only here: the database stack is heavy and every other command talks HTTP.
    const { createTokenDirect } = await import("./direct.ts");
    created = await createTokenDirect({ name, scopes, expiresAt, userEmail });
  } else {
    created = await createToken({ client: client(), name, scopes, expiresAt, userEmail });
  }
  if (values.json) {
    io.stdout.write(JSON.stringify(created, null, 2) + "\n");
    return 0;
  }
  io.stdout.write(`${created.token}\n`);
  io.stderr.write(
    `created token '${created.name}': id ${created.id}, prefix ${created.prefix}, scopes ${created.scopes.join(",")}, ` +
      `expires ${created.expiresAt ?? "never"}. It is shown only this once.\n`,
  );
  return 0;
}

async function runTokenList({ positionals, values, io, client }: Context): Promise<number> {
  if (positionals.length) throw new UsageError(`unexpected argument(s): ${positionals.join(" ")}`, "token list");
  const tokens = await listTokens({ client: client() });
  if (values.json) {
    io.stdout.write(JSON.stringify(tokens, null, 2) + "\n");
    return 0;
  }
  const now = Date.now();
  const status = (t: (typeof tokens)[number]) =>
    t.revokedAt ? "revoked" : t.expiresAt && Date.parse(t.expiresAt) <= now ? "expired" : "active";
  const rows = [
    ["ID", "NAME", "PREFIX", "SCOPES", "EXPIRES", "LAST USED", "STATUS"],
    ...tokens.map((t) => [t.id, t.name, t.prefix, t.scopes.join(","), t.expiresAt ?? "never", t.lastUsedAt ?? "-", status(t)]),
  ];
  io.stdout.write(formatTable(rows) + "\n");
  return 0;
}

async function runTokenRevoke({ positionals, values, io, client }: Context): Promise<number> {
  const [id, ...extra] = positionals;
  if (!id) throw new UsageError("token revoke needs the token id (see `token list`)", "token revoke");
  if (extra.length) throw new UsageError(`unexpected argument(s): ${extra.join(" ")}`, "token revoke");
  const token = await revokeToken({ client: client(), id });
  if (values.json) io.stdout.write(JSON.stringify(token, null, 2) + "\n");
  else io.stdout.write(`revoked token ${token.id} ('${token.name}', prefix ${token.prefix})\n`);
  return 0;
}

function parseScopes(text: string | undefined): Scope[] {
  if (!text) throw new UsageError(`--scopes is required: a comma-separated subset of ${allScopes.join(", ")}`, "token create");
  const list = [...new Set(text.split(",").map((s) => s.trim()).filter(Boolean))];
  const unknown = list.filter((s) => !(allScopes as readonly string[]).includes(s));
  if (unknown.length || !list.length)
    throw new UsageError(`unknown scope(s) ${unknown.join(", ") || "(none given)"}: use ${allScopes.join(", ")}`, "token create");
  return list as Scope[];
}

async function runPromote({ positionals, values, io, client }: Context): Promise<number> {
  const { model, version } = versionRef(positionals, "promote");
  const to = values.to as string | undefined;
  if (to !== "staging" && to !== "prod") throw new UsageError("--to must be staging or prod", "promote");
  const reason = (values.reason as string | undefined)?.trim();
  if (!reason) throw new UsageError("--reason <text> is required: reviewers and the audit log read it", "promote");
  const timeout = values.timeout as string | undefined;
  const record = await requestPromotion({ client: client(), model, version, to, reason, wait: Boolean(values.wait), timeoutMs: timeout ? parseDuration(timeout) : undefined });
  io.stdout.write(values.json ? JSON.stringify(record, null, 2) + "\n" : formatPromotion(record));
  return promotionSucceeded(record) ? 0 : 1;
}

async function runApprove({ positionals, values, io, client }: Context): Promise<number> {
  const [id, ...extra] = positionals;
  if (!id || extra.length) throw new UsageError("approve needs exactly one request id", "approve");
  const digest = (values.digest as string | undefined)?.replace(/^sha256:/, "").toLowerCase();
  if (!digest || !/^[0-9a-f]{64}$/.test(digest)) throw new UsageError("--digest <sha256> is required: the manifest digest you reviewed ('promotions get <id>' prints it)", "approve");
  const reject = Boolean(values.reject);
  const comment = ((values.comment as string | undefined) ?? "").trim();
  if (reject && !comment) throw new UsageError("--reject needs --comment <why>", "approve");
  const record = await decidePromotion(client(), id, { decision: reject ? "reject" : "approve", comment, manifestDigest: digest });
  io.stdout.write(values.json ? JSON.stringify(record, null, 2) + "\n" : formatPromotion(record));
  return 0;
}

async function runRollback({ positionals, values, io, client }: Context): Promise<number> {
  const [model, ...extra] = positionals;
  if (!model || extra.length) throw new UsageError("rollback needs exactly one model name", "rollback");
  const reason = (values.reason as string | undefined)?.trim();
  if (!reason) throw new UsageError("--reason <text> is required", "rollback");
  const result = await rollbackProd(client(), model, { reason, ...(values.to ? { toVersion: values.to as string } : {}) });
  io.stdout.write(values.json ? JSON.stringify(result, null, 2) + "\n" : `${result.model}: prod rolled back from ${result.from} to ${result.to} (sha256:${result.manifestDigest})\n`);
  return 0;
}

async function runPromotionsList({ positionals, values, io, client }: Context): Promise<number> {
  if (positionals.length) throw new UsageError(`unexpected argument(s): ${positionals.join(" ")}`, "promotions list");
  const status = (values.status as string | undefined) ?? "open";
  const limit = values.limit ? Number(values.limit) : 50;
  if (!Number.isInteger(limit) || limit < 1 || limit > 200) throw new UsageError("--limit must be 1-200", "promotions list");
  const page = await listPromotions(client(), { status: status === "all" ? undefined : status, model: values.model as string | undefined, to: values.to as string | undefined, limit });
  if (values.json) {
    io.stdout.write(JSON.stringify(page, null, 2) + "\n");
    return 0;
  }
  if (!page.items.length) {
    io.stdout.write(`no ${status === "all" ? "" : `${status} `}promotion requests\n`);
    return 0;
  }
  const rows = page.items.map((r) => [r.id, `${r.model}@${r.version}`, `→ ${r.to}`, r.status, `${r.gates.filter((g) => g.status === "pass" || g.status === "waived").length}/${r.gates.length} gates`, r.requestedBy?.email ?? "", r.createdAt]);
  io.stdout.write(formatTable([["ID", "VERSION", "TO", "STATUS", "GATES", "REQUESTED BY", "CREATED"], ...rows]) + "\n");
  return 0;
}

async function runPromotionsGet({ positionals, values, io, client }: Context): Promise<number> {
  const [id, ...extra] = positionals;
  if (!id || extra.length) throw new UsageError("promotions get needs exactly one request id", "promotions get");
  const record = await getPromotion(client(), id);
  io.stdout.write(values.json ? JSON.stringify(record, null, 2) + "\n" : formatPromotion(record));
  return 0;
}

async function runPredict({ positionals, values, io, client }: Context): Promise<number> {
  const [model, ...extra] = positionals;
  if (!model || extra.length) throw new UsageError("predict needs exactly one model name", "predict");
  const alias = values.alias as string | undefined;
  const version = values.version as string | undefined;
  if (alias !== undefined && version !== undefined) throw new UsageError("give --alias or --version, not both", "predict");
  const metadata = parseJsonObject(values.metadata as string | undefined, "--metadata", "predict");
  const rows = await readRows({ rows: values.rows as string | undefined, file: values.file as string | undefined, stdin: io.stdin });
  const result = await predictRows(client(), { model, alias, version, rows, requestId: values["request-id"] as string | undefined, metadata });
  io.stdout.write(values.json ? JSON.stringify(result, null, 2) + "\n" : formatPrediction(result));
  return 0;
}

async function runDecisionsReport({ positionals, values, io, client }: Context): Promise<number> {
  if (positionals.length) throw new UsageError(`unexpected argument(s): ${positionals.join(" ")}`, "decisions report");
  const { body, name } = await openDecisionLines(values.file as string | undefined, io.stdin);
  if (name === "stdin" && io.stdin.isTTY) io.stderr.write("reading decisions from stdin, one JSON object per line; end with Ctrl-D\n");
  const result = await reportDecisionLines(client(), body);
  io.stdout.write(values.json ? JSON.stringify(result, null, 2) + "\n" : formatReport(result));
  return 0;
}

async function runDecisionsList({ positionals, values, io, client }: Context): Promise<number> {
  if (positionals.length) throw new UsageError(`unexpected argument(s): ${positionals.join(" ")}`, "decisions list");
  const limit = values.limit ? Number(values.limit) : 50;
  if (!Number.isInteger(limit) || limit < 1 || limit > 200) throw new UsageError("--limit must be 1-200", "decisions list");
  if (values.version && !values.model) throw new UsageError("--version needs --model", "decisions list");
  const source = values.source as string | undefined;
  if (source !== undefined && source !== "predict" && source !== "reported") throw new UsageError("--source must be predict or reported", "decisions list");
  const page = await listDecisions(client(), {
    model: values.model as string | undefined,
    version: values.version as string | undefined,
    from: values.from as string | undefined,
    to: values.to as string | undefined,
    requestId: values["request-id"] as string | undefined,
    source,
    limit,
    cursor: values.cursor as string | undefined,
  });
  if (values.json) {
    io.stdout.write(JSON.stringify(page, null, 2) + "\n");
    return 0;
  }
  io.stdout.write(page.items.length ? formatDecisionList(page.items) : "no decisions\n");
  if (page.nextCursor) io.stderr.write(`more decisions: add --cursor ${page.nextCursor}\n`);
  return 0;
}

async function runDecisionsGet({ positionals, values, io, client }: Context): Promise<number> {
  const [id, ...extra] = positionals;
  if (!id || extra.length) throw new UsageError("decisions get needs exactly one decision id", "decisions get");
  const lineage = await getDecision(client(), id);
  io.stdout.write(values.json ? JSON.stringify(lineage, null, 2) + "\n" : formatLineage(lineage));
  return 0;
}

async function runDecisionsReplayRange({ positionals, values, io, client }: Context): Promise<number> {
  if (positionals.length) throw new UsageError(`unexpected argument(s): ${positionals.join(" ")}`, "decisions replay-range");
  const model = values.model as string | undefined;
  if (!model) throw new UsageError("--model is required", "decisions replay-range");
  const job = await replayRange(
    client(),
    { model, version: values.version as string | undefined, from: values.from as string | undefined, to: values.to as string | undefined },
    { wait: values.wait === true, onProgress: (j) => io.stderr.write(`replay job ${j.id}: ${j.status}, ${j.processed}${j.total !== null ? ` of ${j.total}` : ""}\n`) },
  );
  io.stdout.write(values.json ? JSON.stringify(job, null, 2) + "\n" : formatReplayJob(job));
  if (values.wait !== true) return 0;
  return replayJobReproduced(job) ? 0 : 1;
}

async function runDecisionsReplayStatus({ positionals, values, io, client }: Context): Promise<number> {
  const [id, ...extra] = positionals;
  if (!id || extra.length) throw new UsageError("decisions replay-status needs exactly one job id", "decisions replay-status");
  const job = await getReplayJob(client(), id);
  io.stdout.write(values.json ? JSON.stringify(job, null, 2) + "\n" : formatReplayJob(job));
  return replayJobReproduced(job) ? 0 : 1;
}

async function runDecisionsReplay({ positionals, values, io, client }: Context): Promise<number> {
  const [id, ...extra] = positionals;
  if (!id || extra.length) throw new UsageError("decisions replay needs exactly one decision id", "decisions replay");
  const input = parseJsonObject(values.input as string | undefined, "--input", "decisions replay");
  const result = await replayDecision(client(), id, input);
  io.stdout.write(values.json ? JSON.stringify(result, null, 2) + "\n" : formatReplay(result));
  if (replayReproduced(result)) return 0;
  io.stderr.write(`replay of ${result.decisionId} DIFFERS from the recorded decision (max |diff| ${result.replay.maxAbsDiff ?? "n/a"})\n`);
  return 1;
}
