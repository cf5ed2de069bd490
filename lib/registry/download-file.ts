// Serving one file of a version: streamed from the object store, verified as it flows (a corrupt
// blob aborts the response instead of delivering wrong bytes), with ETag and Range support.
import type { Tx } from "../db/types.ts";
import { parseRangeHeader } from "../http/range-header.ts";
import type { ApiResponse } from "../http/response.ts";
import type { ObjectStore } from "../storage/index.ts";
import { isValidMediaType } from "./rules.ts";
import { findVersionFile } from "./versions.ts";

export type DownloadOptions = { model: string; version: string; path: string; range: string | null; ifNoneMatch: string | null };

export async function downloadVersionFile(deps: { prisma: Tx; store: ObjectStore }, opts: DownloadOptions): Promise<ApiResponse> {
  const file = await findVersionFile(deps.prisma, opts.model, opts.version, opts.path);
  const etag = `"sha256:${file.digest}"`;
  const headers: Record<string, string> = {
    etag,
    "accept-ranges": "bytes",
    "content-type": servedMediaType(file.mediaType),
    // Bytes of a version never change, so caches may keep them; the ETag names the content.
    "cache-control": "private, max-age=31536000, immutable",
    "content-disposition": `attachment; filename="${encodeURIComponent(opts.path.split("/").pop()!)}"`,
    "x-content-sha256": file.digest,
    "x-content-type-options": "nosniff",
  };
  if (opts.ifNoneMatch && opts.ifNoneMatch.split(",").some((t) => t.trim() === etag || t.trim() === "*"))
    return { status: 304, headers };
  const range = parseRangeHeader(opts.range, file.size);
  const blob = await deps.store.getBlob(file.digest, range ? { range } : undefined);
  headers["content-length"] = String(blob.contentLength);
  if (range) headers["content-range"] = `bytes ${range.start}-${range.end}/${file.size}`;
  return { status: range ? 206 : 200, headers, body: blob.stream };
}

/**
 * The Content-Type a stored media type is served with. Versions registered before media types were
 * validated at upload may hold any string (even one with CR/LF, which no header may carry); the
 * bytes must stay downloadable, so such a value is served as opaque bytes instead of failing.
 */
export function servedMediaType(stored: string): string {
  return isValidMediaType(stored) ? stored : "application/octet-stream";
}
