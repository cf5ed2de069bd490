// Splits a multi-statement SQL script into single statements, the way PostgreSQL's own lexer would.
//
// Why this exists: a driver adapter's `executeScript` is how the schema engine runs a migration, and
// @prisma/adapter-pg 7.10 implements it as `script.split(";")`, which tears apart any statement with a
// semicolon inside a string, a quoted identifier or a dollar-quoted function body (our immutability
// triggers have all three). Our own adapter factories send the script whole instead (see
// driver-adapters.ts); this splitter is the fallback for adapter factories we did not build.
//
// Handled: '…' strings ('' escapes), E'…' strings (backslash escapes), "…" identifiers, $tag$…$tag$
// bodies, -- line comments and nested /* */ comments. Not handled: SQL-standard `BEGIN ATOMIC … END`
// function bodies (unquoted semicolons); write such functions with a dollar-quoted body.

const identChar = /[A-Za-z0-9_$\u0080-\uffff]/;
const dollarTag = /^\$([A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/;

/**
 * The statements of `script` in order, without leading comments, surrounding whitespace or the
 * terminating semicolon; parts that hold only comments are dropped.
 */
export function splitSqlStatements(script: string): string[] {
  const statements: string[] = [];
  // Where the current statement's first token (not whitespace, not a comment) is; -1 before it.
  let start = -1;
  let i = 0;
  const n = script.length;

  const finish = (end: number) => {
    if (start !== -1) statements.push(script.slice(start, end).trim());
    start = -1;
  };

  while (i < n) {
    const c = script[i]!;
    const next = script[i + 1];
    if (c === "-" && next === "-") {
      const eol = script.indexOf("\n", i);
      i = eol === -1 ? n : eol + 1;
      continue;
    }
    if (c === "/" && next === "*") {
      let depth = 1;
      i += 2;
      while (i < n && depth > 0) {
        if (script[i] === "/" && script[i + 1] === "*") {
          depth++;
          i += 2;
        } else if (script[i] === "*" && script[i + 1] === "/") {
          depth--;
          i += 2;
        } else {
          i++;
        }
      }
      continue;
    }
    if (c === ";") {
      finish(i);
      i++;
      continue;
    }
    if (start === -1 && !/\s/.test(c)) start = i;
    if (c === "'") {
      const prev = script[i - 1];
      const escapeString = (prev === "E" || prev === "e") && !identChar.test(script[i - 2] ?? "");
      i = skipQuoted(script, i, "'", escapeString);
      continue;
    }
    if (c === '"') {
      i = skipQuoted(script, i, '"', false);
      continue;
    }
    if (c === "$" && !identChar.test(script[i - 1] ?? "")) {
      const tag = dollarTag.exec(script.slice(i, i + 64))?.[0];
      if (tag) {
        const close = script.indexOf(tag, i + tag.length);
        i = close === -1 ? n : close + tag.length;
        continue;
      }
    }
    i++;
  }
  finish(n);
  return statements;
}

/** Index just past the closing quote of the quoted token starting at `open`. */
function skipQuoted(script: string, open: number, quote: string, backslashEscapes: boolean): number {
  let i = open + 1;
  while (i < script.length) {
    const c = script[i];
    if (backslashEscapes && c === "\\") i += 2;
    else if (c === quote && script[i + 1] === quote) i += 2;
    else if (c === quote) return i + 1;
    else i++;
  }
  return script.length;
}
