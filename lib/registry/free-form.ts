// Bounds on the uploader's free-form JSON (metadata, hyperparameters, seeds, metrics). The registry
// never interprets these values, but it stores them forever in an immutable version, hashes them,
// signs them and shows them to reviewers, so each one is bounded: a 7 KB manifest nested 1,700 levels
// deep must not become a 17 MB page (or a stack overflow) for the lifetime of the version.

export const FREE_FORM_LIMITS = {
  /** Levels of nested objects/arrays in one field, counting the field's own object. */
  maxDepth: 32,
  /** Keys of any one object. */
  maxKeys: 1_000,
  /** Items of any one array. */
  maxItems: 10_000,
  /** Characters of any one key. */
  maxKeyLength: 200,
  /** Characters of any one string value. */
  maxStringLength: 10_000,
  /** Bytes of the field as compact JSON (UTF-8). */
  maxBytes: 64 * 1024,
} as const;

/**
 * Nesting allowed in manifest.json as a whole, checked on the raw text before it is parsed: the
 * deepest legitimate value (training.hyperparameters at the free-form limit) is 34 levels, and the
 * schema validator recurses once per level, so an unbounded depth would overflow its stack.
 */
export const MAX_MANIFEST_NESTING = 64;

export type FreeFormProblem = { path: string[]; message: string };

/** Problems are capped so a huge value gets a readable answer, not ten thousand lines. */
const MAX_PROBLEMS = 10;

/** Every way `value` exceeds FREE_FORM_LIMITS (at most MAX_PROBLEMS), with paths relative to it. */
export function freeFormProblems(value: unknown): FreeFormProblem[] {
  const problems: FreeFormProblem[] = [];
  const limits = FREE_FORM_LIMITS;
  // Iterative, so an over-deep value (one stored before these limits existed) cannot overflow the stack.
  const stack: { value: unknown; path: string[]; depth: number }[] = [{ value, path: [], depth: 1 }];
  while (stack.length && problems.length < MAX_PROBLEMS) {
    const { value: v, path, depth } = stack.pop()!;
    if (typeof v === "string") {
      if (v.length > limits.maxStringLength) problems.push({ path, message: `string of ${v.length} characters; at most ${limits.maxStringLength} allowed` });
      continue;
    }
    if (v === null || typeof v !== "object") continue;
    if (depth > limits.maxDepth) {
      problems.push({ path, message: `nested deeper than ${limits.maxDepth} levels` });
      continue;
    }
    if (Array.isArray(v)) {
      if (v.length > limits.maxItems) problems.push({ path, message: `array of ${v.length} items; at most ${limits.maxItems} allowed` });
      for (let i = Math.min(v.length, limits.maxItems) - 1; i >= 0; i--) stack.push({ value: v[i], path: [...path, String(i)], depth: depth + 1 });
      continue;
    }
    const keys = Object.keys(v);
    if (keys.length > limits.maxKeys) problems.push({ path, message: `object of ${keys.length} keys; at most ${limits.maxKeys} allowed` });
    for (const key of keys.slice(0, limits.maxKeys).reverse()) {
      if (key.length > limits.maxKeyLength)
        problems.push({ path: [...path, key.slice(0, 40) + "…"], message: `key of ${key.length} characters; at most ${limits.maxKeyLength} allowed` });
      else stack.push({ value: (v as Record<string, unknown>)[key], path: [...path, key], depth: depth + 1 });
    }
  }
  if (problems.length === 0) {
    // Only measured once the shape is bounded: the depth limit makes JSON.stringify safe here.
    const bytes = Buffer.byteLength(JSON.stringify(value) ?? "");
    if (bytes > limits.maxBytes) problems.push({ path: [], message: `${bytes} bytes as JSON; at most ${limits.maxBytes} allowed` });
  }
  return problems.slice(0, MAX_PROBLEMS);
}

/**
 * The deepest nesting of objects/arrays in a JSON text, scanning bytes without parsing (strings and
 * their escapes are skipped). Stops as soon as `limit` is exceeded and returns limit + 1, so the cost
 * is bounded by the text, never by its depth.
 */
export function jsonNestingDepth(text: string, limit: number): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (++depth > deepest) {
        deepest = depth;
        if (deepest > limit) return limit + 1;
      }
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) depth--;
  }
  return deepest;
}
