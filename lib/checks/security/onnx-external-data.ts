// ONNX external data: a tensor may keep its bytes in another file named by a `location` that runtimes
// resolve relative to the model's directory. Uploaded models must not point outside the envelope
// ("../../etc/passwd", absolute paths) or at files that were not uploaded, or loading the model on any
// machine would read whatever happens to be there.
import onnxProto from "onnx-proto";
import type { Finding } from "../types.ts";

const { onnx } = onnxProto;
type ModelProto = InstanceType<typeof onnx.ModelProto>;
type TensorProto = InstanceType<typeof onnx.TensorProto>;

export class InvalidOnnxModelError extends Error {}

/** Decodes a ModelProto; anything that is not one (or has no graph) is refused. */
export function decodeOnnxModel(bytes: Uint8Array): ModelProto {
  let model: ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (e) {
    throw new InvalidOnnxModelError(`not a valid ONNX model (${(e as Error).message})`);
  }
  if (!model.graph) throw new InvalidOnnxModelError("not a valid ONNX model (it has no graph)");
  return model;
}

export type ExternalDataReference = {
  /** Where in the model the tensor sits, e.g. "graph.node[2].attribute[0].g.initializer[0]". */
  where: string;
  tensor: string;
  /** The last `location` entry: the one onnxruntime (and onnx's Python loader) ends up using. */
  location: string | undefined;
  /** Every `location` entry, in order; more than one is refused (see duplicateKeys). */
  locations: string[];
  offset: string | undefined;
  length: string | undefined;
  /** Keys that appear more than once in external_data: readers disagree on which one wins. */
  duplicateKeys: string[];
};

const MAX_DEPTH = 64;

/**
 * Every TensorProto stored externally, anywhere in the model: graph initializers, sparse initializers,
 * tensors in node attributes, subgraphs (If/Loop/Scan bodies), training graphs and functions.
 */
export function findExternalDataReferences(model: ModelProto): ExternalDataReference[] {
  const found: ExternalDataReference[] = [];
  const visit = (value: unknown, where: string, depth: number) => {
    if (depth > MAX_DEPTH || typeof value !== "object" || value === null || value instanceof Uint8Array) return;
    if (Array.isArray(value)) {
      value.forEach((v, i) => visit(v, `${where}[${i}]`, depth + 1));
      return;
    }
    if (value instanceof onnx.TensorProto) {
      const t: TensorProto = value;
      if (t.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL) {
        // onnxruntime walks the entries in order and keeps the last value of each key; onnx's Python
        // helper builds a dict (last wins too). Keep them all so each can be checked.
        const all = (key: string) => t.externalData.filter((e) => e.key === key).map((e) => e.value ?? "");
        const last = (key: string) => all(key).at(-1);
        const counts = new Map<string, number>();
        for (const e of t.externalData) counts.set(e.key ?? "", (counts.get(e.key ?? "") ?? 0) + 1);
        found.push({
          where,
          tensor: t.name,
          location: last("location"),
          locations: all("location"),
          offset: last("offset"),
          length: last("length"),
          duplicateKeys: [...counts].filter(([, n]) => n > 1).map(([k]) => k),
        });
      }
      return;
    }
    // Only descend into generated protobuf messages (they have a static decode), not Longs or buffers.
    const ctor = (value as { constructor?: { decode?: unknown } }).constructor;
    if (typeof ctor?.decode !== "function") return;
    for (const [key, v] of Object.entries(value)) visit(v, where ? `${where}.${key}` : key, depth + 1);
  };
  visit(model, "", 0);
  return found;
}

export type LocationResolution = { ok: true; path: string } | { ok: false; reason: string };

/**
 * Resolves `location` against the directory of the model file, refusing anything that could leave
 * the envelope. ".." is refused even when it would normalize back inside: no legitimate exporter
 * writes it, and runtimes differ in how they normalize.
 */
export function resolveExternalLocation(location: string, artifactPath: string): LocationResolution {
  if (location.length === 0) return { ok: false, reason: "is empty" };
  if (location.includes("\0")) return { ok: false, reason: "contains a NUL byte" };
  if (location.includes("\\")) return { ok: false, reason: "contains a backslash (a Windows path separator)" };
  if (location.startsWith("/")) return { ok: false, reason: "is an absolute path" };
  if (/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(location)) return { ok: false, reason: "starts with a drive letter or URL scheme" };
  const parts = location.split("/");
  if (parts.includes("..")) return { ok: false, reason: "contains '..' and would leave the model's directory" };
  const kept = parts.filter((p) => p !== "" && p !== ".");
  if (kept.length === 0 || location.endsWith("/")) return { ok: false, reason: "names a directory, not a file" };
  const dir = artifactPath.includes("/") ? artifactPath.slice(0, artifactPath.lastIndexOf("/")).split("/") : [];
  return { ok: true, path: [...dir, ...kept].join("/") };
}

