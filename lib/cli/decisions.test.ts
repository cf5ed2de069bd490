// How `predict` reads its rows: a JSON array or JSON lines, from a file or stdin, each JSON-lines row
// remembered by its line so the registry's rows.<i> errors can name it.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { afterAll, describe, expect, it } from "vitest";
import { MAX_JSON_BODY_BYTES } from "../http/json-body.ts";
import { readRows } from "./decisions.ts";
import { CommandFailure, UsageError } from "./errors.ts";

const dir = mkdtempSync(path.join(os.tmpdir(), "cli-rows-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const noStdin = Readable.from([]);

function file(name: string, text: string | Buffer): string {
  const p = path.join(dir, name);
  writeFileSync(p, text);
  return p;
}

describe("readRows", () => {
  it("reads a JSON array file (even pretty-printed) as rows, with no line origins", async () => {
    const p = file("rows.json", '\n  [\n  {"a": 1},\n  {"a": 2}\n]\n');
    expect(await readRows({ file: p, stdin: noStdin })).toEqual({ rows: [{ a: 1 }, { a: 2 }] });
  });

  it("reads JSON lines from stdin, skipping blank lines and CRs, and names each row's line", async () => {
    const stdin = Readable.from([Buffer.from('{"a": 1}\r\n\r\n{"a"'), Buffer.from(": 2}\n")]);
    expect(await readRows({ file: "-", stdin })).toEqual({ rows: [{ a: 1 }, { a: 2 }], origins: ["line 1 of stdin", "line 3 of stdin"] });
  });

  it("names the line that is not JSON, and refuses input with no rows or larger than a request may be", async () => {
    const bad = file("bad.jsonl", '{"a": 1}\n{"a": \n');
    await expect(readRows({ file: bad, stdin: noStdin })).rejects.toThrow(
      new CommandFailure(`${bad} line 2 is not valid JSON: Unexpected end of JSON input`, ["give a JSON array of rows, or one row (a JSON object) per line"]),
    );
    await expect(readRows({ file: file("blank.jsonl", "\n \n"), stdin: noStdin })).rejects.toThrow(/holds no rows/);
    await expect(readRows({ file: file("object.json", "[1"), stdin: noStdin })).rejects.toThrow(/is not a valid JSON array/);
    const big = file("big.jsonl", Buffer.alloc(MAX_JSON_BODY_BYTES + 1, "{}\n"));
    await expect(readRows({ file: big, stdin: noStdin })).rejects.toThrow(/larger than a predict request may be/);
    await expect(readRows({ file: "-", stdin: Readable.from([Buffer.alloc(MAX_JSON_BODY_BYTES + 1, " ")]) })).rejects.toThrow(/stdin is larger than/);
    await expect(readRows({ file: path.join(dir, "missing.jsonl"), stdin: noStdin })).rejects.toThrow(/cannot read .*ENOENT/);
  });

  it("takes --rows as a JSON array only, and needs exactly one source", async () => {
    expect(await readRows({ rows: '[{"a": 1}]', stdin: noStdin })).toEqual({ rows: [{ a: 1 }] });
    await expect(readRows({ rows: '{"a": 1}', stdin: noStdin })).rejects.toThrow(UsageError);
    await expect(readRows({ rows: "[", stdin: noStdin })).rejects.toThrow(/--rows is not valid JSON/);
    await expect(readRows({ stdin: noStdin })).rejects.toThrow(/predict needs rows/);
    await expect(readRows({ rows: "[]", file: "-", stdin: noStdin })).rejects.toThrow(/not both/);
  });
});
