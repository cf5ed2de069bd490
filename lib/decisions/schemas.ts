// zod schemas of the decisions API's inputs, shared by the endpoint table (lib/api) and the services.
import { z } from "zod";
import { freeFormProblems } from "../registry/free-form.ts";

/** Printable text without control characters (request ids and client ids end up in logs and headers). */
const printable = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .regex(/^[^\u0000-\u001f\u007f]*$/, "control characters are not allowed");

/** Text Postgres cannot store in jsonb: U+0000, and UTF-16 surrogates without their pair. */
const unstorable = (text: string) => text.includes("\u0000") || !text.isWellFormed();

/**
 * Paths of strings (and keys) Postgres cannot store in jsonb — it would fail the write after the
 * model ran, a 500 for the client's input — so they are refused at the boundary instead.
 */
export function unstorablePaths(root: unknown): (string | number)[][] {
  const out: (string | number)[][] = [];
  // Iterative, and not below 64 levels (deeper values are refused as too deep anyway): a client's
  // 5,000-level array must not overflow the stack.
  const stack: { value: unknown; path: (string | number)[] }[] = [{ value: root, path: [] }];
  while (stack.length > 0 && out.length < 10) {
    const { value, path } = stack.pop()!;
    if (typeof value === "string") {
      if (unstorable(value)) out.push(path);
    } else if (value && typeof value === "object" && path.length < 64) {
      for (const [k, v] of Object.entries(value)) {
        if (!Array.isArray(value) && unstorable(k)) out.push([...path, k]);
        stack.push({ value: v, path: [...path, Array.isArray(value) ? Number(k) : k] });
      }
    }
  }
  return out;
}

export const UNSTORABLE_TEXT = "NUL characters (U+0000) and unpaired UTF-16 surrogates cannot be stored";

/** A zod refinement: no unstorable text in any string or key. */
export function refuseUnstorable(value: unknown, ctx: z.RefinementCtx): void {
  for (const path of unstorablePaths(value)) ctx.addIssue({ code: "custom", path, message: UNSTORABLE_TEXT });
}

/** Whether one string can be stored (validate-rows checks category values with it). */
export const isStorableText = (text: string): boolean => !unstorable(text);

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
