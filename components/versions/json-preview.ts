// Uploader-written JSON (the manifest, its metadata and hyperparameters) as the version page shows it:
// a one-line description and a capped, pretty-printed preview. Values at the upload limits, and larger
// ones stored before the limits existed, render as a few kilobytes instead of megabytes.
import { formatBytes } from "@/lib/format/bytes";

export type JsonShape = {
  kind: "object" | "array" | "string" | "number" | "boolean" | "null";
  /** Keys of an object, items of an array, characters of a string. */
  entries: number | null;
  /** UTF-8 bytes as compact JSON; null if the value cannot be serialized. */
  bytes: number | null;
};

export function describeJson(value: unknown): JsonShape {
  const kind = value === null ? "null" : Array.isArray(value) ? "array" : (typeof value as JsonShape["kind"]);
  const entries = Array.isArray(value) ? value.length : kind === "object" ? Object.keys(value as object).length : typeof value === "string" ? value.length : null;
  let bytes: number | null;
  try {
    bytes = new TextEncoder().encode(JSON.stringify(value)).length;
  } catch {
    bytes = null; // deeper than the serializer's stack
  }
  return { kind, entries, bytes };
}

const plural = (n: number, one: string, many: string) => `${n.toLocaleString("en")} ${n === 1 ? one : many}`;

/** "object · 12 keys · 1.3 KiB" */
export function formatShape({ kind, entries, bytes }: JsonShape): string {
  const parts: string[] = [kind];
  if (entries !== null) parts.push(kind === "object" ? plural(entries, "key", "keys") : kind === "array" ? plural(entries, "item", "items") : plural(entries, "character", "characters"));
  if (bytes !== null) parts.push(formatBytes(bytes));
  return parts.join(" · ");
}

export type PreviewLimits = {
  /** Characters of the whole preview; it is cut at the last full line before this. */
  maxChars: number;
  /** Levels shown; deeper objects and arrays are summarised as `{…}` / `[…]` with their size. */
  maxDepth: number;
  /** Characters shown of any one string or key. */
  maxStringChars: number;
};

export const MANIFEST_PREVIEW: PreviewLimits = { maxChars: 24_000, maxDepth: 12, maxStringChars: 1_000 };
export const FIELD_PREVIEW: PreviewLimits = { maxChars: 6_000, maxDepth: 8, maxStringChars: 500 };

export type JsonPreview = { text: string; truncated: boolean };

/**
 * Pretty-printed like JSON.stringify(value, null, 2), identical to it when the value is within the
 * limits; otherwise elided where the limits bite and marked `truncated`. Work and output are bounded
 * by the limits, never by the value: big arrays are not walked past the character budget, and levels
 * past maxDepth are not visited.
 */
export function previewJson(value: unknown, limits: PreviewLimits): JsonPreview {
  const out: string[] = [];
  let length = 0;
  let truncated = false;
  const full = () => length > limits.maxChars;
  const write = (s: string) => {
    out.push(s);
    length += s.length;
  };
  const str = (s: string) => {
    if (s.length <= limits.maxStringChars) return JSON.stringify(s);
    truncated = true;
    return `${JSON.stringify(s.slice(0, limits.maxStringChars)).slice(0, -1)}…" (${s.length.toLocaleString("en")} characters)`;
  };

  const emit = (v: unknown, indent: string, depth: number) => {
    if (v === null || typeof v !== "object") {
      write(typeof v === "string" ? str(v) : (JSON.stringify(v) ?? "null"));
      return;
    }
    const isArray = Array.isArray(v);
    const keys = isArray ? null : Object.keys(v);
    const count = isArray ? v.length : keys!.length;
    const [open, close] = isArray ? ["[", "]"] : ["{", "}"];
    if (count === 0) return write(open + close);
    if (depth >= limits.maxDepth) {
      truncated = true;
      return write(`${open}… ${isArray ? plural(count, "item", "items") : plural(count, "key", "keys")}${close}`);
    }
    const inner = `${indent}  `;
    write(`${open}\n`);
    for (let i = 0; i < count; i++) {
      if (full()) {
        truncated = true;
        return;
      }
      write(inner);
      if (isArray) emit(v[i], inner, depth + 1);
      else {
        write(`${str(keys![i]!)}: `);
        emit((v as Record<string, unknown>)[keys![i]!], inner, depth + 1);
      }
      write(i < count - 1 ? ",\n" : "\n");
    }
    write(indent + close);
  };

  emit(value, "", 0);
  let text = out.join("");
  if (full()) {
    // Elisions inside the text are marked where they are; a cut at the end gets a line of its own.
    truncated = true;
    const cut = text.lastIndexOf("\n", limits.maxChars);
    text = `${text.slice(0, cut > 0 ? cut : limits.maxChars)}\n…`;
  }
  return { text, truncated };
}
