// POST /api/v1/decisions: an external server reports the decisions it made with versions the
// registry holds, as JSON lines. The body is read line by line (never held whole); every line is
// checked and written inside one transaction, so a bad line anywhere refuses the whole batch and
// nothing of it is stored. A decision is identified by the client's own id: a batch sent again after a
// timeout stores nothing twice, and a re-sent id with different content is refused.
import { randomUUID } from "node:crypto";
import type { Readable } from "node:stream";
import { z } from "zod";
import { recordAuditEvent } from "../audit/record-event.ts";
import { credentialOf } from "../audit/credential.ts";
import { assertAllowed } from "../auth/permissions.ts";
import type { Actor } from "../auth/roles.ts";
import { isDeadlock, isTransactionStartTimeout } from "../db/errors.ts";
import type { Tx } from "../db/types.ts";
import { AppError, conflict, unprocessable, type FieldError } from "../errors/app-error.ts";
import { canonicalJson } from "../integrity/canonical-json.ts";
import { unstorableMessage, unstorablePaths } from "../schemas/storable-text.ts";
import type { Manifest } from "../registry/envelope.ts";
import { newDecisionId } from "./decision-id.ts";
import type { DecisionServices } from "./decision-services.ts";
import { inputDigest, retainInput, type Row } from "./input-digest.ts";
import { insertReportedDecisions, type DecisionRecord } from "./insert-decisions.ts";
import { boundedJsonObject, metadataSchema, printable, requestIdSchema } from "./schemas.ts";
import { validateRows } from "./validate-rows.ts";

export const REPORT_MEDIA_TYPES = ["application/x-ndjson", "application/jsonl", "application/json-lines"];
export const MAX_REPORT_LINE_BYTES = 256 * 1024;
export const MAX_REPORT_LINES = 100_000;
/** A decision may be reported this far ahead of the server's clock (clock skew), no further. */
const FUTURE_SKEW_MS = 5 * 60_000;
// Small enough that a batch of 1,000 lines is several statements, so parsing overlaps inserting.
const INSERT_CHUNK = 250;

const outputSchema = boundedJsonObject()
  .describe("the model's outputs by output name, as predict answers them (e.g. {label: 1, probabilities: [0.3, 0.7]})");

export const reportedDecisionSchema = z
  .strictObject({
    id: printable(200)
      .describe("the reporting server's own id for the decision; the same id is stored once per model"),
    manifestDigest: z
      .string()
      .regex(/^(sha256:)?[0-9a-f]{64}$/, "a lowercase hex sha256 (optionally prefixed sha256:)")
      .transform((d) => d.replace(/^sha256:/, ""))
      .describe("the manifest digest of the version that made the decision"),
    at: z.iso
      .datetime({ offset: true })
      .refine((t) => Date.parse(t) >= 0, "before 1970-01-01: a decision id (UUIDv7) cannot carry that time")
      .describe("when the decision was made (ISO 8601 with offset), 1970 or later"),
    input: boundedJsonObject().describe("the row the version was given, keyed by feature name"),
    output: outputSchema,
    score: z.number().nullable().optional(),
    latencyMs: z.number().nonnegative().max(86_400_000).optional(),
    requestId: requestIdSchema.optional(),
    metadata: metadataSchema.optional(),
  })
  .meta({ id: "ReportedDecision" });

export type ReportResult = { batchId: string; received: number; stored: number; duplicates: number };

type KnownVersion = { versionId: string; modelId: string; model: string; version: string; schema: Manifest["inputSchema"] };

