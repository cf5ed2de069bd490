// Streams an evaluation set (CSV or JSON lines) into columnar RowBatches. Only the requested columns
// are materialised and a batch is handed on before the next one is parsed, so memory stays bounded by
// one batch plus one chunk plus one record whatever the file size; one record (a JSON line, or a CSV
// record with any line breaks inside its quotes) may be at most MAX_RECORD_BYTES. The CSV tokenizer is hand-written over bytes
// because decoding every row to a string (as general CSV libraries do) costs several times more than
// the checks themselves on million-row sets.
import type { Column, RowBatch } from "../types.ts";

export type EvaluationFormat = "csv" | "jsonl";

export type EvaluationColumn = { name: string; kind: "number" | "text" };

export type ReadEvaluationOptions = {
  source: AsyncIterable<Uint8Array | string> | NodeJS.ReadableStream;
  format: EvaluationFormat;
  columns: readonly EvaluationColumn[];
  /** Rows per batch (default 32,768): large enough that per-batch inference overhead vanishes. */
  batchSize?: number;
  /** Stop after this many data rows (the rest of the source is not read). */
  maxRows?: number;
  signal?: AbortSignal;
  /** CSV only: field separator, default ",". Use "\t" for .tsv files. */
  delimiter?: string;
  /** Longest record accepted, line break included (default MAX_RECORD_BYTES); tests lower it. */
  maxRecordBytes?: number;
};

/**
 * The longest record (a JSON line, or a CSV record including line breaks inside quotes, with its line
 * break) that is read: 64 MiB. Real evaluation rows are far shorter; a longer "record" is a file
 * without line breaks (a JSON array, a binary file, a quote that is never closed), and buffering it
 * whole would only exhaust memory or the check's time limit. Such a file is refused with an
 * EvaluationDataError naming the line where the record starts.
 */
export const MAX_RECORD_BYTES = 64 * 1024 * 1024;

/** The data itself is wrong (not the code): missing columns, bad numbers, broken quoting, bad JSON. */
export class EvaluationDataError extends Error {
  override name = "EvaluationDataError";
  constructor(
    message: string,
    readonly details: { line?: number; column?: string; missingColumns?: string[]; availableColumns?: string[] } = {},
  ) {
    super(message);
  }
}

/** csv for .csv/.tsv (optionally compressed names are not supported), jsonl for .jsonl/.ndjson; a declared format wins. */
export function inferEvaluationFormat(path: string, declared?: EvaluationFormat): EvaluationFormat | undefined {
  if (declared) return declared;
  if (/\.(csv|tsv)$/i.test(path)) return "csv";
  if (/\.(jsonl|ndjson)$/i.test(path)) return "jsonl";
  return undefined;
}

/** The CSV delimiter implied by a file name: tab for .tsv, comma otherwise. */
export function delimiterFor(path: string): string {
  return /\.tsv$/i.test(path) ? "\t" : ",";
}

const DEFAULT_BATCH_SIZE = 32_768;

export async function* readEvaluationBatches(options: ReadEvaluationOptions): AsyncGenerator<RowBatch> {
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);
  const maxRows = options.maxRows ?? Infinity;
  if (maxRows <= 0) return;
  const maxRecordBytes = options.maxRecordBytes ?? MAX_RECORD_BYTES;
  if (!Number.isSafeInteger(maxRecordBytes) || maxRecordBytes < 1)
    throw new RangeError(`maxRecordBytes must be a positive integer, got ${maxRecordBytes}`);
  const columns = dedupeColumns(options.columns);
  const source = options.source as AsyncIterable<Uint8Array | string>;
  if (options.format === "csv") yield* readCsv(source, columns, batchSize, maxRows, options.signal, options.delimiter ?? ",", maxRecordBytes);
  else if (options.format === "jsonl") yield* readJsonl(source, columns, batchSize, maxRows, options.signal, maxRecordBytes);
  else throw new EvaluationDataError(`unknown evaluation format '${String(options.format)}' (expected csv or jsonl)`);
}

