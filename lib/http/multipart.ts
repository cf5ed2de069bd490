// Streaming multipart/form-data: parts are yielded one at a time and file parts are streams, so an
// upload of any size flows through without being buffered. The consumer must finish (or destroy)
// each file stream before asking for the next part — busboy's backpressure depends on it.
import { Readable } from "node:stream";
import busboy from "busboy";
import { AppError, badRequest } from "../errors/app-error.ts";

export type Part =
  | { kind: "field"; name: string; value: string }
  | { kind: "file"; name: string; filename: string; stream: Readable };

export type MultipartLimits = { maxFieldBytes: number; maxParts: number };

export async function* readMultipart(
  body: ReadableStream<Uint8Array> | Readable | null,
  contentType: string | null,
  limits: MultipartLimits,
): AsyncGenerator<Part> {
  if (!contentType || !/^multipart\/form-data\b/i.test(contentType))
    throw new AppError("unsupported_media_type", "multipart_required", "send the envelope as multipart/form-data");
  if (!body) throw badRequest("empty_body", "the request has no body");
  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: { "content-type": contentType },
      limits: { fieldSize: limits.maxFieldBytes, parts: limits.maxParts, fieldNameSize: 1024 },
      preservePath: true,
    });
  } catch (error) {
    throw badRequest("malformed_multipart", `the multipart body cannot be read: ${(error as Error).message}`);
  }

  const queue: Part[] = [];
  let failure: Error | undefined;
  let finished = false;
  let wake: (() => void) | undefined;
  let current: Readable | undefined;
  const notify = () => {
    wake?.();
    wake = undefined;
  };
  const fail = (error: Error) => {
    failure ??= error;
    // The consumer may be in the middle of reading a file: make its stream fail too.
    current?.destroy(failure);
    notify();
  };

  parser.on("field", (name, value, info) => {
    if (info.valueTruncated) return fail(new AppError("payload_too_large", "field_too_large", `the form field '${name}' exceeds ${limits.maxFieldBytes} bytes`));
    if (info.nameTruncated) return fail(badRequest("malformed_multipart", "a form field name is too long"));
    queue.push({ kind: "field", name, value });
    notify();
  });
  parser.on("file", (name, stream, info) => {
    // A part still queued, or already read, when the body breaks has no listener of its own, and an
    // 'error' event without one crashes the process. The consumer learns of the failure anyway: from
    // its own read of the stream, or from the generator, which throws it.
    stream.on("error", () => {});
    current = stream;
    queue.push({ kind: "file", name, filename: info.filename ?? name, stream });
    notify();
  });
  parser.on("partsLimit", () => fail(new AppError("payload_too_large", "too_many_parts", `an envelope may have at most ${limits.maxParts} parts`)));
  parser.on("error", (error: Error) => fail(badRequest("malformed_multipart", `the multipart body is malformed or truncated: ${error.message}`)));
  parser.on("close", () => {
    finished = true;
    notify();
  });

  const source = body instanceof Readable ? body : Readable.fromWeb(body as import("node:stream/web").ReadableStream<Uint8Array>);
  source.on("error", (error) => fail(badRequest("upload_interrupted", `the upload was interrupted: ${error.message}`)));
  // A body that ends before the closing boundary makes busboy emit "Unexpected end of form".
  source.pipe(parser);

  try {
    for (;;) {
      if (failure) throw failure;
      const next = queue.shift();
      if (next) {
        yield next;
        continue;
      }
      if (finished) return;
      await new Promise<void>((resolve) => (wake = resolve));
    }
  } finally {
    if (!finished) {
      source.unpipe(parser);
      current?.destroy();
      discardRest(source);
    }
  }
}

/** For a request refused before its body was touched (e.g. 404 model): see discardRest. */
export function discardUnreadBody(body: ReadableStream<Uint8Array> | Readable | null): void {
  if (!body) return;
  if (body instanceof Readable) {
    if (body.readableFlowing === null) discardRest(body);
    return;
  }
  if (!body.locked) discardRest(Readable.fromWeb(body as import("node:stream/web").ReadableStream<Uint8Array>));
}

/** How much of an abandoned body is read and thrown away so the client can read our answer. */
const DISCARD_MAX_BYTES = 64 * 1024 * 1024;
const DISCARD_MAX_MS = 10_000;

/**
 * When a request is refused before its body is read, closing the socket with unread bytes makes the
 * kernel send a TCP reset, and the client often loses the problem+json answer (it sees ECONNRESET
 * instead of "409 version exists"). Like nginx's lingering close, keep reading and discarding for a
 * bounded time and amount; past that, give up on the connection.
 */
function discardRest(source: Readable) {
  if (source.destroyed || source.readableEnded) return;
  let discarded = 0;
  const timer = setTimeout(() => source.destroy(), DISCARD_MAX_MS);
  timer.unref();
  source.on("data", (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > DISCARD_MAX_BYTES) source.destroy();
  });
  source.once("close", () => clearTimeout(timer));
  source.once("end", () => clearTimeout(timer));
  source.resume();
}
