// Byte-level builders for the security tests: pickles opcode by opcode (so every hostile variant is
// spelled out, and nothing needs Python), zip archives (stored/deflate, with knobs for the malformed
// cases), safetensors files and ONNX models with external data, and multi-GB sparse files on disk for
// tests and the bench (SparseFile). Never used by the product.
import { createHash, type Hash } from "node:crypto";
import { closeSync, ftruncateSync, openSync, writeSync } from "node:fs";
import { crc32, deflateRawSync } from "node:zlib";
import onnxProto from "onnx-proto";

const { onnx } = onnxProto;
const enc = new TextEncoder();

/** Emits pickle opcodes; method names follow pickletools. */
export class PickleBuilder {
  private readonly out: number[] = [];

  raw(...bytes: (number | Uint8Array | string)[]): this {
    for (const b of bytes) {
      if (typeof b === "number") this.out.push(b);
      else if (typeof b === "string") this.out.push(...enc.encode(b));
      else this.out.push(...b);
    }
    return this;
  }
  proto(v: number) {
    return this.raw(0x80, v);
  }
  frame(length: number) {
    return this.raw(0x95, ...le(length, 8));
  }
  mark() {
    return this.raw(0x28);
  }
  stop() {
    return this.raw(0x2e);
  }
  pop() {
    return this.raw(0x30);
  }
  none() {
    return this.raw(0x4e);
  }
  bool(v: boolean) {
    return this.raw(v ? 0x88 : 0x89);
  }
  int(v: number) {
    if (v >= 0 && v < 256) return this.raw(0x4b, v);
    if (v >= 0 && v < 65536) return this.raw(0x4d, ...le(v, 2));
    return this.raw(0x4a, ...le(v >>> 0, 4));
  }
  binfloat(v: number) {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setFloat64(0, v, false);
    return this.raw(0x47, b);
  }
  /** Protocol 0 STRING: a quoted repr line. */
  string(s: string) {
    return this.raw(0x53, `'${s}'\n`);
  }
  unicode(s: string) {
    const b = enc.encode(s);
    return b.length < 256 ? this.raw(0x8c, b.length, b) : this.raw(0x58, ...le(b.length, 4), b);
  }
  binunicode(s: string) {
    const b = enc.encode(s);
    return this.raw(0x58, ...le(b.length, 4), b);
  }
  shortBinBytes(b: Uint8Array) {
    return this.raw(0x43, b.length, b);
  }
  global(module: string, name: string) {
    return this.raw(0x63, `${module}\n${name}\n`);
  }
  stackGlobal() {
    return this.raw(0x93);
  }
  inst(module: string, name: string) {
    return this.raw(0x69, `${module}\n${name}\n`);
  }
  obj() {
    return this.raw(0x6f);
  }
  reduce() {
    return this.raw(0x52);
  }
  build() {
    return this.raw(0x62);
  }
  newobj() {
    return this.raw(0x81);
  }
  newobjEx() {
    return this.raw(0x92);
  }
  emptyTuple() {
    return this.raw(0x29);
  }
  tuple() {
    return this.raw(0x74);
  }
  tuple1() {
    return this.raw(0x85);
  }
  tuple2() {
    return this.raw(0x86);
  }
  tuple3() {
    return this.raw(0x87);
  }
  emptyDict() {
    return this.raw(0x7d);
  }
  emptyList() {
    return this.raw(0x5d);
  }
  setitem() {
    return this.raw(0x73);
  }
  setitems() {
    return this.raw(0x75);
  }
  appends() {
    return this.raw(0x65);
  }
  memoize() {
    return this.raw(0x94);
  }
  binput(i: number) {
    return this.raw(0x71, i);
  }
  binget(i: number) {
    return this.raw(0x68, i);
  }
  longBinget(i: number) {
    return this.raw(0x6a, ...le(i, 4));
  }
  get length(): number {
    return this.out.length;
  }
  bytes(): Uint8Array {
    return Uint8Array.from(this.out);
  }
}

export function le(v: number, n: number): number[] {
  const out: number[] = [];
  let x = v;
  for (let i = 0; i < n; i++) {
    out.push(x % 256);
    x = Math.floor(x / 256);
  }
  return out;
}

export const pickle = () => new PickleBuilder();

/** Protocol 0: `os.system(cmd)` with GLOBAL + MARK/TUPLE + REDUCE — what pickle.dumps(…, 0) writes. */
export function protocol0SystemCall(cmd: string, module = "os"): Uint8Array {
  return pickle().global(module, "system").mark().string(cmd).tuple().reduce().stop().bytes();
}

