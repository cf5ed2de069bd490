import { Readable } from "node:stream";
import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import type { Column, RowBatch } from "../types.ts";
import {
  EvaluationDataError,
  inferEvaluationFormat,
  MAX_RECORD_BYTES,
  parseNumberText,
  readEvaluationBatches,
  type EvaluationColumn,
  type ReadEvaluationOptions,
} from "./read-evaluation.ts";

/** Splits the UTF-8 bytes of `text` at the given offsets (so multi-byte characters may be cut). */
async function* chunksOf(text: string | Buffer, cuts: number[] = []): AsyncGenerator<Uint8Array> {
  const bytes = typeof text === "string" ? Buffer.from(text, "utf8") : text;
  const points = [...new Set(cuts.map((c) => Math.min(Math.max(c, 0), bytes.length)))].sort((a, b) => a - b);
  let from = 0;
  for (const p of [...points, bytes.length]) {
    if (p > from) yield new Uint8Array(bytes.subarray(from, p));
    from = p;
  }
}

type Table = { size: number; columns: Record<string, (number | string | null)[]> };

async function readAll(options: ReadEvaluationOptions): Promise<{ table: Table; batches: RowBatch[] }> {
  const batches: RowBatch[] = [];
  for await (const b of readEvaluationBatches(options)) batches.push(b);
  const columns: Record<string, (number | string | null)[]> = {};
  for (const c of options.columns) columns[c.name] = [];
  for (const b of batches)
    for (const [name, col] of b.columns) {
      expect(col.values.length).toBe(b.size);
      columns[name]!.push(...(col.values as ArrayLike<number | string | null> as (number | string | null)[]));
    }
  return { table: { size: batches.reduce((n, b) => n + b.size, 0), columns }, batches };
}

async function read(text: string | Buffer, columns: EvaluationColumn[], extra: Partial<ReadEvaluationOptions> = {}) {
  return (await readAll({ source: chunksOf(text, extra.batchSize ? [] : [3, 10, 17]), format: "csv", columns, ...extra })).table;
}

async function readError(options: ReadEvaluationOptions): Promise<EvaluationDataError> {
  try {
    await readAll(options);
  } catch (err) {
    expect(err).toBeInstanceOf(EvaluationDataError);
    return err as EvaluationDataError;
  }
  throw new Error("expected the read to fail");
}

const num = (name: string): EvaluationColumn => ({ name, kind: "number" });
const text = (name: string): EvaluationColumn => ({ name, kind: "text" });

describe("inferEvaluationFormat", () => {
  it("maps extensions and lets a declared format win", () => {
    expect(inferEvaluationFormat("eval/data.csv")).toBe("csv");
    expect(inferEvaluationFormat("data.TSV")).toBe("csv");
    expect(inferEvaluationFormat("data.jsonl")).toBe("jsonl");
    expect(inferEvaluationFormat("data.ndjson")).toBe("jsonl");
    expect(inferEvaluationFormat("data.parquet")).toBeUndefined();
    expect(inferEvaluationFormat("data.txt", "jsonl")).toBe("jsonl");
  });
});

describe("parseNumberText", () => {
  it("accepts decimals, exponents, booleans and missing spellings; refuses the rest", () => {
    expect(parseNumberText("1.5")).toBe(1.5);
    expect(parseNumberText(" -2e3 ")).toBe(-2000);
    expect(parseNumberText(".5")).toBe(0.5);
    expect(parseNumberText("TRUE")).toBe(1);
    expect(parseNumberText("false")).toBe(0);
    expect(parseNumberText("NA")).toBeNaN();
    expect(parseNumberText("")).toBeNaN();
    expect(parseNumberText("0x10")).toBeUndefined();
    expect(parseNumberText("12abc")).toBeUndefined();
    expect(parseNumberText("1,5")).toBeUndefined();
  });
});

