// Model cards follow the Hugging Face convention: YAML front matter (license, language, tags,
// datasets, …) followed by markdown. We show the front matter as a key/value table. Only the flat
// subset cards use in practice is interpreted (scalars, lists of scalars, flow lists); anything
// nested is shown verbatim, never evaluated, so no YAML feature can surprise us.

export type FrontMatterValue = { kind: "scalar"; value: string } | { kind: "list"; items: string[] } | { kind: "raw"; text: string };
export type FrontMatterEntry = { key: string; value: FrontMatterValue };
export type SplitCard = { frontMatter: FrontMatterEntry[] | null; body: string };

const FENCE = /^\uFEFF?---[ \t]*\r?\n([\s\S]*?)\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|$)/;

export function splitFrontMatter(text: string): SplitCard {
  const match = FENCE.exec(text);
  if (!match) return { frontMatter: null, body: text.replace(/^\uFEFF/, "") };
  return { frontMatter: parseFlatYaml(match[1] ?? ""), body: text.slice(match[0].length) };
}

function unquote(value: string): string {
  const v = value.trim();
  if (v.length >= 2 && ((v.startsWith('"') && v.endsWith('"')) || (v.startsWith("'") && v.endsWith("'")))) return v.slice(1, -1);
  return v;
}

function stripComment(value: string): string {
  // A '#' starts a comment only after whitespace and outside quotes; good enough for flat values.
  const v = value.trim();
  const quote = v[0];
  if (quote === '"' || quote === "'") {
    const end = v.indexOf(quote, 1);
    return end > 0 && /^\s*(#.*)?$/.test(v.slice(end + 1)) ? v.slice(0, end + 1) : v;
  }
  return v.replace(/\s+#.*$/, "");
}

export function parseFlatYaml(source: string): FrontMatterEntry[] {
  const lines = source.split(/\r?\n/);
  const entries: FrontMatterEntry[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    i++;
    if (!line.trim() || line.trimStart().startsWith("#")) continue;
    const top = /^([^\s#:][^:]*):(?:\s+(.*))?$/.exec(line);
    if (!top) continue; // not a top-level key (stray indentation): ignore rather than guess
    const key = top[1]!.trim();
    const inline = stripComment(top[2] ?? "").trim();
    if (inline) {
      if (inline.startsWith("[") && inline.endsWith("]")) {
        const items = inline.slice(1, -1).split(",").map(unquote).filter(Boolean);
        entries.push({ key, value: { kind: "list", items } });
      } else if (inline.startsWith("{") || inline === "|" || inline === ">" || /^[|>][+-]?$/.test(inline)) {
        const block = collectBlock(lines, i);
        i = block.next;
        entries.push({ key, value: { kind: "raw", text: [inline, ...block.lines].join("\n").trim() } });
      } else {
        entries.push({ key, value: { kind: "scalar", value: unquote(inline) } });
      }
      continue;
    }
    const block = collectBlock(lines, i);
    i = block.next;
    const nonEmpty = block.lines.filter((l) => l.trim());
    if (nonEmpty.length && nonEmpty.every((l) => /^\s*-\s+[^:]*$/.test(l) || /^\s*-\s+["'].*["']\s*$/.test(l))) {
      entries.push({ key, value: { kind: "list", items: nonEmpty.map((l) => unquote(stripComment(l.replace(/^\s*-\s+/, "")))) } });
    } else {
      entries.push({ key, value: nonEmpty.length ? { kind: "raw", text: dedent(nonEmpty) } : { kind: "scalar", value: "" } });
    }
  }
  return entries;
}

/** The indented (or list) lines that belong to the key above them. */
function collectBlock(lines: string[], start: number): { lines: string[]; next: number } {
  const out: string[] = [];
  let i = start;
  while (i < lines.length && (lines[i]!.trim() === "" || /^\s/.test(lines[i]!) || /^-\s/.test(lines[i]!))) {
    out.push(lines[i]!);
    i++;
  }
  return { lines: out, next: i };
}

function dedent(lines: string[]): string {
  const indent = Math.min(...lines.map((l) => l.match(/^\s*/)![0].length));
  return lines.map((l) => l.slice(indent)).join("\n");
}
