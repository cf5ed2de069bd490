// The envelope CI uploads: manifest.json plus files. This schema is the contract, documented field by
// field in docs/envelope.md (keep them in step); unknown fields are refused so a typo never silently drops a claim.
import { z } from "zod";
import { FREE_FORM_LIMITS, freeFormProblems, jsonNestingDepth, MAX_MANIFEST_NESTING } from "./free-form.ts";
import { unstorableMessage, unstorablePaths } from "../schemas/storable-text.ts";
import { filePathSchema, MAX_MEDIA_TYPE_LENGTH, mediaTypeProblem, modelNameSchema, versionSchema } from "./rules.ts";

const sha256Schema = z.string().regex(/^[0-9a-f]{64}$/, "must be a lowercase hex sha256");
const jsonValue: z.ZodType<unknown> = z.json();

const { maxDepth, maxKeys, maxItems, maxKeyLength, maxStringLength, maxBytes } = FREE_FORM_LIMITS;
const freeFormDescription =
  `Free-form JSON, never interpreted. Bounded at upload: at most ${maxDepth} levels of nesting, ${maxKeys} keys per object, ` +
  `${maxItems} items per array, keys of ${maxKeyLength} and strings of ${maxStringLength} characters, ${maxBytes / 1024} KiB as JSON.`;
const freeForm = () => z.record(z.string(), jsonValue).meta({ description: freeFormDescription });

export const artifactFormats = ["onnx", "pickle", "joblib", "safetensors", "other"] as const;

const featureSchema = z
  .strictObject({
    name: z.string().min(1).max(200),
    type: z.enum(["int", "float", "bool", "category"]),
    min: z.number().optional(),
    max: z.number().optional(),
    nullable: z.boolean().optional(),
    categories: z.array(z.union([z.string(), z.number()])).max(10_000).optional(),
    description: z.string().max(2000).optional(),
  })
  .superRefine((f, ctx) => {
    if (f.min !== undefined && f.max !== undefined && f.min > f.max)
      ctx.addIssue({ code: "custom", path: ["max"], message: "max must be >= min" });
    if (f.categories && f.type !== "category")
      ctx.addIssue({ code: "custom", path: ["categories"], message: "categories are only allowed for type 'category'" });
  });

const inputSchemaSchema = z
  .strictObject({
    features: z.array(featureSchema).min(1).max(10_000),
    tensor: z.string().min(1).max(200).optional(),
    outputs: z
      .strictObject({
        label: z.string().min(1).optional(),
        score: z.string().min(1).optional(),
        positiveClass: z.union([z.number(), z.string()]).optional(),
      })
      .optional(),
  })
  .superRefine((s, ctx) => {
    const seen = new Set<string>();
    s.features.forEach((f, i) => {
      if (seen.has(f.name)) ctx.addIssue({ code: "custom", path: ["features", i, "name"], message: `duplicate feature '${f.name}'` });
      seen.add(f.name);
    });
  });