export async function reportDecisions(
  services: DecisionServices,
  opts: { actor: Actor; contentType: string | null; body: Readable },
): Promise<ReportResult> {
  const mediaType = (opts.contentType ?? "").split(";")[0]!.trim().toLowerCase();
  if (!REPORT_MEDIA_TYPES.includes(mediaType))
    throw new AppError("unsupported_media_type", "json_lines_required", `send the decisions as JSON lines (Content-Type: ${REPORT_MEDIA_TYPES[0]}), one decision per line`);
  const batchId = randomUUID();
  const credential = credentialOf(opts.actor);
  const now = Date.now();

  // A batch holds a database connection for as long as its body takes to arrive: a few at a time per
  // process, so slow or many reporters can never take the connections predict and the pages need.
  const slots = services.reportSlots;
  if (slots.inUse >= slots.max)
    throw new AppError("unavailable", "reports_busy", `this server takes at most ${slots.max} report batches at once; retry shortly (nothing of this batch was stored)`, undefined, {
      "Retry-After": "2",
    });
  slots.inUse++;
  try {
    return await writeBatch(services, opts, batchId, credential, now);
  } catch (error) {
    if (isDeadlock(error))
      throw conflict("concurrent_batch", "another batch with some of the same decision ids was being stored at the same time; send this batch again (nothing of it was stored, and a re-sent decision is stored once)");
    if (isTransactionStartTimeout(error)) throw new AppError("unavailable", "database_busy", "the database had no free connection; retry shortly (nothing of this batch was stored)", undefined, { "Retry-After": "2" });
    throw error;
  } finally {
    slots.inUse--;
  }
}

