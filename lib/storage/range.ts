// Byte-range rules shared by both drivers, so "out of range" means the same thing everywhere.
import { RangeNotSatisfiableError, type ByteRange } from "./types.ts";

/** Shape check before any I/O: integers with 0 <= start <= end. */
export function assertRangeShape(range: ByteRange): void {
  const { start, end } = range;
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start) {
    throw new RangeNotSatisfiableError(range, undefined);
  }
}

/**
 * Full check against the blob size. Unlike HTTP, an `end` past the last byte is an error rather than
 * clamped: callers resolve open-ended HTTP ranges (`bytes=100-`, suffixes) to exact ones first, so a
 * too-large end here is a bug or a stale size, and silently shortening the answer would hide it.
 * An empty blob has no satisfiable range.
 */
export function assertRangeWithin(range: ByteRange, size: number): void {
  assertRangeShape(range);
  if (range.end >= size) throw new RangeNotSatisfiableError(range, size);
}

export function rangeLength(range: ByteRange): number {
  return range.end - range.start + 1;
}