function dedupeColumns(columns: readonly EvaluationColumn[]): EvaluationColumn[] {
  const byName = new Map<string, EvaluationColumn>();
  for (const c of columns) {
    const seen = byName.get(c.name);
    if (seen && seen.kind !== c.kind) throw new Error(`column '${c.name}' requested both as ${seen.kind} and as ${c.kind}`);
    if (!seen) byName.set(c.name, c);
  }
  return [...byName.values()];
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw signal.reason ?? new DOMException("aborted", "AbortError");
}

function recordTooLong(line: number, what: string, maxRecordBytes: number): EvaluationDataError {
  const MiB = 1024 * 1024;
  const limit = maxRecordBytes % MiB === 0 ? `${maxRecordBytes / MiB} MiB` : `${maxRecordBytes} bytes`;
  return new EvaluationDataError(
    `line ${line}: ${what} is longer than ${limit}, the limit for one record (is a line break missing, or a quote never closed?)`,
    { line },
  );
}

function toBytes(chunk: Uint8Array | string): Buffer {
  if (typeof chunk === "string") return Buffer.from(chunk, "utf8");
  return Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

/** The source's chunks as bytes, without a leading UTF-8 byte order mark (spreadsheet exports write one). */
async function* bytesWithoutBom(source: AsyncIterable<Uint8Array | string>): AsyncGenerator<Buffer> {
  let first = true;
  for await (const chunk of source) {
    let bytes = toBytes(chunk);
    if (first && bytes.length > 0) {
      first = false;
      if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
    }
    yield bytes;
  }
}

// ---------------------------------------------------------------------------------------------------
// Batch building shared by both formats.

type Slot =
  | { kind: "number"; name: string; values: Float64Array }
  | { kind: "text"; name: string; values: (string | null)[] };

function newSlots(columns: readonly EvaluationColumn[], batchSize: number): Slot[] {
  return columns.map((c) =>
    c.kind === "number"
      ? { kind: "number", name: c.name, values: new Float64Array(batchSize) }
      : { kind: "text", name: c.name, values: new Array<string | null>(batchSize).fill(null) },
  );
}

function toBatch(slots: readonly Slot[], size: number, batchSize: number): RowBatch {
  const columns = new Map<string, Column>();
  for (const s of slots) {
    if (s.kind === "number") columns.set(s.name, { kind: "number", values: size === batchSize ? s.values : s.values.slice(0, size) });
    else {
      if (size !== batchSize) s.values.length = size;
      columns.set(s.name, { kind: "text", values: s.values });
    }
  }
  return { size, columns };
}

// ---------------------------------------------------------------------------------------------------
// Numbers.

const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];
const NUMBER_TEXT = /^\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*$|^\s*[+-]?Infinity\s*$/;
// Spellings of "no value" that data tools commonly write; matched exactly, before any number parsing.
const MISSING_TEXT = new Set(["", "NA", "N/A", "null", "NULL", "NaN", "nan"]);

/** Parses a decimal number the way Number() would, or returns undefined when the text is not one. */
export function parseNumberText(text: string): number | undefined {
  if (MISSING_TEXT.has(text.trim())) return NaN;
  if (NUMBER_TEXT.test(text)) return Number(text);
  const lower = text.trim().toLowerCase();
  if (lower === "true") return 1;
  if (lower === "false") return 0;
  return undefined;
}

/**
 * Fast path for plain decimals ("-12.25"): up to 15 significant digits the integer mantissa is exact
 * and dividing it by an exact power of ten rounds once, so the result equals Number(text) bit for bit
 * (Clinger's fast path). Anything else (exponents, long mantissas, spaces) returns undefined.
 */
function parseDecimalBytes(b: Buffer, s: number, e: number): number | undefined {
  let i = s;
  let negative = false;
  const first = b[i]!;
  if (first === 45) {
    negative = true;
    i++;
  } else if (first === 43) i++;
  let mantissa = 0;
  let digits = 0;
  let scale = 0;
  for (; i < e; i++) {
    const d = b[i]! - 48;
    if (d < 0 || d > 9) break;
    mantissa = mantissa * 10 + d;
    digits++;
  }
  if (i < e && b[i] === 46) {
    for (i++; i < e; i++) {
      const d = b[i]! - 48;
      if (d < 0 || d > 9) break;
      mantissa = mantissa * 10 + d;
      digits++;
      scale++;
    }
  }
  if (i !== e || digits === 0 || digits > 15 || scale > 22) return undefined;
  const value = scale === 0 ? mantissa : mantissa / POW10[scale]!;
  return negative ? -value : value;
}