async function writeBatch(
  services: DecisionServices,
  opts: { actor: Actor; body: Readable },
  batchId: string,
  credential: string | null,
  now: number,
): Promise<ReportResult> {
  return services.prisma.$transaction(
    async (tx) => {
      const versions = new Map<string, KnownVersion>();
      const models = new Set<string>();
      let chunk: { line: number; record: DecisionRecord }[] = [];
      // The same id twice in one batch: the second is compared with the first here (one INSERT cannot).
      const seen = new Map<string, DecisionRecord>();
      let received = 0;
      let stored = 0;
      let first: Date | undefined;
      let last: Date | undefined;

      // One statement at a time on the transaction's connection, while the next chunk is parsed and
      // checked: the JavaScript work (~17 ms per 1,000 lines) overlaps the INSERT (~30 ms).
      let pending: Promise<void> | undefined;
      const write = async (rows: { line: number; record: DecisionRecord }[]) => {
        const inserted = await insertReportedDecisions(tx, rows.map((c) => c.record));
        stored += inserted.size;
        const skipped = rows.filter((c) => !inserted.has(`${c.record.modelId}/${c.record.clientId!}`));
        if (skipped.length > 0) await assertSameAsStored(tx, skipped);
      };
      const flush = async () => {
        if (chunk.length === 0) return;
        // In client-id order: two batches holding the same ids then lock them in the same order.
        const rows = chunk.sort((a, b) => (a.record.clientId! < b.record.clientId! ? -1 : a.record.clientId! > b.record.clientId! ? 1 : 0));
        chunk = [];
        await pending;
        pending = write(rows);
        pending.catch(() => undefined); // surfaced where it is awaited (next flush, or the end)
      };

      try {
        for await (const { line, text } of jsonLines(opts.body)) {
          if (received >= MAX_REPORT_LINES)
            throw new AppError("payload_too_large", "too_many_lines", `at most ${MAX_REPORT_LINES} decisions per batch; send the rest in another batch (nothing of this one was stored)`);
          received++;
          let value: unknown;
          try {
            value = JSON.parse(text);
          } catch (error) {
            throw lineError(line, "", `not valid JSON: ${(error as Error).message}`);
          }
          // Before zod, which copies objects and would silently drop a "__proto__" key.
          const unstorable = unstorablePaths(value);
          if (unstorable.length > 0) throw lineErrors(line, unstorable.map((p) => ({ path: p.join("."), message: unstorableMessage(p) })));
          const parsed = reportedDecisionSchema.safeParse(value);
          if (!parsed.success) throw lineErrors(line, parsed.error.issues.map((i) => ({ path: i.path.map(String).join("."), message: i.message })));
          const d = parsed.data;
          const at = new Date(d.at);
          if (at.getTime() > now + FUTURE_SKEW_MS) throw lineError(line, "at", "in the future; report decisions after they are made");

          let known = versions.get(d.manifestDigest);
          if (!known) {
            known = await findVersionByDigest(tx, d.manifestDigest, line);
            const owners = await tx.modelOwner.findMany({ where: { modelId: known.modelId }, select: { userId: true } });
            assertAllowed(opts.actor, "decisions.report", { owners: owners.map((o) => o.userId) });
            versions.set(d.manifestDigest, known);
            models.add(known.model);
          }
          if (known.schema) {
            const problems = validateRows([d.input], known.schema, () => "input");
            if (problems.length > 0) throw lineErrors(line, problems);
          }
          const digest = inputDigest(services.inputKey, d.input as Row);
          const key = `${known.modelId}/${d.id}`;
          const earlier = seen.get(key);
          if (earlier !== undefined) {
            const again = { manifestDigest: d.manifestDigest, at, inputDigest: digest, output: d.output, score: d.score ?? null, latencyMs: d.latencyMs ?? null, requestId: d.requestId ?? null, metadata: d.metadata ?? null };
            if (!sameDecision(earlier, again))
              throw lineError(line, "id", `decision '${d.id}' appears earlier in this batch with different content`);
            continue;
          }
          const kept = retainInput(d.input as Row, services.retention);
          first = !first || at < first ? at : first;
          last = !last || at > last ? at : last;
          const record: DecisionRecord = {
            id: newDecisionId(at),
            at,
            modelId: known.modelId,
            versionId: known.versionId,
            manifestDigest: d.manifestDigest,
            source: "reported",
            inputDigest: digest,
            inputRetention: services.retention.mode,
            input: kept.input,
            redactedFields: kept.redactedFields,
            output: d.output,
            score: d.score ?? null,
            latencyMs: d.latencyMs ?? null,
            actorType: opts.actor.type,
            actorId: opts.actor.id,
            credential,
            requestId: d.requestId ?? null,
            clientId: d.id,
            batchId,
            metadata: d.metadata ?? null,
          };
          seen.set(key, record);
          chunk.push({ line, record });
          if (chunk.length >= INSERT_CHUNK) await flush();
        }
      } catch (error) {
        // The statement in flight finishes before the transaction is rolled back.
        await pending?.catch(() => undefined);
        throw error;
      }
      await flush();
      await pending;
      if (received === 0) throw unprocessable("empty_batch", "the body holds no decisions (one JSON object per line)");

      await recordAuditEvent(tx, {
        actor: opts.actor,
        action: "decisions.reported",
        subject: { type: "decision_batch", id: batchId },
        payload: {
          received,
          stored,
          duplicates: received - stored,
          models: [...models].sort(),
          versions: [...versions.values()].map((v) => ({ model: v.model, version: v.version })),
          from: first?.toISOString(),
          to: last?.toISOString(),
        },
      });
      return { batchId, received, stored, duplicates: received - stored };
    },
    { timeout: 15 * 60_000, maxWait: 30_000 },
  );
}

async function findVersionByDigest(tx: Tx, digest: string, line: number): Promise<KnownVersion> {
  const row = await tx.modelVersion.findFirst({
    where: { manifestDigest: digest },
    select: { id: true, modelId: true, version: true, manifest: true, model: { select: { name: true } } },
  });
  if (!row) throw lineError(line, "manifestDigest", "no version in this registry has this manifest digest");
  return { versionId: row.id, modelId: row.modelId, model: row.model.name, version: row.version, schema: (row.manifest as Manifest).inputSchema };
}

