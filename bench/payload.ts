// The bytes the throughput and memory benchmarks move: one temp file of random (incompressible)
// bytes, large enough for the biggest upload; smaller uploads send a prefix of it. Every client —
// registry and raw baselines alike — streams from this same file, so the source side is identical.
//
// The registry deduplicates by content (an upload of bytes it already holds is hashed but not
// stored again), so each registry upload first gets a fresh random prefix and a freshly computed
// sha256: every upload stores new bytes, as a new model version would.
import { createHash, randomBytes, randomFill } from "node:crypto";
import { createReadStream } from "node:fs";
import { open } from "node:fs/promises";

const randomFillAsync = (buffer: Buffer, offset: number, size: number) =>
  new Promise<void>((resolve, reject) => randomFill(buffer, offset, size, (error) => (error ? reject(error) : resolve())));
const WRITE_CHUNK = 8 * 1024 * 1024;

export type PayloadFile = {
  path: string;
  size: number;
  /** Gives the first `bytes` bytes new content; resolves to their sha256 (not timed by callers). */
  refresh(bytes: number): Promise<string>;
};

export async function createPayloadFile(path: string, size: number): Promise<PayloadFile> {
  const handle = await open(path, "w");
  try {
    const chunk = Buffer.allocUnsafe(WRITE_CHUNK);
    for (let written = 0; written < size; ) {
      const n = Math.min(WRITE_CHUNK, size - written);
      await randomFillAsync(chunk, 0, n);
      await handle.write(chunk, 0, n, written);
      written += n;
    }
  } finally {
    await handle.close();
  }
  return {
    path,
    size,
    async refresh(bytes) {
      if (bytes > size) throw new RangeError(`the payload file has ${size} bytes, not ${bytes}`);
      const prefix = await open(path, "r+");
      try {
        await prefix.write(randomBytes(64), 0, 64, 0);
      } finally {
        await prefix.close();
      }
      return sha256OfFile(path, bytes);
    },
  };
}

export async function sha256OfFile(path: string, bytes: number): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path, { start: 0, end: bytes - 1, highWaterMark: 1024 * 1024 })) {
    hash.update(chunk as Buffer);
  }
  return hash.digest("hex");
}