/** Protocol 4: STACK_GLOBAL over two SHORT_BINUNICODE pushes, memoized the way pickle.dumps does. */
export function protocol4SystemCall(cmd: string, module = "posix"): Uint8Array {
  return pickle()
    .proto(4)
    .unicode(module).memoize()
    .unicode("system").memoize()
    .stackGlobal().memoize()
    .unicode(cmd).memoize()
    .tuple1().memoize()
    .reduce().memoize()
    .stop()
    .bytes();
}

/**
 * The import names are pushed early and only reach STACK_GLOBAL through the memo, the callable is
 * memoized, popped and fetched again much later: no two "interesting" opcodes are adjacent.
 */
export function memoizedSystemCall(cmd: string): Uint8Array {
  return pickle()
    .proto(4)
    .emptyDict().memoize() // 0: the "model" being unpickled
    .unicode("os").binput(1).pop()
    .unicode("weights").unicode("unused").setitem()
    .unicode("system").binput(2).pop()
    .unicode("bias").binfloat(0.5).setitem()
    .binget(1).binget(2).stackGlobal().binput(3).pop()
    .unicode("layers").emptyList().mark().int(1).int(2).int(3).appends().setitem()
    .unicode("hook")
    .longBinget(3)
    .unicode(cmd).tuple1()
    .reduce()
    .setitem()
    .stop()
    .bytes();
}

/** A realistic benign protocol 4 pickle: a dict of lists, strings, floats and a nested tuple. */
export function benignDictOfLists(): Uint8Array {
  const body = pickle()
    .emptyDict().memoize()
    .mark()
    .unicode("weights").memoize().emptyList().memoize().mark().binfloat(0.25).binfloat(-1.5).binfloat(3).appends()
    .unicode("classes").memoize().emptyList().memoize().mark().unicode("no").unicode("yes").appends()
    .unicode("shape").memoize().int(2).int(3).tuple2().memoize()
    .unicode("fitted").bool(true)
    .unicode("name").memoize().unicode("credit-risk").memoize()
    .setitems()
    .stop()
    .bytes();
  return pickle().proto(4).frame(body.length).raw(body).bytes();
}

/** What pickle.dumps(numpy.array([1.0, 2.0]), protocol=2) looks like (bytes via _codecs.encode). */
export function numpyLikeArray(module = "numpy.core.multiarray"): Uint8Array {
  return pickle()
    .proto(2)
    .global(module, "_reconstruct").binput(0)
    .global("numpy", "ndarray").binput(1)
    .int(0).tuple1().binput(2)
    .global("_codecs", "encode").binput(3).binunicode("b").binput(4).binunicode("latin1").binput(5).tuple2().binput(6).reduce().binput(7)
    .tuple3().binput(8)
    .reduce().binput(9)
    .mark()
    .int(1)
    .int(2).tuple1().binput(10)
    .global("numpy", "dtype").binput(11).binunicode("f8").binput(12).bool(false).bool(true).tuple3().binput(13).reduce().binput(14)
    .mark().int(3).binunicode("<").binput(15).none().none().none().int(-1).int(-1).int(0).tuple().binput(16).build()
    .bool(false)
    .binget(3).binunicode("\u0000".repeat(6) + "\u00f0?" + "\u0000".repeat(7) + "@").binunicode("latin1").tuple2().reduce().binput(17)
    .tuple().binput(18)
    .build()
    .stop()
    .bytes();
}

/** An sklearn-like estimator: STACK_GLOBAL class, NEWOBJ, then BUILD with a state dict holding a numpy array. */
export function sklearnLikeEstimator(): Uint8Array {
  const array = numpyLikeArray();
  // Embed the array's body (without PROTO and STOP) as the value of "coef_".
  const arrayBody = array.subarray(2, array.length - 1);
  return pickle()
    .proto(4)
    .unicode("sklearn.linear_model._logistic").memoize()
    .unicode("LogisticRegression").memoize()
    .stackGlobal().memoize()
    .emptyTuple().newobj().memoize()
    .emptyDict().memoize()
    .mark()
    .unicode("C").binfloat(1)
    .unicode("coef_").raw(arrayBody)
    .unicode("classes_").emptyList().mark().int(0).int(1).appends()
    .unicode("_sklearn_version").unicode("1.5.2")
    .setitems()
    .build()
    .stop()
    .bytes();
}

export type JoblibArray = { dtype: string; shape: number[]; data: Uint8Array; alignment?: boolean };

/**
 * joblib.dump layout: NumpyArrayWrapper via NEWOBJ + BUILD, then the raw array bytes inline (after a
 * padding-length byte and padding when numpy_array_alignment_bytes is set). `after` continues the
 * surrounding state dict once the array has been read, so payloads can hide behind the array data.
 */
