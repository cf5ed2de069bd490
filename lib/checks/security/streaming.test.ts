// The streamed pickle walk must be the walk over bytes in memory, wherever the chunks of the stream
// happen to end and whether or not the source can seek: the same findings, offsets and notes.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { crc32, deflateRawSync, deflateSync, gzipSync } from "node:zlib";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { defaultThresholds } from "../../policy/thresholds.ts";
import { inflatedSource, inflateStream, measure, readRange, StreamTooLargeError, TAIL_BYTES, type ByteSource } from "./byte-source.ts";
import { MAX_LINE_BYTES, scanPickle, scanPickleSource } from "./pickle-scan.ts";
import {
  benignDictOfLists,
  joblibArrayHidingCall,
  joblibLike,
  memoizedSystemCall,
  numpyLikeArray,
  numpySavetxtCall,
  pendingCall,
  pickle,
  protocol0SystemCall,
  protocol4SystemCall,
  sklearnLikeEstimator,
} from "./test-builders.ts";

const allowList = defaultThresholds.security.pickleAllowList;
const fixtures = join(import.meta.dirname, "fixtures");
const f8 = (values: number[]) => new Uint8Array(Float64Array.from(values).buffer);

/** Every pickle the other tests use: real Python output and the hand-built hostile and benign ones. */
const inputs: [string, Uint8Array][] = [
  ...readdirSync(fixtures)
    .filter((f) => f.endsWith(".pkl"))
    .map((f): [string, Uint8Array] => [f, readFileSync(join(fixtures, f))]),
  ["protocol 0 os.system", protocol0SystemCall("touch /nope")],
  ["protocol 4 posix.system", protocol4SystemCall("touch /nope")],
  ["memoized call", memoizedSystemCall("touch /nope")],
  ["dict of lists with FRAME", benignDictOfLists()],
  ["numpy array", numpyLikeArray()],
  ["sklearn estimator", sklearnLikeEstimator()],
  ["numpy.savetxt", numpySavetxtCall("/tmp/x.pth", "import os")],
  ["call hidden in joblib array data", joblibArrayHidingCall(pendingCall("zipfile", "ZipFile", "/tmp/never", "w"))],
  [
    "joblib arrays, then a payload",
    joblibLike(
      [
        { dtype: "f8", shape: [5], data: f8([1, 2, 3, 0x2e, 0x52]) },
        { dtype: "i4", shape: [2, 2], data: new Uint8Array(16).fill(0x52), alignment: false },
      ],
      (p) => p.unicode("hook").unicode("os").unicode("system").stackGlobal().unicode("id").tuple1().reduce().setitem(),
    ),
  ],
  ["two pickles back to back", new Uint8Array([...benignDictOfLists(), ...protocol4SystemCall("touch /nope")])],
  ["garbage after a payload", new Uint8Array([...protocol0SystemCall("x").subarray(0, -1), 0xff, 0xfe])],
  ["truncated inside BINUNICODE", pickle().proto(4).raw(0x58, 0xff, 0, 0, 0, "abc").bytes()],
  ["FRAME longer than the file", pickle().proto(4).frame(1000).none().stop().bytes()],
];

/** `bytes` delivered in chunks of the given lengths (cycled); counts what it delivers and where it was opened. */
function chunkedSource(bytes: Uint8Array, lengths: number[], seekable: boolean) {
  const stats = { delivered: 0, opens: [] as number[] };
  const source: ByteSource = {
    size: bytes.length,
    seekable,
    async *read(start, end = bytes.length) {
      stats.opens.push(start);
      // A source that cannot seek re-reads from its start and drops what lies before `start`.
      const from = seekable ? start : 0;
      for (let at = from, i = 0; at < end; i++) {
        const next = Math.min(end, at + Math.max(1, lengths[i % lengths.length]!));
        stats.delivered += next - at;
        if (next > start) yield bytes.slice(Math.max(at, start), next);
        at = next;
      }
    },
  };
  return { source, stats };
}