function isMissingBytes(b: Buffer, s: number, e: number): boolean {
  const n = e - s;
  if (n === 0) return true;
  if (n > 4) return false;
  const c = b[s]!;
  // Only N/n starts any spelling of "missing"; one byte test rejects almost every real value.
  if (c !== 78 && c !== 110) return false;
  return MISSING_TEXT.has(b.toString("latin1", s, e));
}

// ---------------------------------------------------------------------------------------------------
// CSV.

const QUOTE = 34;
const LF = 10;
const CR = 13;
const INCOMPLETE = -1;

/**
 * Parses one record at a time from a byte buffer. A record that runs off the end of the buffer
 * reports INCOMPLETE so the caller can append the next chunk and retry from the record's start;
 * nothing is committed for an incomplete record except values it will overwrite on the retry.
 */
class CsvRecordParser {
  /** Target slot per field index of the file, -1 for fields nobody asked for. */
  fieldSlot: Int32Array = new Int32Array(0);
  slots: Slot[] = [];
  headerFields: string[] | null = null;
  expectedFields = -1;
  row = 0;
  /** 1-based physical line where the record being parsed starts (the header is line 1). */
  line = 1;
  linesInRecord = 0;
  blank = false;

  constructor(
    readonly delimiter: number,
    public columnNames: string[],
  ) {}

  /** Returns the offset after the record, or INCOMPLETE. Sets `blank` for an empty line. */
  parse(b: Buffer, start: number, eof: boolean): number {
    const len = b.length;
    const delim = this.delimiter;
    let p = start;
    let field = 0;
    this.linesInRecord = 0;
    this.blank = false;
    // A retried header must not keep the fields of the attempt that ran out of data.
    if (this.headerFields) this.headerFields = [];
    for (;;) {
      let fs: number;
      let fe: number;
      let escaped = false;
      if (p < len && b[p] === QUOTE) {
        fs = p + 1;
        let q = fs;
        for (;;) {
          q = b.indexOf(QUOTE, q);
          if (q < 0) {
            if (eof) throw new EvaluationDataError(`line ${this.line}: a quoted field is never closed`, { line: this.line });
            return INCOMPLETE;
          }
          if (q + 1 >= len && !eof) return INCOMPLETE; // cannot tell a closing quote from an escaped one yet
          if (b[q + 1] === QUOTE) {
            escaped = true;
            q += 2;
            continue;
          }
          break;
        }
        fe = q;
        p = q + 1;
        const nl = b.indexOf(LF, fs);
        if (nl >= 0 && nl < fe) for (let i = nl; i < fe; i++) if (b[i] === LF) this.linesInRecord++;
        if (p < len) {
          const c = b[p]!;
          if (c !== delim && c !== LF && c !== CR)
            throw new EvaluationDataError(
              `line ${this.line}: unexpected '${String.fromCharCode(c)}' after a closing quote (a quote inside a quoted field must be doubled)`,
              { line: this.line },
            );
        }
      } else {
        fs = p;
        while (p < len) {
          const c = b[p]!;
          if (c === delim || c === LF || c === CR) break;
          p++;
        }
        fe = p;
      }
      if (p >= len && !eof) return INCOMPLETE;
      if (this.headerFields) this.headerFields.push(decodeText(b, fs, fe, escaped));
      else if (field < this.fieldSlot.length) {
        const slot = this.fieldSlot[field]!;
        if (slot >= 0) this.store(slot, b, fs, fe, escaped, field);
      }
      field++;
      if (p >= len) break; // last record of the file without a line break
      const c = b[p]!;
      if (c === delim) {
        p++;
        continue;
      }
      if (c === CR) {
        if (p + 1 >= len && !eof) return INCOMPLETE;
        p += b[p + 1] === LF ? 2 : 1;
      } else p++;
      this.linesInRecord++;
      break;
    }
    if (field === 1 && isLineBreakOrEnd(b[start])) {
      this.blank = true;
      return p;
    }
    if (!this.headerFields && field !== this.expectedFields)
      throw new EvaluationDataError(`line ${this.line}: ${field} fields where the header has ${this.expectedFields}`, { line: this.line });
    return p;
  }

