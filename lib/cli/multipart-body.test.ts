import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import busboy from "busboy";
import { afterAll, describe, expect, it } from "vitest";
import { createMultipartBody, type MultipartPart } from "./multipart-body.ts";

const dir = mkdtempSync(path.join(os.tmpdir(), "cli-multipart-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: Buffer): MultipartPart & { kind: "file"; content: Buffer } {
  const filePath = path.join(dir, name.replace(/\//g, "_"));
  writeFileSync(filePath, content);
  return { kind: "file", name, filename: name, filePath, size: content.length, contentType: "application/octet-stream", content };
}

type Parsed = { name: string; kind: "field" | "file"; data: Buffer; filename?: string; mimeType: string };

/** Parses a body with busboy, the parser the server uses. */
async function parseWithBusboy(contentType: string, body: Readable): Promise<Parsed[]> {
  return new Promise((resolve, reject) => {
    const parts: Parsed[] = [];
    const parser = busboy({ headers: { "content-type": contentType }, preservePath: true, limits: { fieldSize: 10 * 1024 * 1024 } });
    parser.on("field", (name, value, info) => parts.push({ name, kind: "field", data: Buffer.from(value), mimeType: info.mimeType }));
    parser.on("file", (name, stream, info) => {
      const chunks: Buffer[] = [];
      const part: Parsed = { name, kind: "file", data: Buffer.alloc(0), filename: info.filename, mimeType: info.mimeType };
      parts.push(part);
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => (part.data = Buffer.concat(chunks)));
    });
    parser.on("error", reject);
    parser.on("close", () => resolve(parts));
    body.pipe(parser);
  });
}

describe("createMultipartBody", () => {
  // Content a naive writer would get wrong: CRLFs, dashes that look like a boundary, a CR at the end, nothing at all.
  const manifest = JSON.stringify({ name: "credit-risk", note: "ünïcødé ✓ \r\n--not-a-boundary" });
  const files = [
    file("model.onnx", randomBytes(3 * 1024 * 1024 + 17)),
    file("nested/dir/weights.bin", Buffer.concat([Buffer.from("\r\n--\r\n------model-registry-\r\n"), randomBytes(1000), Buffer.from("\r")])),
    file("empty.txt", Buffer.alloc(0)),
  ];
  const parts: MultipartPart[] = [{ kind: "field", name: "manifest", value: manifest, contentType: "application/json" }, ...files];

  it("yields exactly contentLength bytes that busboy reads back byte-identical, in order", async () => {
    const body = createMultipartBody(parts);
    const chunks: Buffer[] = [];
    let counted = 0;
    for await (const chunk of body.chunks({ onBytes: (n) => (counted += n) })) chunks.push(chunk);
    const bytes = Buffer.concat(chunks);
    expect(bytes.length).toBe(body.contentLength);
    expect(counted).toBe(body.contentLength);

    const parsed = await parseWithBusboy(body.contentType, Readable.from([bytes]));
    expect(parsed.map((p) => [p.name, p.kind])).toEqual([
      ["manifest", "field"],
      ["model.onnx", "file"],
      ["nested/dir/weights.bin", "file"],
      ["empty.txt", "file"],
    ]);
    expect(parsed[0]!.data.toString("utf8")).toBe(manifest);
    files.forEach((f, i) => {
      expect(parsed[i + 1]!.data.equals(f.content)).toBe(true);
      expect(parsed[i + 1]!.filename).toBe(f.name);
    });
  });

  it("reports parts in order and can be piped as a stream", async () => {
    const body = createMultipartBody(parts);
    const events: string[] = [];
    const collected: Buffer[] = [];
    const stream = Readable.from(body.chunks({ onPartStart: (p) => events.push(`start ${p.name}`), onPartEnd: (p) => events.push(`end ${p.name}`) }));
    for await (const chunk of stream) collected.push(chunk as Buffer);
    const bytes = Buffer.concat(collected);
    expect(bytes.length).toBe(body.contentLength);
    const parsed = await parseWithBusboy(body.contentType, Readable.from([bytes]));
    expect(parsed[1]!.data.equals(files[0]!.content)).toBe(true);
    expect(events).toEqual(parts.flatMap((p) => [`start ${p.name}`, `end ${p.name}`]));
  });

  it("never holds a whole file in one chunk", async () => {
    const body = createMultipartBody(parts);
    let largest = 0;
    for await (const chunk of body.chunks()) largest = Math.max(largest, chunk.length);
    expect(largest).toBeLessThanOrEqual(1024 * 1024);
  });

  it("fails instead of sending a short body when a file shrank after it was measured", async () => {
    const shrunk = file("shrunk.bin", randomBytes(100));
    writeFileSync(shrunk.filePath, randomBytes(10));
    const body = createMultipartBody([shrunk]);
    await expect(async () => {
      for await (const _ of body.chunks()) {
        // drain
      }
    }).rejects.toThrow(/changed while it was being uploaded/);
  });

  it("escapes quotes and line breaks in names as browsers do", async () => {
    const body = createMultipartBody([{ kind: "field", name: 'a"b\r\nc', value: "v" }], { boundary: "XyZ" });
    const chunks: Buffer[] = [];
    for await (const chunk of body.chunks()) chunks.push(chunk);
    const text = Buffer.concat(chunks).toString();
    expect(text).toBe('--XyZ\r\nContent-Disposition: form-data; name="a%22b%0D%0Ac"\r\n\r\nv\r\n--XyZ--\r\n');
  });
});
