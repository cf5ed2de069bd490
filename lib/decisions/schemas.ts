// zod schemas of the decisions API's inputs, shared by the endpoint table (lib/api) and the services.
import { z } from "zod";
import { freeFormProblems } from "../registry/free-form.ts";
import { isStorableText, refuseUnstorable, UNSTORABLE_TEXT } from "../schemas/storable-text.ts";

/** Printable text without control characters (request ids and client ids end up in logs and headers). */
export const printable = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .regex(/^[^\u0000-\u001f\u007f]*$/, "control characters are not allowed")
    .refine(isStorableText, UNSTORABLE_TEXT);

/** A JSON object within the free-form limits (depth, keys, sizes) whose text Postgres can store. */
export const boundedJsonObject = () =>
  z.record(z.string(), z.unknown()).superRefine((value, ctx) => {
    const problems = freeFormProblems(value);
    for (const p of problems) ctx.addIssue({ code: "custom", path: p.path, message: p.message });
    if (problems.length === 0) refuseUnstorable(value, ctx);
  });

export const requestIdSchema = printable(200).describe("the caller's id for the request (e.g. the loan application id); decisions can be looked up by it");

export const MAX_METADATA_BYTES = 4096;

export const metadataSchema = z
  .record(z.string(), z.unknown())
  .superRefine((value, ctx) => {
    const problems = freeFormProblems(value);
    for (const p of problems) ctx.addIssue({ code: "custom", path: p.path, message: p.message });
    // Only a value of bounded shape is walked further (JSON.stringify recurses once per level).
    if (problems.length > 0) return;
    refuseUnstorable(value, ctx);
    const bytes = Buffer.byteLength(JSON.stringify(value));
    if (bytes > MAX_METADATA_BYTES) ctx.addIssue({ code: "custom", message: `${bytes} bytes as JSON; at most ${MAX_METADATA_BYTES} allowed` });
  })
  .describe(`free-form caller metadata stored with each decision (at most ${MAX_METADATA_BYTES} bytes as JSON)`);

export const predictQuery = z
  .object({
    alias: z.string().min(1).max(100).optional().describe("the alias to run (default prod)"),
    version: z.string().min(1).max(128).optional().describe("a version to run instead of an alias"),
  })
  .refine((q) => !(q.alias && q.version), { message: "give alias or version, not both", path: ["version"] });

export const predictBody = z.strictObject({
  rows: z.array(z.unknown()).min(1, "send at least one row").describe("rows keyed by feature name, checked against the version's input schema"),
  requestId: requestIdSchema.optional(),
  metadata: metadataSchema.optional(),
});