export const manifestSchema = z
  .strictObject({
    name: modelNameSchema,
    version: versionSchema,
    description: z.string().max(10_000).optional(),
    artifact: z.strictObject({ path: filePathSchema, format: z.enum(artifactFormats) }),
    framework: z.strictObject({ name: z.string().min(1).max(100), version: z.string().max(100).optional() }).optional(),
    opset: z.number().int().min(1).max(1000).optional(),
    source: z
      .strictObject({
        gitCommit: z.string().max(200).optional(),
        repository: z.string().max(2000).optional(),
        pipelineRun: z.string().max(2000).optional(),
      })
      .optional(),
    training: z
      .strictObject({
        datasetSha256: sha256Schema.optional(),
        rows: z.number().int().nonnegative().optional(),
        seeds: freeForm().optional(),
        hyperparameters: freeForm().optional(),
      })
      .optional(),
    metrics: z
      .record(z.string().max(200), z.number())
      .meta({ description: `Reported metrics by name. At most ${maxKeys} at upload.` })
      .optional(),
    inputSchema: inputSchemaSchema.optional(),
    files: z
      .record(
        filePathSchema,
        z.strictObject({
          sha256: sha256Schema.optional(),
          size: z.number().int().nonnegative().optional(),
          mediaType: z
            .string()
            .max(MAX_MEDIA_TYPE_LENGTH)
            .meta({
              description:
                "Served as the file's Content-Type. At upload it must be an RFC 9110 media type (type/subtype, then '; name=value' parameters with token or quoted-string values), printable ASCII only.",
              example: "text/csv; charset=utf-8",
            })
            .optional(),
        }),
      )
      .optional(),
    testVectors: filePathSchema.optional(),
    evaluation: z
      .strictObject({
        path: filePathSchema,
        label: z.string().min(1),
        sensitive: z.array(z.string().min(1)).min(1),
        format: z.enum(["csv", "jsonl"]).optional(),
      })
      .optional(),
    adversarial: z
      .strictObject({ epsilon: z.number().positive().max(1), vectors: filePathSchema.optional() })
      .optional(),
    card: filePathSchema.optional(),
    changelog: z.string().max(100_000).optional(),
    /** Free-form labels for things the schema does not know about; never interpreted. */
    metadata: freeForm().optional(),
  })
  .meta({ id: "Manifest", description: "manifest.json of an envelope (see docs/envelope.md)" });

export type Manifest = z.infer<typeof manifestSchema>;

export type FileRole = "artifact" | "testVectors" | "evaluation" | "adversarial" | "card" | "other";

/** Extensions of tabular/array data. Such a file is only allowed as the declared evaluation set,
 * because training data must never travel inside an envelope. */
const DATA_EXTENSIONS = /\.(csv|tsv|jsonl|ndjson|parquet|arrow|feather|avro|orc|npy|npz|h5|hdf5|tfrecord|xlsx?)(\.(gz|zst|bz2|xz))?$/i;

/** Every file the manifest declares, with its role. Throws nothing: conflicts are reported by declaredFileProblems. */
export function declaredFiles(manifest: Manifest): Map<string, FileRole> {
  const files = new Map<string, FileRole>();
  const add = (path: string | undefined, role: FileRole) => {
    if (path && !files.has(path)) files.set(path, role);
  };
  add(manifest.artifact.path, "artifact");
  add(manifest.testVectors, "testVectors");
  add(manifest.evaluation?.path, "evaluation");
  add(manifest.adversarial?.vectors, "adversarial");
  add(manifest.card, "card");
  for (const path of Object.keys(manifest.files ?? {})) add(path, "other");
  return files;
}

/** Cross-field rules that a per-field schema cannot express. */
export function declaredFileProblems(manifest: Manifest): { path: string; message: string }[] {
  const problems: { path: string; message: string }[] = [];
  const roles = declaredFiles(manifest);
  for (const [path, role] of roles) {
    if (role !== "evaluation" && DATA_EXTENSIONS.test(path)) {
      problems.push({
        path: `files.${path}`,
        message: `'${path}' looks like a data set; only the declared evaluation set may be uploaded (training data never is)`,
      });
    }
  }
  // One path in two roles would make the role ambiguous (e.g. the card is the artifact).
  const named: [string, string | undefined][] = [
    ["artifact.path", manifest.artifact.path],
    ["testVectors", manifest.testVectors],
    ["evaluation.path", manifest.evaluation?.path],
    ["adversarial.vectors", manifest.adversarial?.vectors],
    ["card", manifest.card],
  ];
  const seen = new Map<string, string>();
  for (const [field, path] of named) {
    if (!path) continue;
    const other = seen.get(path);
    if (other) problems.push({ path: field, message: `'${path}' is already declared as ${other}` });
    seen.set(path, field);
  }
  if (manifest.evaluation && !manifest.inputSchema)
    problems.push({ path: "inputSchema", message: "an evaluation set needs an inputSchema to map its columns" });
  return problems;
}

/**
 * Rules a new upload must meet beyond the schema's shape: bounded free-form fields and media types
 * that are valid header values. They are not part of manifestSchema because stored manifests are
 * read back with it (the checks do), and a version registered before a rule existed stays readable.
 */