export function joblibLike(arrays: JoblibArray[], after?: (p: PickleBuilder) => void, before?: (p: PickleBuilder) => void): Uint8Array {
  return Buffer.concat(joblibParts(arrays, after, before) as Uint8Array[]);
}

/** joblibLike as parts, where an array's data may be a run of zeros (a number), for sparse files. */
export function joblibParts(
  arrays: (Omit<JoblibArray, "data"> & { data: Uint8Array | number })[],
  after?: (p: PickleBuilder) => void,
  before?: (p: PickleBuilder) => void,
): SparseParts {
  const parts: SparseParts = [];
  let written = 0;
  let p = pickle()
    .proto(4)
    .unicode("sklearn.tree._classes").unicode("DecisionTreeClassifier").stackGlobal().memoize()
    .emptyTuple().newobj().memoize()
    .emptyDict().memoize();
  before?.(p);
  arrays.forEach((a, i) => {
    p.unicode(`array_${i}`)
      .unicode("joblib.numpy_pickle").unicode("NumpyArrayWrapper").stackGlobal().memoize()
      .emptyTuple().newobj().memoize()
      .emptyDict().memoize()
      .mark()
      .unicode("subclass").unicode("numpy").unicode("ndarray").stackGlobal().memoize()
      .unicode("shape");
    p.mark();
    for (const d of a.shape) p.int(d);
    p.tuple()
      .unicode("order").unicode("C")
      .unicode("dtype").unicode("numpy").unicode("dtype").stackGlobal().memoize().unicode(a.dtype).bool(false).bool(true).tuple3().reduce().memoize()
      .mark().int(3).unicode("<").none().none().none().int(-1).int(-1).int(0).tuple().build()
      .unicode("allow_mmap").bool(true);
    if (a.alignment !== false) p.unicode("numpy_array_alignment_bytes").int(16);
    p.setitems().build();
    if (a.alignment !== false) {
      const padding = 16 - ((written + p.length + 1) % 16);
      p.raw(padding).raw(new Uint8Array(padding).fill(0xff));
    }
    if (typeof a.data === "number") {
      parts.push(p.bytes(), a.data);
      written += p.length + a.data;
      p = pickle();
    } else p.raw(a.data);
    p.setitem();
  });
  after?.(p);
  parts.push(p.build().stop().bytes());
  return parts;
}

export type ZipEntrySpec = {
  name: string;
  data: Uint8Array;
  method?: 0 | 8;
  /** Overrides written into the headers, to build hostile archives. */
  declaredSize?: number;
  flags?: number;
  compressedSizeOverride?: number;
};

type ZipHeader = { name: Buffer; method: number; flags: number; crc: number; csize: number; size: number };

function localHeader(h: ZipHeader): Buffer {
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt16LE(h.flags, 6);
  local.writeUInt16LE(h.method, 8);
  local.writeUInt32LE(h.crc, 14);
  local.writeUInt32LE(h.csize, 18);
  local.writeUInt32LE(h.size, 22);
  local.writeUInt16LE(h.name.length, 26);
  return Buffer.concat([local, h.name]);
}

function centralHeader(h: ZipHeader, localOffset: number): Buffer {
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt16LE(h.flags, 8);
  central.writeUInt16LE(h.method, 10);
  central.writeUInt32LE(h.crc, 16);
  central.writeUInt32LE(h.csize, 20);
  central.writeUInt32LE(h.size, 24);
  central.writeUInt16LE(h.name.length, 28);
  central.writeUInt32LE(localOffset, 42);
  return Buffer.concat([central, h.name]);
}

function endOfCentralDirectory(entries: number, cdLength: number, cdOffset: number): Buffer {
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(entries, 8);
  eocd.writeUInt16LE(entries, 10);
  eocd.writeUInt32LE(cdLength, 12);
  eocd.writeUInt32LE(cdOffset, 16);
  return eocd;
}

/** A plain zip (no zip64, no data descriptors), stored or deflated per entry. */
export function buildZip(entries: ZipEntrySpec[], opts: { zip64Locator?: boolean } = {}): Uint8Array {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const method = e.method ?? 0;
    const body = method === 8 ? deflateRawSync(e.data) : Buffer.from(e.data);
    const h: ZipHeader = {
      name: Buffer.from(e.name, "utf8"),
      method,
      flags: e.flags ?? 0,
      crc: crc32(e.data),
      csize: e.compressedSizeOverride ?? body.length,
      size: e.declaredSize ?? e.data.length,
    };
    const local = localHeader(h);
    locals.push(local, body);
    centrals.push(centralHeader(h, offset));
    offset += local.length + body.length;
  }
  const cd = Buffer.concat(centrals);
  const locator = Buffer.alloc(opts.zip64Locator ? 20 : 0);
  if (opts.zip64Locator) locator.writeUInt32LE(0x07064b50, 0);
  return Buffer.concat([...locals, cd, locator, endOfCentralDirectory(entries.length, cd.length, offset)]);
}

