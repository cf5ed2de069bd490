// Rows sent to predict, checked against the version's input schema before anything runs or is
// stored: each row an object of the declared features (an unknown key is refused — a typo must not
// silently become a missing value), each value of its declared type, within [min, max], one of the
// categories, and present unless the feature is nullable (a missing nullable value is fed as missing).
// Every problem is reported with its row and field (rows.3.age), all of them at once.
import type { FieldError } from "../errors/app-error.ts";
import type { Manifest } from "../registry/envelope.ts";
import type { Row } from "./input-digest.ts";
import { isStorableText, UNSTORABLE_TEXT } from "../schemas/storable-text.ts";

type InputSchema = NonNullable<Manifest["inputSchema"]>;
type Feature = InputSchema["features"][number];

const MAX_ERRORS = 50;

/** Field errors for `rows` under `schema` (empty when every row is valid); at most 50 are listed. */
export function validateRows(rows: readonly unknown[], schema: InputSchema, rowPath: (i: number) => string = (i) => `rows.${i}`): FieldError[] {
  const errors: FieldError[] = [];
  const features = new Map(schema.features.map((f) => [f.name, f]));
  for (let i = 0; i < rows.length && errors.length < MAX_ERRORS; i++) {
    const row = rows[i];
    const at = rowPath(i);
    if (typeof row !== "object" || row === null || Array.isArray(row)) {
      errors.push({ path: at, message: "a row is an object of feature values" });
      continue;
    }
    for (const key of Object.keys(row)) {
      if (!features.has(key)) errors.push({ path: `${at}.${key}`, message: `'${key}' is not a feature of this version's input schema` });
    }
    for (const feature of schema.features) {
      const problem = valueProblem(feature, (row as Row)[feature.name]);
      if (problem) errors.push({ path: `${at}.${feature.name}`, message: problem });
    }
  }
  return errors.slice(0, MAX_ERRORS);
}

function valueProblem(feature: Feature, value: unknown): string | undefined {
  if (value === null || value === undefined)
    return feature.nullable ? undefined : "missing; this feature is not nullable in the input schema";
  switch (feature.type) {
    case "bool":
      return typeof value === "boolean" ? undefined : `expected true or false, got ${describe(value)}`;
    case "category": {
      if (typeof value !== "string" && typeof value !== "number") return `expected a category (string or number), got ${describe(value)}`;
      if (typeof value === "string" && !isStorableText(value)) return UNSTORABLE_TEXT;
      if (feature.categories && !feature.categories.some((c) => String(c) === String(value)))
        return `'${String(value)}' is not one of the declared categories (${feature.categories.slice(0, 20).join(", ")}${feature.categories.length > 20 ? ", …" : ""})`;
      return undefined;
    }
    case "int":
    case "float": {
      if (typeof value !== "number" || !Number.isFinite(value)) return `expected a finite number, got ${describe(value)}`;
      if (feature.type === "int" && !Number.isInteger(value)) return `expected an integer, got ${value}`;
      if (feature.min !== undefined && value < feature.min) return `${value} is below the schema's minimum ${feature.min}`;
      if (feature.max !== undefined && value > feature.max) return `${value} is above the schema's maximum ${feature.max}`;
      return undefined;
    }
  }
}

function describe(value: unknown): string {
  if (typeof value === "string") return `the string ${JSON.stringify(value.length > 40 ? value.slice(0, 40) + "…" : value)}`;
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  return String(value);
}
