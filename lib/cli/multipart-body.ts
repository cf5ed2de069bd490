// A multipart/form-data request body written by hand, as a stream. FormData/Blob would either
// buffer every file or hide the byte count; here each file is read from disk in chunks while it is
// sent, memory stays flat whatever the artifact's size, the exact Content-Length is known before
// the first byte (so proxies and the server's MAX_UPLOAD_BYTES check see it), and every chunk can
// be counted for a progress bar.
import { randomBytes } from "node:crypto";
import { createReadStream } from "node:fs";

export type MultipartPart =
  | { kind: "field"; name: string; value: string; contentType?: string }
  | { kind: "file"; name: string; filename: string; filePath: string; size: number; contentType?: string };

export type MultipartProgress = {
  /** Called with the size of every chunk as the consumer pulls it. */
  onBytes?(bytes: number): void;
  onPartStart?(part: MultipartPart, index: number): void;
  onPartEnd?(part: MultipartPart, index: number): void;
};

export type MultipartBody = {
  boundary: string;
  contentType: string;
  /** Exactly the number of bytes chunks() yields. */
  contentLength: number;
  /** Pull-based: a slow connection slows the disk reads instead of filling memory. */
  chunks(progress?: MultipartProgress): AsyncGenerator<Buffer>;
};

const CRLF = "\r\n";
const READ_CHUNK_BYTES = 1024 * 1024;

export function createMultipartBody(parts: MultipartPart[], { boundary = randomBoundary() }: { boundary?: string } = {}): MultipartBody {
  if (!/^[0-9A-Za-z'()+_,\-./:=?]{1,70}$/.test(boundary)) throw new Error(`invalid multipart boundary '${boundary}'`);
  const heads = parts.map((part) => Buffer.from(`--${boundary}${CRLF}${partHeaders(part)}${CRLF}`, "utf8"));
  const tail = Buffer.from(`--${boundary}--${CRLF}`, "utf8");
  const trailer = Buffer.from(CRLF);
  const contentLength =
    parts.reduce((sum, part, i) => sum + heads[i]!.length + partSize(part) + trailer.length, 0) + tail.length;

  async function* chunks(progress: MultipartProgress = {}): AsyncGenerator<Buffer> {
    const emit = (chunk: Buffer) => {
      progress.onBytes?.(chunk.length);
      return chunk;
    };
    for (const [index, part] of parts.entries()) {
      progress.onPartStart?.(part, index);
      yield emit(heads[index]!);
      if (part.kind === "field") yield emit(Buffer.from(part.value, "utf8"));
      else for await (const chunk of readExactly(part.filePath, part.size)) yield emit(chunk);
      yield emit(trailer);
      progress.onPartEnd?.(part, index);
    }
    yield emit(tail);
  }

  return { boundary, contentType: `multipart/form-data; boundary=${boundary}`, contentLength, chunks };
}

function randomBoundary(): string {
  return `----model-registry-${randomBytes(16).toString("hex")}`;
}

function partSize(part: MultipartPart): number {
  return part.kind === "field" ? Buffer.byteLength(part.value, "utf8") : part.size;
}

function partHeaders(part: MultipartPart): string {
  const disposition =
    part.kind === "field"
      ? `form-data; name="${quote(part.name)}"`
      : `form-data; name="${quote(part.name)}"; filename="${quote(part.filename)}"`;
  const type = part.contentType ?? (part.kind === "file" ? "application/octet-stream" : undefined);
  return `Content-Disposition: ${disposition}${CRLF}${type ? `Content-Type: ${type}${CRLF}` : ""}`;
}

/** The HTML standard's escaping for names in Content-Disposition (what browsers send). */
function quote(value: string): string {
  return value.replace(/\r/g, "%0D").replace(/\n/g, "%0A").replace(/"/g, "%22");
}

/** Reads exactly `size` bytes: Content-Length was promised up front, so a file that shrank since it
 * was hashed must fail here rather than send a short, unparseable body. (One that changed in place
 * is caught by the server's digest check.) */
async function* readExactly(filePath: string, size: number): AsyncGenerator<Buffer> {
  if (size === 0) return;
  let read = 0;
  for await (const chunk of createReadStream(filePath, { start: 0, end: size - 1, highWaterMark: READ_CHUNK_BYTES })) {
    read += (chunk as Buffer).length;
    yield chunk as Buffer;
  }
  if (read !== size) throw new Error(`'${filePath}' changed while it was being uploaded (${read} of ${size} bytes left)`);
}
