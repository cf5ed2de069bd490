// HTTP `Range: bytes=…` (RFC 9110 §14.1.2) resolved against a known size. Only single ranges are
// honoured; anything else (multiple ranges, other units) is ignored and the full body is served,
// which the RFC permits.
import { AppError } from "../errors/app-error.ts";

export function parseRangeHeader(header: string | null, size: number): { start: number; end: number } | undefined {
  if (!header) return undefined;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match) return undefined;
  const [, first, last] = match;
  let start: number, end: number;
  if (first === "" && last === "") return undefined;
  if (first === "") {
    const suffix = Number(last);
    if (suffix === 0) throw unsatisfiable(size);
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(first);
    end = last === "" ? size - 1 : Math.min(Number(last), size - 1);
    if (last !== "" && Number(last) < start) return undefined; // syntactically invalid: ignore
  }
  if (start >= size || end < start) throw unsatisfiable(size);
  return { start, end };
}

function unsatisfiable(size: number) {
  return new AppError("range_not_satisfiable", "range_not_satisfiable", `the requested range is outside the file (${size} bytes)`, undefined, {
    "content-range": `bytes */${size}`,
  });
}
