// The "schema compatibility" gate for prod: the candidate's input schema and outputs are compared
// with the current prod version's. A change that can break a caller of the prod alias — a removed
// or newly required feature, a type change, a narrowed range, a removed category, a changed output —
// is breaking and needs a higher major version than prod; anything else (a new optional feature, a
// wider range, a new category) is compatible. Every change a caller could notice is listed for the
// reviewer (descriptions are not).
import semver from "semver";
import type { Manifest } from "../registry/envelope.ts";

type InputSchema = NonNullable<Manifest["inputSchema"]>;
type Feature = InputSchema["features"][number];

export type SchemaChange = { breaking: boolean; feature?: string; message: string };

export type SchemaCompatibility = {
  verdict: "pass" | "fail";
  /** One sentence for the reviewer. */
  summary: string;
  changes: SchemaChange[];
};

const fmt = (v: unknown) => (v === undefined ? "none" : JSON.stringify(v));

function featureChanges(before: Feature, after: Feature): SchemaChange[] {
  const name = before.name;
  const out: SchemaChange[] = [];
  const push = (breaking: boolean, message: string) => out.push({ breaking, feature: name, message: `${name}: ${message}` });
  if (before.type !== after.type) push(true, `type changed from ${before.type} to ${after.type}`);
  if (before.nullable && !after.nullable) push(true, "no longer nullable: callers must now always send it");
  if (!before.nullable && after.nullable) push(false, "now nullable");
  // A bound that appears, or moves inward, refuses values prod accepted.
  if (after.min !== undefined && (before.min === undefined || after.min > before.min)) push(true, `minimum raised from ${fmt(before.min)} to ${after.min}`);
  else if (before.min !== after.min) push(false, `minimum lowered from ${fmt(before.min)} to ${fmt(after.min)}`);
  if (after.max !== undefined && (before.max === undefined || after.max < before.max)) push(true, `maximum lowered from ${fmt(before.max)} to ${after.max}`);
  else if (before.max !== after.max) push(false, `maximum raised from ${fmt(before.max)} to ${fmt(after.max)}`);
  // Categories compare as text, as the checks and the runtime compare them.
  const cats = (f: Feature) => (f.categories ?? []).map(String);
  const removed = cats(before).filter((c) => !cats(after).includes(c));
  const added = cats(after).filter((c) => !cats(before).includes(c));
  if (before.categories && !after.categories && after.type === "category") push(false, "categories no longer restricted");
  else if (removed.length) push(true, `categories removed: ${removed.join(", ")}`);
  if (added.length) push(!before.categories && after.type === "category", `categories ${before.categories ? "added" : "now restricted to"}: ${added.join(", ")}`);
  return out;
}

export function schemaCompatibility({ prod, candidate }: { prod: { version: string; inputSchema?: InputSchema }; candidate: { version: string; inputSchema?: InputSchema } }): SchemaCompatibility {
  const changes: SchemaChange[] = [];
  const before = prod.inputSchema;
  const after = candidate.inputSchema;
  if (!before) {
    return { verdict: "pass", summary: `Prod ${prod.version} declares no input schema, so there is nothing to be compatible with.`, changes };
  }
  if (!after) {
    changes.push({ breaking: true, message: "the input schema was removed" });
  } else {
    const afterByName = new Map(after.features.map((f) => [f.name, f]));
    const beforeNames = new Set(before.features.map((f) => f.name));
    for (const f of before.features) {
      const next = afterByName.get(f.name);
      if (!next) changes.push({ breaking: true, feature: f.name, message: `${f.name}: removed` });
      else changes.push(...featureChanges(f, next));
    }
    for (const f of after.features) {
      if (beforeNames.has(f.name)) continue;
      changes.push(f.nullable ? { breaking: false, feature: f.name, message: `${f.name}: added (optional)` } : { breaking: true, feature: f.name, message: `${f.name}: added and required` });
    }
    for (const key of ["label", "score", "positiveClass"] as const) {
      const a = before.outputs?.[key];
      const b = after.outputs?.[key];
      if (a !== b) changes.push({ breaking: true, message: `output ${key} changed from ${fmt(a)} to ${fmt(b)}` });
    }
  }
  const breaking = changes.filter((c) => c.breaking).length;
  const bumped = semver.major(candidate.version) > semver.major(prod.version);
  if (breaking === 0)
    return { verdict: "pass", summary: changes.length ? `Compatible with prod ${prod.version} (${changes.length} compatible change${changes.length > 1 ? "s" : ""}).` : `Same input schema and outputs as prod ${prod.version}.`, changes };
  const what = `${breaking} breaking change${breaking > 1 ? "s" : ""} against prod ${prod.version}`;
  return bumped
    ? { verdict: "pass", summary: `${what}, allowed by the major version bump to ${candidate.version}.`, changes }
    : { verdict: "fail", summary: `${what}: a breaking change needs a higher major version than ${semver.major(prod.version)}.x (this is ${candidate.version}).`, changes };
}