  // Sensitive attributes and categories repeat a handful of values millions of times; reusing the
  // decoded string skips an allocation and a UTF-8 decode per cell.
  private readonly internKeys: (Uint8Array | undefined)[] = new Array(1024);
  private readonly internValues: string[] = new Array(1024);

  private interned(b: Buffer, s: number, e: number): string {
    let h = 0x811c9dc5;
    for (let i = s; i < e; i++) h = Math.imul(h ^ b[i]!, 0x01000193);
    h = (h >>> 0) & 1023;
    const key = this.internKeys[h];
    const n = e - s;
    if (key !== undefined && key.length === n) {
      let i = 0;
      while (i < n && key[i] === b[s + i]) i++;
      if (i === n) return this.internValues[h]!;
    }
    const text = b.toString("utf8", s, e);
    // A copy, so that the cache does not pin the chunk it came from.
    this.internKeys[h] = new Uint8Array(b.subarray(s, e));
    this.internValues[h] = text;
    return text;
  }

  private store(slotIndex: number, b: Buffer, fs: number, fe: number, escaped: boolean, field: number): void {
    const slot = this.slots[slotIndex]!;
    if (slot.kind === "number") {
      let v: number | undefined;
      if (isMissingBytes(b, fs, fe)) v = NaN;
      else {
        v = parseDecimalBytes(b, fs, fe);
        if (v === undefined) {
          const text = decodeText(b, fs, fe, escaped);
          v = parseNumberText(text);
          if (v === undefined)
            throw new EvaluationDataError(
              `line ${this.line}, column '${this.columnNames[field]}': '${truncate(text)}' is not a number`,
              { line: this.line, column: this.columnNames[field] },
            );
        }
      }
      slot.values[this.row] = v;
    } else {
      slot.values[this.row] = isMissingBytes(b, fs, fe) ? null : escaped || fe - fs > 24 ? decodeText(b, fs, fe, escaped) : this.interned(b, fs, fe);
    }
  }
}

function isLineBreakOrEnd(c: number | undefined): boolean {
  return c === undefined || c === LF || c === CR;
}

function decodeText(b: Buffer, s: number, e: number, escaped: boolean): string {
  const text = b.toString("utf8", s, e);
  return escaped ? text.replaceAll('""', '"') : text;
}

