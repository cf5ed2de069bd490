// What a reviewer compares before signing off: the candidate against the version its target stage
// serves now — reported metrics with the delta, the input schema feature by feature (the schema
// gate's own changes, so the table and the gate can never disagree), each group's fairness rates
// from the two fairness runs, and which files' bytes changed. Pure: the caller loads both versions
// and their latest check runs. Manifests and check metrics are read loosely (safeParse): a version
// stored by an older registry, or a newer checker's metrics, must not break the review page.
import { z } from "zod";
import { schemaCompatibility, type SchemaChange, type SchemaCompatibility } from "./schema-compatibility.ts";

const featureSchema = z.object({
  name: z.string(),
  type: z.string(),
  min: z.number().optional(),
  max: z.number().optional(),
  nullable: z.boolean().optional(),
  categories: z.array(z.union([z.string(), z.number(), z.boolean()])).optional(),
});
const inputSchemaSchema = z.object({
  features: z.array(featureSchema),
  outputs: z.object({ label: z.string().optional(), score: z.string().optional(), positiveClass: z.union([z.string(), z.number(), z.boolean()]).optional() }).optional(),
});
const metricsSchema = z.record(z.string(), z.unknown());
const rateSchema = z.number().nullable().optional();
const groupSchema = z.object({ n: z.number(), selectionRate: rateSchema, truePositiveRate: rateSchema, falsePositiveRate: rateSchema, tooSmall: z.boolean().optional() });
const fairnessSchema = z.object({ attributes: z.record(z.string(), z.object({ groups: z.record(z.string(), groupSchema) })) });

export type Feature = z.infer<typeof featureSchema>;

/** One side of the comparison: a version's manifest and files, and the metrics of its latest fairness run. */
export type ComparedVersion = {
  version: string;
  manifest: Record<string, unknown>;
  files: readonly { path: string; sha256: string; role: string }[];
  fairnessMetrics: Record<string, unknown> | null;
};

export type MetricRow = { name: string; candidate: number | null; prod: number | null; delta: number | null };

export type SchemaRow = {
  feature: string;
  candidate: Feature | null;
  prod: Feature | null;
  status: "added" | "removed" | "changed" | "unchanged";
  breaking: boolean;
  /** The schema gate's messages about this feature. */
  changes: string[];
};

export type Rates = { n: number; selectionRate: number | null; truePositiveRate: number | null; falsePositiveRate: number | null; tooSmall: boolean };
export type FairnessRow = { group: string; candidate: Rates | null; prod: Rates | null };
export type FileRow = { path: string; role: string; candidate: string | null; prod: string | null; status: "unchanged" | "changed" | "added" | "removed" };

export type VersionComparison = {
  candidate: string;
  prod: string;
  metrics: MetricRow[];
  schema: {
    /** The schema gate's verdict and sentence; null when neither side declares a schema. */
    compatibility: SchemaCompatibility | null;
    rows: SchemaRow[];
    /** Changes not about one feature (outputs, a removed schema). */
    other: SchemaChange[];
  };
  /** Per sensitive attribute, every group either run saw. Empty when neither side has fairness metrics. */
  fairness: { attribute: string; rows: FairnessRow[] }[];
  files: FileRow[];
};

function numericMetrics(manifest: Record<string, unknown>): Map<string, number> {
  const parsed = metricsSchema.safeParse(manifest.metrics);
  const out = new Map<string, number>();
  if (parsed.success) for (const [k, v] of Object.entries(parsed.data)) if (typeof v === "number" && Number.isFinite(v)) out.set(k, v);
  return out;
}

function inputSchemaOf(manifest: Record<string, unknown>) {
  const parsed = inputSchemaSchema.safeParse(manifest.inputSchema);
  return parsed.success ? parsed.data : undefined;
}

function ratesOf(metrics: Record<string, unknown> | null) {
  const parsed = fairnessSchema.safeParse(metrics);
  return parsed.success ? parsed.data.attributes : {};
}