/**
 * A file written front to back whose zero runs are holes: a multi-GB test or bench file costs no disk
 * (sparse) and no memory. With `sha256`, its digest is computed along the way, zero runs included.
 */
export class SparseFile {
  private readonly fd: number;
  private readonly hash: Hash | undefined;
  private offset = 0;

  constructor(
    readonly path: string,
    opts: { sha256?: boolean } = {},
  ) {
    this.fd = openSync(path, "w");
    this.hash = opts.sha256 ? createHash("sha256") : undefined;
  }

  get size(): number {
    return this.offset;
  }

  write(bytes: Uint8Array): this {
    writeSync(this.fd, bytes, 0, bytes.length, this.offset);
    this.hash?.update(bytes);
    this.offset += bytes.length;
    return this;
  }

  zeros(n: number): this {
    if (this.hash) for (let left = n; left > 0; left -= ZERO_CHUNK.length) this.hash.update(ZERO_CHUNK.subarray(0, Math.min(left, ZERO_CHUNK.length)));
    this.offset += n;
    return this;
  }

  close(): { size: number; sha256?: string } {
    ftruncateSync(this.fd, this.offset);
    closeSync(this.fd);
    return { size: this.offset, sha256: this.hash?.digest("hex") };
  }
}

const ZERO_CHUNK = new Uint8Array(16 * 1024 * 1024);

/** Content given as bytes and runs of zeros (a number: that many zero bytes). */
export type SparseParts = (Uint8Array | number)[];

function partsCrc32(parts: SparseParts): number {
  let crc = 0;
  for (const part of parts) {
    if (typeof part !== "number") crc = crc32(part, crc);
    else for (let left = part; left > 0; left -= ZERO_CHUNK.length) crc = crc32(ZERO_CHUNK.subarray(0, Math.min(left, ZERO_CHUNK.length)), crc);
  }
  return crc;
}

/** A stored zip on disk whose entries' zero runs are holes; under 4 GiB (no zip64). */
export function writeSparseZip(path: string, entries: { name: string; parts: SparseParts }[], opts: { sha256?: boolean } = {}) {
  const file = new SparseFile(path, opts);
  const centrals: Buffer[] = [];
  for (const e of entries) {
    const size = e.parts.reduce((n: number, p) => n + (typeof p === "number" ? p : p.length), 0);
    const h: ZipHeader = { name: Buffer.from(e.name, "utf8"), method: 0, flags: 0, crc: partsCrc32(e.parts), csize: size, size };
    centrals.push(centralHeader(h, file.size));
    file.write(localHeader(h));
    for (const part of e.parts) {
      if (typeof part === "number") file.zeros(part);
      else file.write(part);
    }
  }
  const cd = Buffer.concat(centrals);
  const cdOffset = file.size;
  if (cdOffset + cd.length + 22 >= 2 ** 32) throw new Error("writeSparseZip: zip64 would be needed");
  file.write(cd).write(endOfCentralDirectory(entries.length, cd.length, cdOffset));
  return file.close();
}

