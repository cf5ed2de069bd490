// Text Postgres cannot store: U+0000 (refused in TEXT and in jsonb) and UTF-16 surrogates without
// their pair (refused in jsonb). Also the key "__proto__", which JSON.parse keeps but every object
// copy drops (so what was stored, or hashed, would silently differ from what was sent). A client's string holding either would make the write fail after
// everything else succeeded — a 500 for the client's own input — so every boundary refuses them first:
// JSON request bodies (lib/http/json-body.ts), manifest.json (lib/registry/envelope.ts), and the
// decisions' own bodies (lib/decisions/schemas.ts).
import type { z } from "zod";

export const UNSTORABLE_TEXT = "NUL characters (U+0000) and unpaired UTF-16 surrogates cannot be stored";
export const RESERVED_KEY = "the key __proto__ is not accepted (JavaScript would drop it silently)";

/** Whether one string can be stored. */
export const isStorableText = (text: string): boolean => !text.includes("\u0000") && text.isWellFormed();

const MAX_TRACKED_DEPTH = 64;

/**
 * Paths of the strings and keys in `root` that cannot be stored (at most 10). Iterative, so any
 * depth is scanned without recursion; below 64 levels a path is not extended further (the deepest
 * legitimate value is far shallower), which keeps the scan linear in the value's size.
 */
export function unstorablePaths(root: unknown): (string | number)[][] {
  const out: (string | number)[][] = [];
  const stack: { value: unknown; path: (string | number)[] }[] = [{ value: root, path: [] }];
  while (stack.length > 0 && out.length < 10) {
    const { value, path } = stack.pop()!;
    if (typeof value === "string") {
      if (!isStorableText(value)) out.push(path);
    } else if (value !== null && typeof value === "object") {
      const array = Array.isArray(value);
      for (const [k, v] of Object.entries(value)) {
        if (!array && (!isStorableText(k) || k === "__proto__")) out.push([...path, k]);
        stack.push({ value: v, path: path.length < MAX_TRACKED_DEPTH ? [...path, array ? Number(k) : k] : path });
      }
    }
  }
  return out;
}

/** The message for one path unstorablePaths returned. */
export const unstorableMessage = (path: readonly (string | number)[]): string => (path[path.length - 1] === "__proto__" ? RESERVED_KEY : UNSTORABLE_TEXT);

/** A zod refinement: no unstorable text in any string or key. */
export function refuseUnstorable(value: unknown, ctx: z.RefinementCtx): void {
  for (const path of unstorablePaths(value)) ctx.addIssue({ code: "custom", path, message: unstorableMessage(path) });
}