/** Bytes and runs of zeros, the zeros produced as they are read: a multi-GB source that costs nothing. */
function virtualSource(parts: (Uint8Array | number)[], seekable: boolean) {
  const zeros = new Uint8Array(1024 * 1024);
  const size = parts.reduce((n: number, p) => n + (typeof p === "number" ? p : p.length), 0);
  const stats = { delivered: 0 };
  const source: ByteSource = {
    size,
    seekable,
    async *read(start, end = size) {
      const from = seekable ? start : 0;
      let at = 0;
      for (const part of parts) {
        const length = typeof part === "number" ? part : part.length;
        for (let off = 0; off < length; off += zeros.length) {
          const n = Math.min(length - off, zeros.length);
          const [lo, hi] = [at + off, at + off + n];
          if (hi <= from) continue;
          if (lo >= end) return;
          const chunk = typeof part === "number" ? zeros.subarray(0, n) : part.subarray(off, off + n);
          const [a, b] = [Math.max(lo, from), Math.min(hi, end)];
          stats.delivered += b - a;
          if (b > start) yield chunk.subarray(Math.max(a, start) - lo, b - lo);
        }
        at += length;
      }
    },
  };
  return { source, stats };
}

const streamed = (source: ByteSource) => scanPickleSource(source, { allowList });

describe("scanPickleSource: the streamed walk is the whole-buffer walk", () => {
  it.each(inputs)("%s, one byte at a time, from a seekable and from a non-seekable source", async (_, bytes) => {
    const whole = scanPickle(bytes, { allowList });
    for (const seekable of [true, false]) expect(await streamed(chunkedSource(bytes, [1], seekable).source)).toEqual(whole);
  });

  it("gives the same result for every way of splitting a pickle into chunks", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: inputs.length - 1 }),
        fc.array(fc.integer({ min: 1, max: 600 }), { minLength: 1, maxLength: 40 }),
        fc.boolean(),
        async (which, lengths, seekable) => {
          const bytes = inputs[which]![1];
          expect(await streamed(chunkedSource(bytes, lengths, seekable).source)).toEqual(scanPickle(bytes, { allowList }));
        },
      ),
      { numRuns: 300 },
    );
  });

  it("gives the same result on damaged pickles and random bytes (truncations, overwritten bytes, noise)", async () => {
    const damaged = fc.oneof(
      fc.record({ which: fc.integer({ min: 0, max: inputs.length - 1 }), cut: fc.nat(), edits: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }) }).map(({ which, cut, edits }) => {
        const source = inputs[which]![1];
        const bytes = source.slice(0, cut % (source.length + 1));
        for (const [at, value] of edits) if (bytes.length > 0) bytes[at % bytes.length] = value;
        return bytes;
      }),
      fc.uint8Array({ maxLength: 400 }),
      fc.uint8Array({ maxLength: 400 }).map((b) => Uint8Array.from([0x80, 0x04, ...b])),
    );
    await fc.assert(
      fc.asyncProperty(damaged, fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 10 }), fc.boolean(), async (bytes, lengths, seekable) => {
        expect(await streamed(chunkedSource(bytes, lengths, seekable).source)).toEqual(scanPickle(bytes, { allowList }));
      }),
      { numRuns: 400 },
    );
  });
});