describe("readEvaluationBatches: CSV", () => {
  it("reads only the requested columns, by name, in any order", async () => {
    const t = await read("a,b,c\n1,x,2.5\n-3,y,4\n", [num("c"), text("b")]);
    expect(t).toEqual({ size: 2, columns: { c: [2.5, 4], b: ["x", "y"] } });
  });

  it("handles RFC 4180 quoting: commas, line breaks and doubled quotes inside quotes, CRLF, BOM", async () => {
    const csv = '\uFEFFid,desc,score\r\n1,"a, b",0.5\r\n2,"line1\r\nline2",1\r\n3,"say ""hi""",2\r\n4,"",3\r\n5,"7",4';
    const t = await read(csv, [num("id"), text("desc"), num("score")]);
    expect(t.columns).toEqual({
      id: [1, 2, 3, 4, 5],
      desc: ["a, b", "line1\r\nline2", 'say "hi"', null, "7"],
      score: [0.5, 1, 2, 3, 4],
    });
  });

  it("reads a quoted number in a number column", async () => {
    expect((await read('x\n"1.25"\n', [num("x")])).columns.x).toEqual([1.25]);
  });

  it("treats empty, NA and null as missing: NaN for numbers, null for text", async () => {
    const t = await read("n,t\n,\nNA,NA\nnull,null\n1,ok\n", [num("n"), text("t")]);
    expect(t.columns.n).toEqual([NaN, NaN, NaN, 1]);
    expect(t.columns.t).toEqual([null, null, null, "ok"]);
  });

  it("parses true/false in number columns (bool features)", async () => {
    expect((await read("b\ntrue\nFalse\n1\n", [num("b")])).columns.b).toEqual([1, 0, 1]);
  });

  it("skips blank lines and accepts a last line without a line break", async () => {
    const t = await read("\na,b\n1,2\n\n\r\n3,4", [num("a"), num("b")]);
    expect(t.columns).toEqual({ a: [1, 3], b: [2, 4] });
  });

  it("keeps the first of two columns with the same header name", async () => {
    expect((await read("s,x,s\n1,2,3\n", [num("s")])).columns.s).toEqual([1]);
  });

  it("reads tab-separated values with delimiter \\t", async () => {
    const t = await read('a\tb\n1\t"x\ty"\n', [num("a"), text("b")], { delimiter: "\t" });
    expect(t.columns).toEqual({ a: [1], b: ["x\ty"] });
  });

  it("splits into batches of batchSize with a short last batch", async () => {
    const csv = "v\n" + Array.from({ length: 10 }, (_, i) => `${i}\n`).join("");
    const { batches } = await readAll({ source: chunksOf(csv, [5]), format: "csv", columns: [num("v")], batchSize: 4 });
    expect(batches.map((b) => b.size)).toEqual([4, 4, 2]);
    expect([...(batches[2]!.columns.get("v") as Extract<Column, { kind: "number" }>).values]).toEqual([8, 9]);
  });

  it("stops at maxRows without reading the rest of the source", async () => {
    let pulled = 0;
    async function* source() {
      yield Buffer.from("v\n1\n2\n");
      pulled++;
      yield Buffer.from("3\n4\n");
      pulled++;
      yield Buffer.from("5\n6\n");
      pulled++;
      yield Buffer.from("7\n");
      pulled++;
    }
    const { table } = await readAll({ source: source(), format: "csv", columns: [num("v")], maxRows: 3 });
    expect(table.columns.v).toEqual([1, 2, 3]);
    expect(pulled).toBeLessThan(3);
  });

  it("accepts a Node Readable and string chunks", async () => {
    const { table } = await readAll({ source: Readable.from(["a,b\n1,", "2\n"]), format: "csv", columns: [num("a"), num("b")] });
    expect(table.columns).toEqual({ a: [1], b: [2] });
  });

  it("names the missing and the available columns", async () => {
    const err = await readError({ source: chunksOf("age,income,race\n1,2,x\n"), format: "csv", columns: [num("age"), num("label"), text("sex")] });
    expect(err.message).toContain("'label'");
    expect(err.message).toContain("'sex'");
    expect(err.message).toContain("'age', 'income', 'race'");
    expect(err.details.missingColumns).toEqual(["label", "sex"]);
    expect(err.details.availableColumns).toEqual(["age", "income", "race"]);
  });

  it("reports a non-numeric value with its line and column, counting line breaks inside quotes", async () => {
    const csv = 'a,note,b\n1,"two\nlines",2\n3,x,abc\n';
    const err = await readError({ source: chunksOf(csv), format: "csv", columns: [num("a"), num("b")] });
    expect(err.message).toBe("line 4, column 'b': 'abc' is not a number");
    expect(err.details).toMatchObject({ line: 4, column: "b" });
  });

  it("refuses rows with the wrong number of fields", async () => {
    const err = await readError({ source: chunksOf("a,b\n1,2\n3\n"), format: "csv", columns: [num("a")] });
    expect(err.message).toBe("line 3: 1 fields where the header has 2");
  });

  it("refuses an unterminated quote and text after a closing quote", async () => {
    expect((await readError({ source: chunksOf('a\n"abc\n'), format: "csv", columns: [text("a")] })).message).toMatch(/never closed/);
    expect((await readError({ source: chunksOf('a\n"ab"c\n'), format: "csv", columns: [text("a")] })).message).toMatch(/after a closing quote/);
  });

  it("refuses an empty file (no header)", async () => {
    expect((await readError({ source: chunksOf(""), format: "csv", columns: [num("a")] })).message).toMatch(/header/);
  });

  it("yields nothing for a header-only file", async () => {
    expect((await read("a,b\n", [num("a")])).size).toBe(0);
  });

  it("stops when the signal is aborted", async () => {
    const controller = new AbortController();
    controller.abort(new Error("time limit"));
    await expect(readAll({ source: chunksOf("a\n1\n"), format: "csv", columns: [num("a")], signal: controller.signal })).rejects.toThrow("time limit");
  });

  it("parses plain decimals bit-for-bit like Number()", async () => {
    // Awaited: an async property that is not awaited never fails the test.
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.tuple(fc.boolean(), fc.bigInt({ min: 0n, max: 10n ** 18n }), fc.integer({ min: 0, max: 20 })).map(([neg, digits, scale]) => {
            const s = digits.toString().padStart(scale + 1, "0");
            return `${neg ? "-" : ""}${scale ? `${s.slice(0, -scale)}.${s.slice(-scale)}` : s}`;
          }),
          { minLength: 1, maxLength: 50 },
        ),
        async (values) => {
          const t = await read(`x\n${values.join("\n")}\n`, [num("x")]);
          t.columns.x!.forEach((v, i) => expect(Object.is(v, Number(values[i]))).toBe(true));
        },
      ),
      { numRuns: 200 },
    );
  });

  // The serializer below is the RFC 4180 definition; the reader must invert it for any table, any
  // chunking (including cuts inside CRLF, inside doubled quotes and inside multi-byte characters).
  it("round-trips any table through any chunking and batch size", async () => {
    const cell = fc.oneof(
      fc.string({ unit: fc.constantFrom("a", "é", "😀", ",", '"', "\n", "\r", " ", "N", "A", "1"), maxLength: 8 }),
      fc.constantFrom("", "NA", "null", "x"),
    );
    const missing = new Set(["", "NA", "N/A", "null", "NULL", "NaN", "nan"]);
    const quote = (s: string) => (/[",\r\n]/.test(s) || s === "" || s.length % 3 === 1 ? `"${s.replaceAll('"', '""')}"` : s);
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 4 }).chain((textCols) =>
          fc.record({
            rows: fc.array(fc.tuple(fc.array(cell, { minLength: textCols, maxLength: textCols }), fc.double({ noNaN: true, noDefaultInfinity: true })), {
              maxLength: 30,
            }),
            cuts: fc.array(fc.nat({ max: 2000 }), { maxLength: 20 }),
            batchSize: fc.integer({ min: 1, max: 7 }),
            crlf: fc.boolean(),
            bom: fc.boolean(),
            finalNewline: fc.boolean(),
          }),
        ),
        async ({ rows, cuts, batchSize, crlf, bom, finalNewline }) => {
          const textCols = rows[0]?.[0].length ?? 1;
          const names = Array.from({ length: textCols }, (_, i) => `t${i}`);
          const eol = crlf ? "\r\n" : "\n";
          const lines = [[...names, "n"].join(","), ...rows.map(([cells, n]) => [...cells.map(quote), String(n)].join(","))];
          const csv = (bom ? "\uFEFF" : "") + lines.join(eol) + (finalNewline ? eol : "");
          // A one-column row with an empty unquoted cell would be a blank line; the quoting above avoids it.
          const { table, batches } = await readAll({
            source: chunksOf(csv, cuts),
            format: "csv",
            columns: [...names.map(text), num("n")],
            batchSize,
          });
          expect(table.size).toBe(rows.length);
          expect(batches.every((b, i) => b.size === (i < batches.length - 1 ? batchSize : b.size))).toBe(true);
          names.forEach((name, c) => expect(table.columns[name]).toEqual(rows.map(([cells]) => (missing.has(cells[c]!) ? null : cells[c]))));
          expect(table.columns.n).toEqual(rows.map(([, n]) => Number(String(n))));
        },
      ),
      { numRuns: 300 },
    );
  });

  it("keeps thousands of distinct short text values apart (the decoded-string cache never mixes them up)", async () => {
    const values = Array.from({ length: 5000 }, (_, i) => (i % 7 === 0 ? `é${i}` : `g${i.toString(36)}`));
    const csv = `v,w\n${values.map((v, i) => `${v},${values[(i * 7919) % values.length]}`).join("\n")}\n`;
    const t = await read(csv, [text("v"), text("w")], { source: chunksOf(csv, [1000, 20_000]) });
    expect(t.columns.v).toEqual(values);
    expect(t.columns.w).toEqual(values.map((_, i) => values[(i * 7919) % values.length]));
  });

  it("rescans a record spanning many chunks only a few times", async () => {
    const big = "x".repeat(2_000_000);
    const csv = `a,b\n1,"${big}"\n2,y\n`;
    const cuts = Array.from({ length: 2000 }, (_, i) => i * 1000 + 7);
    const t0 = performance.now();
    const t = await read(Buffer.from(csv), [num("a"), text("b")], { batchSize: 10, source: chunksOf(csv, cuts) });
    expect(t.columns.a).toEqual([1, 2]);
    expect((t.columns.b![0] as string).length).toBe(2_000_000);
    expect(performance.now() - t0).toBeLessThan(5_000);
  });
});

