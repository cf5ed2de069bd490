import { describe, expect, it } from "vitest";
import { bytesSource, measure, type ByteSource } from "./byte-source.ts";
import { buildZip } from "./test-builders.ts";
import { hasZipDirectory, looksLikePickleEntry, startsLikeZip, ZipArchive, ZipError, type ZipEntry, type ZipLimits } from "./zip-archive.ts";

const text = (s: string) => new TextEncoder().encode(s);

async function zipError(fn: () => Promise<unknown>): Promise<ZipError> {
  try {
    await fn();
  } catch (e) {
    if (e instanceof ZipError) return e;
    throw e;
  }
  throw new Error("expected a ZipError");
}

const open = (bytes: Uint8Array, limits?: Partial<ZipLimits>) => ZipArchive.open(bytesSource(bytes), limits);
const readAll = async (source: ByteSource) => (await measure(source.read(0), { maxBytes: Infinity, keepWhole: Infinity })).bytes!;
const read = async (zip: ZipArchive, entry: ZipEntry) => readAll(await zip.open(entry));

describe("ZipArchive", () => {
  it("reads stored and deflated entries through the central directory", async () => {
    const big = text("abc".repeat(10_000));
    const bytes = buildZip([
      { name: "a.txt", data: text("hello"), method: 0 },
      { name: "dir/b.bin", data: big, method: 8 },
    ]);
    expect(startsLikeZip(bytes)).toBe(true);
    expect(hasZipDirectory(bytes)).toBe(true);
    const zip = await open(bytes);
    expect(zip.entries.map((e) => [e.name, e.method, e.uncompressedSize])).toEqual([
      ["a.txt", 0, 5],
      ["dir/b.bin", 8, 30_000],
    ]);
    expect(Buffer.from(await read(zip, zip.entries[0]!)).toString()).toBe("hello");
    expect(Buffer.from(await read(zip, zip.entries[1]!))).toEqual(Buffer.from(big));
    expect(Buffer.from(await zip.peek(zip.entries[1]!, 3)).toString()).toBe("abc");
  });

  it("refuses zip64 archives", async () => {
    const bytes = buildZip([{ name: "a", data: text("x") }], { zip64Locator: true });
    expect((await zipError(() => open(bytes))).code).toBe("zip_zip64_unsupported");
    const sizes = buildZip([{ name: "a", data: text("x"), declaredSize: 0xffffffff }]);
    expect((await zipError(() => open(sizes))).code).toBe("zip_zip64_unsupported");
  });

  it("refuses to read encrypted entries and unknown compression methods", async () => {
    const enc = await open(buildZip([{ name: "data.pkl", data: text("x"), flags: 1 }]));
    expect((await zipError(() => read(enc, enc.entries[0]!))).code).toBe("zip_encrypted_entry");
    const bytes = Buffer.from(buildZip([{ name: "data.pkl", data: text("x") }]));
    // Patch the central directory's method field (offset 10 of the entry) to bzip2 (12).
    const cd = bytes.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    bytes.writeUInt16LE(12, cd + 10);
    const zip = await open(bytes);
    expect((await zipError(() => read(zip, zip.entries[0]!))).code).toBe("zip_unsupported_method");
  });

  it("bounds entry counts", async () => {
    const bytes = buildZip(Array.from({ length: 20 }, (_, i) => ({ name: `f${i}`, data: text("x") })));
    expect((await zipError(() => open(bytes, { maxEntries: 10 }))).code).toBe("zip_too_many_entries");
  });

  it("stops a zip bomb whether or not it declares its real size", async () => {
    const zeros = new Uint8Array(10 * 1024 * 1024);
    const honest = buildZip([{ name: "bomb.pkl", data: zeros, method: 8 }]);
    expect(honest.length).toBeLessThan(100_000);
    const a = await open(honest, { maxTotalBytes: 1024 * 1024 });
    expect((await zipError(() => read(a, a.entries[0]!))).code).toBe("zip_too_large");
    const lying = buildZip([{ name: "bomb.pkl", data: zeros, method: 8, declaredSize: 100 }]);
    const b = await open(lying, { maxTotalBytes: 1024 * 1024 });
    expect((await zipError(() => read(b, b.entries[0]!))).code).toBe("zip_too_large");
  });

  it("counts the inflation budget across entries", async () => {
    const chunk = new Uint8Array(600 * 1024);
    const zip = await open(
      buildZip([
        { name: "a", data: chunk, method: 8 },
        { name: "b", data: chunk, method: 8 },
      ]),
      { maxTotalBytes: 1024 * 1024 },
    );
    await read(zip, zip.entries[0]!);
    expect((await zipError(() => read(zip, zip.entries[1]!))).code).toBe("zip_too_large");
  });

  it("detects damaged archives: bad CRC, truncated data, no directory", async () => {
    const bytes = Buffer.from(buildZip([{ name: "a", data: text("hello") }]));
    bytes[30 + 1] = "X".charCodeAt(0); // corrupt the stored data
    const zip = await open(bytes);
    expect((await zipError(() => read(zip, zip.entries[0]!))).message).toMatch(/CRC/);
    const truncated = buildZip([{ name: "a", data: text("hello"), compressedSizeOverride: 5000 }]);
    const t = await open(truncated);
    expect((await zipError(() => read(t, t.entries[0]!))).code).toBe("zip_malformed");
    expect((await zipError(() => open(text("PK\u0003\u0004 and nothing else")))).code).toBe("zip_malformed");
  });

  it("recognizes pickle entries by name or by a PROTO opcode", () => {
    expect(looksLikePickleEntry("archive/data.pkl", new Uint8Array())).toBe(true);
    expect(looksLikePickleEntry("model.joblib", new Uint8Array())).toBe(true);
    expect(looksLikePickleEntry("archive/data/0", Uint8Array.from([0x80, 0x02]))).toBe(true);
    expect(looksLikePickleEntry("archive/data/0", Uint8Array.from([0x80, 0x09]))).toBe(false);
    expect(looksLikePickleEntry("archive/version", text("3\n"))).toBe(false);
  });
});