const toRates = (g: z.infer<typeof groupSchema>): Rates => ({
  n: g.n,
  selectionRate: g.selectionRate ?? null,
  truePositiveRate: g.truePositiveRate ?? null,
  falsePositiveRate: g.falsePositiveRate ?? null,
  tooSmall: g.tooSmall ?? false,
});

const union = (a: Iterable<string>, b: Iterable<string>) => [...new Set([...a, ...b])];

/** Rounds away float noise (0.91 − 0.9 = 0.010000000000000009) so a delta reads as people expect. */
const round = (n: number) => Math.round(n * 1e9) / 1e9;

export function compareVersions({ candidate, prod }: { candidate: ComparedVersion; prod: ComparedVersion }): VersionComparison {
  const cm = numericMetrics(candidate.manifest);
  const pm = numericMetrics(prod.manifest);
  const metrics = union(pm.keys(), cm.keys()).map((name) => {
    const c = cm.get(name) ?? null;
    const p = pm.get(name) ?? null;
    return { name, candidate: c, prod: p, delta: c !== null && p !== null ? round(c - p) : null };
  });

  const cs = inputSchemaOf(candidate.manifest);
  const ps = inputSchemaOf(prod.manifest);
  // The gate's own comparison (only when it can run: a version's semver is always valid here).
  const compatibility =
    cs || ps
      ? schemaCompatibility({
          prod: { version: prod.version, inputSchema: prod.manifest.inputSchema as Parameters<typeof schemaCompatibility>[0]["prod"]["inputSchema"] },
          candidate: { version: candidate.version, inputSchema: candidate.manifest.inputSchema as Parameters<typeof schemaCompatibility>[0]["candidate"]["inputSchema"] },
        })
      : null;
  const changesByFeature = new Map<string, SchemaChange[]>();
  for (const change of compatibility?.changes ?? []) if (change.feature) changesByFeature.set(change.feature, [...(changesByFeature.get(change.feature) ?? []), change]);
  const cFeatures = new Map((cs?.features ?? []).map((f) => [f.name, f]));
  const pFeatures = new Map((ps?.features ?? []).map((f) => [f.name, f]));
  const rows: SchemaRow[] = union(pFeatures.keys(), cFeatures.keys()).map((feature) => {
    const c = cFeatures.get(feature) ?? null;
    const p = pFeatures.get(feature) ?? null;
    const changes = changesByFeature.get(feature) ?? [];
    const status = !p ? "added" : !c ? "removed" : changes.length ? "changed" : "unchanged";
    return { feature, candidate: c, prod: p, status, breaking: changes.some((x) => x.breaking), changes: changes.map((x) => x.message) };
  });

  const ca = ratesOf(candidate.fairnessMetrics);
  const pa = ratesOf(prod.fairnessMetrics);
  const fairness = union(Object.keys(pa), Object.keys(ca)).map((attribute) => {
    const cg = ca[attribute]?.groups ?? {};
    const pg = pa[attribute]?.groups ?? {};
    return {
      attribute,
      rows: union(Object.keys(pg), Object.keys(cg)).map((group) => ({
        group,
        candidate: cg[group] ? toRates(cg[group]) : null,
        prod: pg[group] ? toRates(pg[group]) : null,
      })),
    };
  });

  const cFiles = new Map(candidate.files.map((f) => [f.path, f]));
  const pFiles = new Map(prod.files.map((f) => [f.path, f]));
  const files: FileRow[] = union(cFiles.keys(), pFiles.keys())
    .sort()
    .map((path) => {
      const c = cFiles.get(path);
      const p = pFiles.get(path);
      return {
        path,
        role: (c ?? p)!.role,
        candidate: c?.sha256 ?? null,
        prod: p?.sha256 ?? null,
        status: !p ? "added" : !c ? "removed" : c.sha256 === p.sha256 ? "unchanged" : "changed",
      };
    });

  return {
    candidate: candidate.version,
    prod: prod.version,
    metrics,
    schema: { compatibility, rows, other: (compatibility?.changes ?? []).filter((c) => !c.feature) },
    fairness,
    files,
  };
}