describe("readEvaluationBatches: JSON lines", () => {
  const jsonl = (...rows: unknown[]) => rows.map((r) => (typeof r === "string" ? r : JSON.stringify(r))).join("\n");

  it("reads objects per line, ignoring blank lines and unrequested keys", async () => {
    const src = jsonl({ a: 1, b: "x", z: [1] }, "", "   ", { a: 2.5, b: "y" }) + "\n";
    const { table } = await readAll({ source: chunksOf(src, [1, 9, 20]), format: "jsonl", columns: [num("a"), text("b")] });
    expect(table.columns).toEqual({ a: [1, 2.5], b: ["x", "y"] });
  });

  it("maps nulls, absent keys, booleans and numeric strings", async () => {
    const src = jsonl({ a: null, b: null, c: true }, { b: 3, c: false }, { a: "4.5", b: "NA", c: "1" });
    const { table } = await readAll({ source: chunksOf(src), format: "jsonl", columns: [num("a"), text("b"), num("c")] });
    expect(table.columns).toEqual({ a: [NaN, NaN, 4.5], b: [null, "3", null], c: [1, 0, 1] });
  });

  it("reports bad JSON with its line number", async () => {
    const err = await readError({ source: chunksOf(jsonl({ a: 1 }, "", "{a: 2}")), format: "jsonl", columns: [num("a")] });
    expect(err.message).toMatch(/^line 3: not valid JSON/);
    expect(err.details.line).toBe(3);
  });

  it("refuses non-object lines and non-numeric text in number columns", async () => {
    expect((await readError({ source: chunksOf("[1,2]\n"), format: "jsonl", columns: [num("a")] })).message).toMatch(/line 1: expected a JSON object/);
    const err = await readError({ source: chunksOf(jsonl({ a: 1 }, { a: "abc" })), format: "jsonl", columns: [num("a")] });
    expect(err.message).toBe("line 2, column 'a': 'abc' is not a number");
  });

  it("names a key that no row of the first batch has", async () => {
    const err = await readError({ source: chunksOf(jsonl({ age: 1, race: "x" })), format: "jsonl", columns: [num("age"), num("label")] });
    expect(err.message).toContain("'label'");
    expect(err.message).toContain("'age', 'race'");
    expect(err.details.missingColumns).toEqual(["label"]);
  });

  it("reads a line spanning many chunks", async () => {
    const long = "é".repeat(300_000);
    const src = jsonl({ t: "a" }, { t: long }, { t: "b" });
    const cuts = Array.from({ length: 600 }, (_, i) => i * 1001 + 3);
    const { table } = await readAll({ source: chunksOf(src, cuts), format: "jsonl", columns: [text("t")] });
    expect(table.columns.t).toEqual(["a", long, "b"]);
  });

  it("round-trips any rows through any chunking (multi-byte text cut across chunks)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ n: fc.option(fc.double({ noNaN: true, noDefaultInfinity: true }), { nil: null }), t: fc.string({ unit: "grapheme", maxLength: 6 }) }), {
          minLength: 1,
          maxLength: 20,
        }),
        fc.array(fc.nat({ max: 1000 }), { maxLength: 15 }),
        fc.integer({ min: 1, max: 5 }),
        async (rows, cuts, batchSize) => {
          const src = rows.map((r) => JSON.stringify(r)).join("\r\n");
          const { table } = await readAll({ source: chunksOf(src, cuts), format: "jsonl", columns: [num("n"), text("t")], batchSize });
          expect(table.columns.n).toEqual(rows.map((r) => (r.n === null ? NaN : (JSON.parse(JSON.stringify(r.n)) as number))));
          const missing = new Set(["", "NA", "N/A", "null", "NULL", "NaN", "nan"]);
          expect(table.columns.t).toEqual(rows.map((r) => (missing.has(r.t) ? null : r.t)));
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe("readEvaluationBatches: record length limit", () => {
  const cap = 1000;
  const every = (n: number, size: number) => Array.from({ length: n }, (_, i) => (i + 1) * size);

  it("is 64 MiB by default", () => {
    expect(MAX_RECORD_BYTES).toBe(64 * 1024 * 1024);
  });

  it("refuses a JSON line longer than the limit, naming its line, however the input is chunked", async () => {
    const long = JSON.stringify({ t: "x".repeat(2 * cap) });
    const src = `{"t":"a"}\n${long}\n{"t":"b"}\n`;
    for (const cuts of [[], every(40, 97), [15]]) {
      const err = await readError({ source: chunksOf(src, cuts), format: "jsonl", columns: [text("t")], maxRecordBytes: cap });
      expect(err.message).toMatch(/^line 2: a line is longer than 1000 bytes, the limit for one record/);
      expect(err.details.line).toBe(2);
    }
    // The last line, without a line break, too.
    const err = await readError({ source: chunksOf(`{"t":"a"}\n${long}`, every(40, 97)), format: "jsonl", columns: [text("t")], maxRecordBytes: cap });
    expect(err.details.line).toBe(2);
  });

  it("accepts a JSON line of exactly the limit, line break included", async () => {
    const line = JSON.stringify({ t: "y".repeat(cap - 9) }); // 9 bytes of {"t":""} plus the line break
    expect(Buffer.byteLength(line) + 1).toBe(cap);
    const { table } = await readAll({ source: chunksOf(`${line}\n${line}`, every(30, 77)), format: "jsonl", columns: [text("t")], maxRecordBytes: cap });
    expect(table.size).toBe(2);
  });

  it("refuses a CSV record longer than the limit, counting line breaks inside quotes, naming the line it starts on", async () => {
    const field = Array.from({ length: 30 }, () => "z".repeat(40)).join("\n"); // 1229 bytes over 30 lines
    const src = `a,b\n1,x\n2,"${field}"\n3,y\n`;
    for (const cuts of [[], every(40, 97), [10]]) {
      const err = await readError({ source: chunksOf(src, cuts), format: "csv", columns: [num("a"), text("b")], maxRecordBytes: cap });
      expect(err.message).toMatch(/^line 3: a record is longer than 1000 bytes, the limit for one record/);
      expect(err.details.line).toBe(3);
    }
    // An unterminated quote is stopped at the limit rather than buffered to the end of the file.
    const open = `a,b\n1,"never closed\n${"w,".repeat(5000)}`;
    const err = await readError({ source: chunksOf(open, every(200, 64)), format: "csv", columns: [num("a"), text("b")], maxRecordBytes: cap });
    expect(err.details.line).toBe(2);
    // A record of exactly the limit passes.
    const ok = `a,b\n1,"${"q".repeat(cap - 5)}"\n`; // 1,"…" plus the line break: cap bytes
    expect(Buffer.byteLength(ok) - 4).toBe(cap);
    const t = await read(ok, [num("a"), text("b")], { source: chunksOf(ok, every(30, 61)), maxRecordBytes: cap });
    expect(t.columns.a).toEqual([1]);
  });

  it("joins a 16 MB JSON line once, whether it arrives in 256 or 1024 chunks", async () => {
    const size = 16 * 1024 * 1024;
    const line = Buffer.alloc(size, 0x61);
    line.write('{"t":"', 0, "latin1");
    line.write('"}\n', size - 3, "latin1");
    const concat = vi.spyOn(Buffer, "concat");
    try {
      const joins: { calls: number; bytes: number }[] = [];
      for (const chunks of [256, 1024]) {
        concat.mockClear();
        let rows = 0;
        let length = 0;
        const source = chunksOf(line, every(chunks - 1, size / chunks));
        for await (const batch of readEvaluationBatches({ source, format: "jsonl", columns: [text("t")] })) {
          rows += batch.size;
          const column = batch.columns.get("t")!;
          length += column.kind === "text" ? column.values[0]!.length : 0;
        }
        expect(rows).toBe(1);
        expect(length).toBe(size - 9);
        const bytes = concat.mock.results.reduce((n, r) => n + (r.value as Buffer).length, 0);
        joins.push({ calls: concat.mock.calls.length, bytes });
      }
      // Re-joining on every chunk would take 256 and 1024 joins copying ~2 GB and ~8 GB.
      expect(joins[0]).toEqual(joins[1]);
      expect(joins[0]!.calls).toBe(1);
      expect(joins[0]!.bytes).toBeLessThan(size);
    } finally {
      concat.mockRestore();
    }
  });
});