describe("scanPickleSource: bounded reads", () => {
  it("skips a 5 GiB BINBYTES8 argument with a ranged read instead of reading it, and finds the payload behind it", async () => {
    const n = 5 * 1024 ** 3;
    const head = pickle().proto(4).raw(0x8e, ...le64(n)).bytes();
    const tail = pickle().pop().raw(pendingCall("os", "system", "id")).reduce().stop().bytes();
    const { source, stats } = virtualSource([head, n, tail], true);
    const result = await streamed(source);
    expect(result.problems).toEqual([]);
    expect(result.dangerous.map((i) => [i.fullName, i.offset])).toEqual([["os.system", head.length + n + 1]]);
    expect(stats.delivered).toBeLessThan(2 * 1024 * 1024);
  });

  it("reads through a skipped argument when the source cannot seek, with the same result", async () => {
    const n = 8 * 1024 * 1024;
    const head = pickle().proto(4).raw(0x8e, ...le64(n)).bytes();
    const tail = pickle().pop().raw(pendingCall("os", "system", "id")).reduce().stop().bytes();
    const { source } = virtualSource([head, n, tail], false);
    const whole = new Uint8Array(head.length + n + tail.length);
    whole.set(head);
    whole.set(tail, head.length + n);
    expect(await streamed(source)).toEqual(scanPickle(whole, { allowList }));
  });

  it("a protocol 0 string longer than MAX_LINE_BYTES is skipped through; a name that long stops the scan, streamed or not", async () => {
    const text = (t: string) => Buffer.from(t, "latin1");
    const longString = Buffer.concat([text(`S'${"x".repeat(MAX_LINE_BYTES + 10)}'\n0`), pendingCall("os", "system", "id"), text("R.")]);
    const unquoted = text(`S'${"x".repeat(MAX_LINE_BYTES + 10)}\n.`);
    const longName = text(`cos\n${"y".repeat(MAX_LINE_BYTES + 1)}\n.`);
    for (const seekable of [true, false]) {
      const a = await streamed(chunkedSource(longString, [4096], seekable).source);
      expect(a.problems).toEqual([]);
      expect(a.dangerous.map((i) => i.fullName)).toEqual(["os.system"]);
      expect(a).toEqual(scanPickle(longString, { allowList }));
      const b = await streamed(chunkedSource(unquoted, [4096], seekable).source);
      expect(b.problems.map((p) => p.code)).toEqual(["pickle_malformed"]);
      expect(b).toEqual(scanPickle(unquoted, { allowList }));
      const c = await streamed(chunkedSource(longName, [4096], seekable).source);
      expect(c.problems.map((p) => [p.code, p.offset])).toEqual([["pickle_scan_limit", 0]]);
      expect(c.problems[0]!.message).toMatch(/^GLOBAL name at byte 0 is 65537 bytes long/);
      expect(c).toEqual(scanPickle(longName, { allowList }));
    }
  });

  it("a line without a newline is a truncation whatever its length", async () => {
    const bytes = Buffer.concat([pickle().raw(0x63, "os\n").bytes(), Buffer.alloc(MAX_LINE_BYTES * 2, "z")]);
    const result = await streamed(chunkedSource(bytes, [1000], true).source);
    expect(result.problems.map((p) => p.code)).toEqual(["pickle_truncated"]);
    expect(result).toEqual(scanPickle(bytes, { allowList }));
  });
});

describe("byte sources", () => {
  const data = Uint8Array.from({ length: 300_000 }, (_, i) => (i * 7919) % 251);

  it("an inflated source reads any range of the inflated bytes", async () => {
    for (const [format, compressed] of [
      ["deflate-raw", deflateRawSync(data)],
      ["zlib", deflateSync(data)],
      ["gzip", gzipSync(data)],
    ] as const) {
      const source = inflatedSource(chunkedSource(compressed, [977], false).source, format, data.length);
      for (const [start, length] of [
        [0, 10],
        [12_345, 70_000],
        [data.length - 5, 100],
      ] as const)
        expect(hex(await readRange(source, start, length))).toBe(hex(data.subarray(start, start + length)));
    }
  });

  it("measure learns size, CRC-32 and tail in one pass, keeps small streams whole and stops large ones", async () => {
    const compressed = chunkedSource(gzipSync(data), [4096], true).source;
    const m = await measure(inflateStream(compressed, "gzip"), { maxBytes: data.length, keepWhole: data.length, crc: true });
    expect([m.size, m.crc, hex(m.tail), hex(m.bytes!)]).toEqual([data.length, crc32(data), hex(data.subarray(data.length - TAIL_BYTES)), hex(data)]);
    const big = await measure(inflateStream(compressed, "gzip"), { maxBytes: data.length, keepWhole: 1000 });
    expect(big.bytes).toBeUndefined();
    expect(hex(big.tail)).toBe(hex(data.subarray(data.length - TAIL_BYTES)));
    await expect(measure(inflateStream(compressed, "gzip"), { maxBytes: data.length - 1, keepWhole: 0 })).rejects.toBeInstanceOf(StreamTooLargeError);
  });

  it("a source shorter than its declared size is an error, not a truncated pickle", async () => {
    const bytes = benignDictOfLists();
    const short: ByteSource = { ...chunkedSource(bytes, [3], true).source, size: bytes.length + 10 };
    await expect(streamed(short)).rejects.toThrow(/ended at byte \d+, before its size/);
    expect(scanPickle(bytes, { allowList }).problems).toEqual([]);
  });
});

const hex = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("hex");

function le64(n: number): number[] {
  const out: number[] = [];
  for (let i = 0, v = n; i < 8; i++, v = Math.floor(v / 256)) out.push(v % 256);
  return out;
}
