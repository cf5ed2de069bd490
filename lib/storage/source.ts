// putBlob accepts Node streams and plain async iterables; drivers work with one shape, a Readable,
// because stream.pipeline then handles backpressure, error propagation and abort for both.
import { Readable } from "node:stream";
import type { BlobSource } from "./types.ts";

export function toReadable(source: BlobSource): Readable {
  if (source instanceof Readable) return source;
  // objectMode: false so chunks are bytes (Uint8Array/Buffer) and highWaterMark counts bytes.
  return Readable.from(source, { objectMode: false });
}