export function uploadRuleProblems(manifest: Manifest): { path: string; message: string }[] {
  const problems: { path: string; message: string }[] = [];
  const freeFormFields: [string, unknown][] = [
    ["training.seeds", manifest.training?.seeds],
    ["training.hyperparameters", manifest.training?.hyperparameters],
    ["metrics", manifest.metrics],
    ["metadata", manifest.metadata],
  ];
  for (const [field, value] of freeFormFields) {
    if (value === undefined) continue;
    for (const p of freeFormProblems(value)) problems.push({ path: [field, ...p.path].join("."), message: p.message });
  }
  for (const [path, file] of Object.entries(manifest.files ?? {})) {
    const problem = file.mediaType === undefined ? undefined : mediaTypeProblem(file.mediaType);
    if (problem) problems.push({ path: `files.${path}.mediaType`, message: problem });
  }
  return problems;
}

export type ManifestProblem = { path: string; message: string };

/** Why manifest.json was refused: `code` is the API's stable error code, paths start with "manifest". */
export type ManifestRefusal = { code: "malformed_manifest" | "manifest_too_deep" | "invalid_manifest"; message: string; problems: ManifestProblem[] };

/**
 * manifest.json as text → a manifest that a new upload of `model` may register, or why not. One
 * implementation for the server and the CLI (`modelSource` names where the model name came from, for
 * the message). The nesting pre-scan runs first: JSON.parse copes with any depth, but the schema
 * validator recurses once per level and would overflow its stack.
 */
export function parseManifestText(text: string, model: string, modelSource: string): { manifest: Manifest } | { refusal: ManifestRefusal } {
  if (jsonNestingDepth(text, MAX_MANIFEST_NESTING) > MAX_MANIFEST_NESTING) {
    const message = `nested deeper than ${MAX_MANIFEST_NESTING} levels (free-form fields allow ${FREE_FORM_LIMITS.maxDepth})`;
    return { refusal: { code: "manifest_too_deep", message: `manifest.json is ${message}`, problems: [{ path: "manifest", message }] } };
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    return { refusal: { code: "malformed_manifest", message: `manifest.json is not valid JSON: ${(error as Error).message}`, problems: [] } };
  }
  const unstorable = unstorablePaths(raw);
  if (unstorable.length > 0) return { refusal: invalidManifest(unstorable.map((path) => ({ path: ["manifest", ...path].join("."), message: unstorableMessage(path) }))) };
  const result = manifestSchema.safeParse(raw);
  if (!result.success)
    return { refusal: invalidManifest(result.error.issues.map((i) => ({ path: ["manifest", ...i.path.map(String)].join("."), message: i.message }))) };
  const manifest = result.data;
  const problems = [...declaredFileProblems(manifest), ...uploadRuleProblems(manifest)];
  if (manifest.name !== model) problems.push({ path: "name", message: `is '${manifest.name}' but ${modelSource} is '${model}'` });
  if (problems.length) return { refusal: invalidManifest(problems.map((p) => ({ path: `manifest.${p.path}`, message: p.message }))) };
  return { manifest };
}

function invalidManifest(problems: ManifestProblem[]): ManifestRefusal {
  return { code: "invalid_manifest", message: `manifest.json is invalid: ${problems.map((e) => `${e.path}: ${e.message}`).join("; ")}`, problems };
}

const MEDIA_TYPES: [RegExp, string][] = [
  [/\.onnx$/i, "application/vnd.onnx"],
  [/\.json$/i, "application/json"],
  [/\.(jsonl|ndjson)$/i, "application/jsonl"],
  [/\.md$/i, "text/markdown; charset=utf-8"],
  [/\.csv$/i, "text/csv; charset=utf-8"],
  [/\.txt$/i, "text/plain; charset=utf-8"],
  [/\.(pkl|pickle)$/i, "application/x-pickle"],
  [/\.joblib$/i, "application/x-joblib"],
  [/\.safetensors$/i, "application/x-safetensors"],
];

export function mediaTypeFor(path: string, declared?: string): string {
  if (declared) return declared;
  return MEDIA_TYPES.find(([re]) => re.test(path))?.[1] ?? "application/octet-stream";
}