export type ExternalDataCheck = { findings: Finding[]; references: (ExternalDataReference & { resolvedPath?: string })[] };

export function checkExternalData(
  model: ModelProto,
  artifactPath: string,
  files: ReadonlyMap<string, { size: number }>,
): ExternalDataCheck {
  const findings: Finding[] = [];
  const references: ExternalDataCheck["references"] = [];
  for (const ref of findExternalDataReferences(model)) {
    const label = `tensor '${ref.tensor}' (${ref.where})`;
    const details = { file: artifactPath, tensor: ref.tensor, where: ref.where, location: ref.location ?? null };
    if (ref.duplicateKeys.length > 0) {
      findings.push({
        severity: "error",
        code: "onnx_external_data_duplicate_key",
        message: `${artifactPath}: ${label} repeats the external data key(s) ${ref.duplicateKeys.map((k) => `'${k}'`).join(", ")}${
          ref.locations.length > 1 ? ` (locations ${ref.locations.map((l) => `'${l}'`).join(", ")})` : ""
        }; runtimes differ in which entry they use, so the model is refused`,
        details: { ...details, duplicateKeys: ref.duplicateKeys, locations: ref.locations },
      });
    }
    if (ref.location === undefined) {
      findings.push({ severity: "error", code: "onnx_external_data_invalid", message: `${artifactPath}: ${label} is stored externally but names no location`, details });
      references.push(ref);
      continue;
    }
    // Every location entry must stay inside the envelope, not only the one a given runtime picks.
    let outside = false;
    for (const location of new Set(ref.locations)) {
      const r = resolveExternalLocation(location, artifactPath);
      if (r.ok) continue;
      outside = true;
      findings.push({
        severity: "error",
        code: "onnx_external_data_outside_envelope",
        message: `${artifactPath}: ${label} reads external data from '${location}', which ${r.reason}; external data must be a file inside the envelope`,
        details: { ...details, location },
      });
    }
    const resolved = resolveExternalLocation(ref.location, artifactPath);
    if (outside || !resolved.ok) {
      references.push(ref);
      continue;
    }
    for (const location of new Set(ref.locations.slice(0, -1))) {
      const r = resolveExternalLocation(location, artifactPath);
      if (r.ok && !files.has(r.path))
        findings.push({
          severity: "error",
          code: "onnx_external_data_missing",
          message: `${artifactPath}: ${label} reads external data from '${r.path}', which is not a file of this version`,
          details: { ...details, location, resolvedPath: r.path },
        });
    }
    references.push({ ...ref, resolvedPath: resolved.path });
    const file = files.get(resolved.path);
    if (!file) {
      findings.push({
        severity: "error",
        code: "onnx_external_data_missing",
        message: `${artifactPath}: ${label} reads external data from '${resolved.path}', which is not a file of this version`,
        details: { ...details, resolvedPath: resolved.path },
      });
      continue;
    }
    const offset = parseCount(ref.offset);
    const length = parseCount(ref.length);
    if (offset === null || length === null) {
      findings.push({
        severity: "error",
        code: "onnx_external_data_invalid",
        message: `${artifactPath}: ${label} has a non-numeric external data offset or length`,
        details: { ...details, offset: ref.offset ?? null, length: ref.length ?? null },
      });
      continue;
    }
    const start = offset ?? 0;
    const end = start + (length ?? 0);
    if (start > file.size || end > file.size) {
      findings.push({
        severity: "error",
        code: "onnx_external_data_out_of_range",
        message: `${artifactPath}: ${label} reads bytes ${start}..${end} of '${resolved.path}', which has only ${file.size}`,
        details: { ...details, resolvedPath: resolved.path, offset: start, length: length ?? null, fileSize: file.size },
      });
    }
  }
  return { findings, references };
}

/** undefined when absent, null when present but not a non-negative decimal integer. */
function parseCount(value: string | undefined): number | undefined | null {
  if (value === undefined) return undefined;
  if (!/^\d{1,15}$/.test(value)) return null;
  return Number(value);
}
