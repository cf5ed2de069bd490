// What an API handler returns, and how it is written to Node's socket. Bodies are strings, bytes or
// Node streams: downloads are piped straight from the object store to the socket with their
// Content-Length, with no web-stream conversion in between.
import type { ServerResponse } from "node:http";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";

export type ApiResponse = {
  status: number;
  headers?: Record<string, string>;
  body?: string | Uint8Array | Readable | null;
};

/** A JSON response. BigInts (sizes) are written as numbers; they fit below 2^53. */
export function json(body: unknown, init: { status?: number; headers?: Record<string, string> } = {}): ApiResponse {
  return {
    status: init.status ?? 200,
    headers: { "content-type": "application/json", ...init.headers },
    body: JSON.stringify(body, (_k, v) => (typeof v === "bigint" ? Number(v) : v)),
  };
}

/**
 * Writes the response. A stream that fails mid-way (e.g. a blob whose bytes no longer match their
 * digest) destroys the socket: with Content-Length declared, the client sees a short body and knows
 * the download failed, instead of receiving wrong bytes as if they were complete.
 */
export async function writeResponse(res: ServerResponse, response: ApiResponse, method: string): Promise<void> {
  const { body } = response;
  const headers: Record<string, string> = { ...response.headers };
  if (typeof body === "string" || body instanceof Uint8Array) {
    const bytes = typeof body === "string" ? Buffer.from(body) : body;
    headers["content-length"] = String(bytes.byteLength);
    res.writeHead(response.status, headers);
    res.end(method === "HEAD" ? undefined : bytes);
    return;
  }
  res.writeHead(response.status, headers);
  if (!body || method === "HEAD") {
    if (body instanceof Readable) body.destroy();
    res.end();
    return;
  }
  try {
    await pipeline(body, res);
  } catch {
    res.destroy();
  }
}