/** A re-sent client id is fine when it is the same decision; a different one under a used id is refused. */
async function assertSameAsStored(tx: Tx, skipped: { line: number; record: DecisionRecord }[]): Promise<void> {
  const stored = await tx.decision.findMany({
    where: { OR: skipped.map((s) => ({ modelId: s.record.modelId, clientId: s.record.clientId })) },
    select: { modelId: true, clientId: true, manifestDigest: true, inputDigest: true, output: true, at: true, score: true, latencyMs: true, requestId: true, metadata: true },
  });
  const byKey = new Map(stored.map((s) => [`${s.modelId}/${s.clientId}`, s]));
  for (const { line, record } of skipped) {
    const s = byKey.get(`${record.modelId}/${record.clientId}`);
    if (!s || !sameDecision(s, record)) {
      const error = conflict("decision_id_reused", `line ${line}: decision '${record.clientId}' was already reported with different content; nothing of this batch was stored`);
      throw new AppError(error.kind, error.code, error.message, [{ path: `lines.${line}.id`, message: "already reported with a different version, time, input or output" }]);
    }
  }
}

type Comparable = Pick<DecisionRecord, "manifestDigest" | "at" | "inputDigest" | "output" | "score" | "latencyMs" | "requestId" | "metadata">;

/** The same decision: version, time, input (by digest), output and score, latency, request id, metadata. */
function sameDecision(a: Comparable, b: Comparable): boolean {
  return (
    a.manifestDigest === b.manifestDigest &&
    a.at.getTime() === b.at.getTime() &&
    a.inputDigest === b.inputDigest &&
    (a.score ?? null) === (b.score ?? null) &&
    (a.latencyMs ?? null) === (b.latencyMs ?? null) &&
    (a.requestId ?? null) === (b.requestId ?? null) &&
    canonicalJson(a.output) === canonicalJson(b.output) &&
    canonicalJson(a.metadata ?? null) === canonicalJson(b.metadata ?? null)
  );
}

function lineErrors(line: number, problems: FieldError[]): AppError {
  return unprocessable(
    "invalid_decision_line",
    `line ${line}: ${problems.map((p) => (p.path ? `${p.path}: ${p.message}` : p.message)).join("; ")}; nothing of this batch was stored`,
    problems.map((p) => ({ path: `lines.${line}${p.path ? "." + p.path : ""}`, message: p.message })),
  );
}

const lineError = (line: number, path: string, message: string) => lineErrors(line, [{ path, message }]);

/**
 * The body's lines (1-based numbers), split on \n (a trailing \r dropped), blank lines skipped. A line
 * longer than MAX_REPORT_LINE_BYTES is refused as soon as it gets that long, so a body without
 * newlines cannot make the server buffer it.
 */
export async function* jsonLines(body: AsyncIterable<Buffer | string> | Readable): AsyncGenerator<{ line: number; text: string }> {
  let parts: Buffer[] = [];
  let partBytes = 0;
  let line = 0;
  const emit = (buffer: Buffer) => {
    line++;
    let text = buffer.toString("utf8");
    if (text.endsWith("\r")) text = text.slice(0, -1);
    return text.trim() === "" ? undefined : { line, text };
  };
  for await (const raw of body as AsyncIterable<Buffer | string>) {
    let chunk = typeof raw === "string" ? Buffer.from(raw) : raw;
    let nl = chunk.indexOf(10);
    while (nl !== -1) {
      const piece = chunk.subarray(0, nl);
      if (partBytes + piece.length > MAX_REPORT_LINE_BYTES) throw tooLong(line + 1);
      const whole = parts.length ? Buffer.concat([...parts, piece]) : piece;
      parts = [];
      partBytes = 0;
      const out = emit(whole);
      if (out) yield out;
      chunk = chunk.subarray(nl + 1);
      nl = chunk.indexOf(10);
    }
    if (chunk.length) {
      partBytes += chunk.length;
      if (partBytes > MAX_REPORT_LINE_BYTES) throw tooLong(line + 1);
      parts.push(Buffer.from(chunk));
    }
  }
  if (partBytes > 0) {
    const out = emit(Buffer.concat(parts));
    if (out) yield out;
  }
}

const tooLong = (line: number) =>
  new AppError("payload_too_large", "line_too_long", `line ${line} is longer than ${MAX_REPORT_LINE_BYTES} bytes; one decision per line`, [
    { path: `lines.${line}`, message: `longer than ${MAX_REPORT_LINE_BYTES} bytes` },
  ]);