/** A safetensors file on disk: a real header for `tensors` (laid out in order), zero data (a hole). */
export function writeSparseSafetensors(path: string, tensors: { name: string; dtype: "F32" | "F16" | "U8"; shape: number[] }[], opts: { sha256?: boolean } = {}) {
  const width = { F32: 4, F16: 2, U8: 1 };
  let offset = 0;
  const header: Record<string, unknown> = { __metadata__: { format: "pt" } };
  for (const t of tensors) {
    const bytes = t.shape.reduce((n, d) => n * d, width[t.dtype]);
    header[t.name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  const json = enc.encode(JSON.stringify(header));
  const length = new Uint8Array(8);
  new DataView(length.buffer).setBigUint64(0, BigInt(json.length), true);
  return { ...new SparseFile(path, opts).write(length).write(json).zeros(offset).close(), headerBytes: json.length, dataBytes: offset };
}

/** PyTorch's torch.save layout: archive/data.pkl plus storages and bookkeeping files. */
export function torchLikeZip(dataPkl: Uint8Array, method: 0 | 8 = 0): Uint8Array {
  return buildZip([
    { name: "archive/data.pkl", data: dataPkl, method },
    { name: "archive/byteorder", data: enc.encode("little"), method },
    { name: "archive/data/0", data: new Uint8Array(64).fill(7), method },
    { name: "archive/version", data: enc.encode("3\n"), method },
  ]);
}

/** A safetensors file: 8-byte header length, JSON header, data. */
export function safetensors(header: unknown, data: Uint8Array, opts: { declaredHeaderLength?: bigint; rawHeader?: Uint8Array } = {}): Uint8Array {
  const json = opts.rawHeader ?? enc.encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, opts.declaredHeaderLength ?? BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

/** `entries`, when given, replaces the key/value list as is (duplicate keys, in order). */
type External = { location?: string; offset?: number; length?: number; entries?: { key: string; value: string }[] };

/** A tiny ONNX model: Identity over a float input, plus initializers stored externally. */
export function onnxWithExternalData(externals: External[], opts: { inSubgraph?: External[] } = {}): Uint8Array {
  const tensor = (name: string, ext: External) =>
    onnx.TensorProto.create({
      name,
      dataType: onnx.TensorProto.DataType.FLOAT,
      dims: [4],
      dataLocation: onnx.TensorProto.DataLocation.EXTERNAL,
      externalData: ext.entries ?? [
        ...(ext.location !== undefined ? [{ key: "location", value: ext.location }] : []),
        ...(ext.offset !== undefined ? [{ key: "offset", value: String(ext.offset) }] : []),
        ...(ext.length !== undefined ? [{ key: "length", value: String(ext.length) }] : []),
      ],
    });
  const valueInfo = (name: string) =>
    onnx.ValueInfoProto.create({
      name,
      type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT, shape: { dim: [{ dimValue: 4 }] } } },
    });
  const nodes = [onnx.NodeProto.create({ opType: "Identity", input: ["x"], output: ["y"], name: "id" })];
  if (opts.inSubgraph) {
    const branch = onnx.GraphProto.create({
      name: "then",
      initializer: opts.inSubgraph.map((e, i) => tensor(`sub_${i}`, e)),
      output: [valueInfo("sub_0")],
    });
    nodes.push(
      onnx.NodeProto.create({
        opType: "If",
        input: ["cond"],
        output: ["z"],
        name: "if",
        attribute: [
          { name: "then_branch", type: onnx.AttributeProto.AttributeType.GRAPH, g: branch },
          { name: "else_branch", type: onnx.AttributeProto.AttributeType.GRAPH, g: branch },
        ],
      }),
    );
  }
  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: "security-test",
    opsetImport: [{ domain: "", version: 17 }],
    graph: {
      name: "g",
      node: nodes,
      input: [valueInfo("x")],
      output: [valueInfo("y")],
      initializer: externals.map((e, i) => tensor(`w_${i}`, e)),
    },
  });
  return onnx.ModelProto.encode(model).finish();
}

/**
 * numpy.savetxt('/path', ['import os; …'], '%s') as pickle.dumps would write a REDUCE of it: before
 * the deny list, "numpy" on the allow-list admitted it and Python wrote the file.
 */
export function numpySavetxtCall(path: string, line: string): Uint8Array {
  return pickle()
    .proto(2)
    .global("numpy", "savetxt")
    .mark().binunicode(path).mark().binunicode(line).raw(0x6c /* LIST */).binunicode("%s").tuple()
    .reduce()
    .stop()
    .bytes();
}

/**
 * joblib layout whose "array data" is the start of a call: joblib's NumpyUnpickler skips `region`,
 * but a plain pickle.load reads it as opcodes (GLOBAL … TUPLE) and then the REDUCE right after it,
 * which the joblib reading sees as a harmless call of None.
 */
export function joblibArrayHidingCall(region: Uint8Array): Uint8Array {
  return pickle()
    .proto(2)
    .none()
    .global("joblib.numpy_pickle", "NumpyArrayWrapper").emptyTuple().newobj()
    .emptyDict().mark()
    .binunicode("shape").int(region.length).tuple1()
    .binunicode("dtype").global("numpy", "dtype").mark().binunicode("u1").tuple().reduce()
    .setitems()
    .build()
    .raw(region)
    .reduce()
    .stop()
    .bytes();
}

/** GLOBAL module.name, MARK, SHORT_BINUNICODE args, TUPLE: a call waiting for its REDUCE. */
export function pendingCall(module: string, name: string, ...args: string[]): Uint8Array {
  const p = pickle().global(module, name).mark();
  for (const a of args) p.binunicode(a);
  return p.tuple().bytes();
}