function truncate(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

async function* readCsv(
  source: AsyncIterable<Uint8Array | string>,
  columns: readonly EvaluationColumn[],
  batchSize: number,
  maxRows: number,
  signal: AbortSignal | undefined,
  delimiter: string,
  maxRecordBytes: number,
): AsyncGenerator<RowBatch> {
  if (delimiter.length !== 1 || delimiter.charCodeAt(0) > 127 || delimiter === '"' || delimiter === "\n" || delimiter === "\r")
    throw new RangeError(`unsupported CSV delimiter ${JSON.stringify(delimiter)}`);
  const parser = new CsvRecordParser(delimiter.charCodeAt(0), []);
  parser.headerFields = [];
  let slots = newSlots(columns, batchSize);
  let total = 0;
  // Unconsumed bytes: the start of a record that ran past the end of the data seen so far.
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  // After an incomplete attempt over N bytes, wait for 2N before retrying, so a record spanning many
  // chunks (a huge quoted field) is rescanned a logarithmic number of times, not once per chunk.
  let retryAt = 0;

  const setup = (header: string[]) => {
    const names = header.map((h, i) => (i === 0 ? h.replace(/^\uFEFF/, "") : h));
    const index = new Map<string, number>();
    // A repeated header name keeps its first column, as most CSV readers do.
    names.forEach((n, i) => {
      if (!index.has(n)) index.set(n, i);
    });
    const missing = columns.filter((c) => !index.has(c.name)).map((c) => c.name);
    if (missing.length)
      throw new EvaluationDataError(
        `the evaluation CSV has no column${missing.length > 1 ? "s" : ""} ${missing.map((m) => `'${m}'`).join(", ")}; its columns are ${names.map((n) => `'${n}'`).join(", ")}`,
        { missingColumns: missing, availableColumns: names },
      );
    parser.fieldSlot = new Int32Array(names.length).fill(-1);
    columns.forEach((c, slot) => (parser.fieldSlot[index.get(c.name)!] = slot));
    parser.columnNames = names;
    parser.expectedFields = names.length;
    parser.headerFields = null;
    parser.slots = slots;
  };

  // Returns the offset of the first unconsumed byte; yields full batches as they fill.
  async function* consume(b: Buffer, eof: boolean): AsyncGenerator<RowBatch, number> {
    let p = 0;
    while (p < b.length) {
      if (total >= maxRows) return b.length;
      const end = parser.parse(b, p, eof);
      if (end === INCOMPLETE) return p;
      if (end - p > maxRecordBytes) throw recordTooLong(parser.line, "a record", maxRecordBytes);
      p = end;
      const lines = parser.linesInRecord;
      if (parser.blank) {
        parser.line += lines;
        continue;
      }
      if (parser.headerFields) {
        setup(parser.headerFields);
      } else {
        parser.row++;
        total++;
        if (parser.row === batchSize) {
          yield toBatch(slots, batchSize, batchSize);
          slots = newSlots(columns, batchSize);
          parser.slots = slots;
          parser.row = 0;
        }
      }
      parser.line += lines;
    }
    return p;
  }

  for await (const bytes of bytesWithoutBom(source)) {
    throwIfAborted(signal);
    if (bytes.length === 0) continue;
    pending.push(bytes);
    pendingBytes += bytes.length;
    // Retried early once the bytes could exceed the limit: either the record ends within them or it is
    // too long, so nothing beyond MAX_RECORD_BYTES plus a chunk is ever buffered.
    if (pendingBytes < retryAt && pendingBytes <= maxRecordBytes) continue;
    const data = pending.length === 1 ? pending[0]! : Buffer.concat(pending, pendingBytes);
    const used = yield* consume(data, false);
    if (total >= maxRows) break;
    const rest = data.subarray(used);
    if (rest.length > maxRecordBytes) throw recordTooLong(parser.line, "a record", maxRecordBytes);
    pending = rest.length ? [rest] : [];
    pendingBytes = rest.length;
    retryAt = rest.length > 65_536 ? rest.length * 2 : 0;
  }
  if (total < maxRows && pendingBytes > 0) {
    const data = pending.length === 1 ? pending[0]! : Buffer.concat(pending, pendingBytes);
    yield* consume(data, true);
  }
  if (parser.headerFields) throw new EvaluationDataError("the evaluation CSV is empty: a header row naming the columns is required");
  if (parser.row > 0) yield toBatch(slots, parser.row, batchSize);
}

// ---------------------------------------------------------------------------------------------------
// JSON lines.

async function* readJsonl(
  source: AsyncIterable<Uint8Array | string>,
  columns: readonly EvaluationColumn[],
  batchSize: number,
  maxRows: number,
  signal: AbortSignal | undefined,
  maxRecordBytes: number,
): AsyncGenerator<RowBatch> {
  let slots = newSlots(columns, batchSize);
  let row = 0;
  let total = 0;
  let line = 0;
  // The start of a line that runs past the chunks seen so far, as the pieces it arrived in: they are
  // joined once, when its line break arrives, so a line spanning k chunks costs O(its length), not
  // O(k × its length) as re-joining on every chunk would.
  let carry: Buffer[] = [];
  let carryBytes = 0;
  // A column absent from every row of the first batch is almost certainly misnamed, like a missing
  // CSV header; absent keys in later rows are just missing values.
  const seenInFirstBatch = new Set<string>();
  const keysInFirstBatch = new Set<string>();
  let checked = false;

  const check = () => {
    if (checked) return;
    checked = true;
    const missing = columns.filter((c) => !seenInFirstBatch.has(c.name)).map((c) => c.name);
    if (missing.length)
      throw new EvaluationDataError(
        `no row of the evaluation JSON lines has the key${missing.length > 1 ? "s" : ""} ${missing.map((m) => `'${m}'`).join(", ")}; keys present are ${[...keysInFirstBatch].map((k) => `'${k}'`).join(", ")}`,
        { missingColumns: missing, availableColumns: [...keysInFirstBatch] },
      );
  };

  const handleLine = (text: string) => {
    line++;
    if (text.trim() === "") return false;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      throw new EvaluationDataError(`line ${line}: not valid JSON (${(err as Error).message})`, { line });
    }
    if (value === null || typeof value !== "object" || Array.isArray(value))
      throw new EvaluationDataError(`line ${line}: expected a JSON object with one key per column`, { line });
    const record = value as Record<string, unknown>;
    if (!checked) for (const k of Object.keys(record)) keysInFirstBatch.add(k);
    for (const slot of slots) {
      const v = record[slot.name];
      if (!checked && v !== undefined) seenInFirstBatch.add(slot.name);
      if (slot.kind === "number") slot.values[row] = jsonNumber(v, line, slot.name);
      else slot.values[row] = jsonText(v, line, slot.name);
    }
    return true;
  };

  for await (const bytes of bytesWithoutBom(source)) {
    throwIfAborted(signal);
    let p = 0;
    // The carried pieces hold no line break (else they would have been consumed): search the chunk only.
    for (let nl = bytes.indexOf(LF); nl >= 0; nl = bytes.indexOf(LF, p)) {
      if (carryBytes + nl + 1 - p > maxRecordBytes) throw recordTooLong(line + 1, "a line", maxRecordBytes);
      let text: string;
      if (carryBytes > 0) {
        // Only the first line of a chunk continues the carry, so p is 0 here.
        carry.push(bytes.subarray(0, nl));
        text = Buffer.concat(carry, carryBytes + nl).toString("utf8");
        carry = [];
        carryBytes = 0;
      } else text = bytes.toString("utf8", p, nl);
      p = nl + 1;
      if (!handleLine(text)) continue;
      row++;
      total++;
      if (row === batchSize) {
        check();
        yield toBatch(slots, batchSize, batchSize);
        slots = newSlots(columns, batchSize);
        row = 0;
      }
      if (total >= maxRows) break;
    }
    if (total >= maxRows) {
      carry = [];
      carryBytes = 0;
      break;
    }
    if (p < bytes.length) {
      carryBytes += bytes.length - p;
      if (carryBytes > maxRecordBytes) throw recordTooLong(line + 1, "a line", maxRecordBytes);
      // A chunk without a line break is kept whole; a tail is copied so as not to pin its chunk.
      carry.push(p === 0 ? bytes : Buffer.from(bytes.subarray(p)));
    }
  }
  if (total < maxRows && carryBytes > 0 && handleLine(Buffer.concat(carry, carryBytes).toString("utf8"))) {
    row++;
    total++;
  }
  if (total === 0 && !checked) return;
  check();
  if (row > 0) yield toBatch(slots, row, batchSize);
}

function jsonNumber(v: unknown, line: number, column: string): number {
  if (v === undefined || v === null) return NaN;
  if (typeof v === "number") return v;
  if (typeof v === "boolean") return v ? 1 : 0;
  if (typeof v === "string") {
    const n = parseNumberText(v);
    if (n !== undefined) return n;
    throw new EvaluationDataError(`line ${line}, column '${column}': '${truncate(v)}' is not a number`, { line, column });
  }
  throw new EvaluationDataError(`line ${line}, column '${column}': expected a number, got ${Array.isArray(v) ? "an array" : "an object"}`, {
    line,
    column,
  });
}

function jsonText(v: unknown, line: number, column: string): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v === "string") return MISSING_TEXT.has(v) ? null : v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  throw new EvaluationDataError(`line ${line}, column '${column}': expected text, got ${Array.isArray(v) ? "an array" : "an object"}`, {
    line,
    column,
  });
}
