// Renders an uploaded MODEL_CARD.md. The card is untrusted input from whoever pushed the version,
// so three independent layers keep it inert:
//  1. react-markdown never turns raw HTML into elements (there is no rehype-raw): <script>, <img
//     onerror=…> and friends stay text;
//  2. rehype-sanitize (GitHub's allow-list) strips any element/attribute/URL scheme that slipped
//     through, e.g. javascript: in links;
//  3. urlTransform allows only http(s)/mailto/relative URLs, and relative ones are pinned to this
//     version's own files. Remote images are shown as links, so viewing a card never makes the
//     reviewer's browser fetch a third-party URL.
import Markdown, { defaultUrlTransform, type Components } from "react-markdown";
import rehypeSanitize from "rehype-sanitize";
import remarkGfm from "remark-gfm";
import { fileDownloadHref } from "../links";
import { Table, TBody, TD, TR, RowHeader } from "../ui/table";
import type { FrontMatterEntry } from "@/lib/registry/card/front-matter";

function resolveUrl(url: string, files: Set<string>, fileHref: (path: string) => string): string | undefined {
  const safe = defaultUrlTransform(url);
  if (!safe) return undefined;
  if (/^[a-z][a-z0-9+.-]*:/i.test(safe) || safe.startsWith("//") || safe.startsWith("#")) return safe;
  const [pathPart, fragment] = safe.split("#", 2);
  const path = decodeURIComponentSafe((pathPart ?? "").replace(/^\.\//, ""));
  if (files.has(path)) return fileHref(path) + (fragment ? `#${fragment}` : "");
  // A relative link to something that is not in the envelope leads nowhere useful.
  return undefined;
}

function decodeURIComponentSafe(v: string): string {
  try {
    return decodeURIComponent(v);
  } catch {
    return v;
  }
}

const headingClass = "font-semibold text-slate-900 dark:text-slate-100 scroll-mt-20";

export function ModelCardBody({ markdown, model, version, files }: { markdown: string; model: string; version: string; files: string[] }) {
  const fileSet = new Set(files);
  const fileHref = (path: string) => fileDownloadHref(model, version, path);
  const ownFilePrefix = fileHref("");
  // The page's h1 is the version and its h2 the "Model card" section, so card headings start at h3.
  const components: Components = {
    h1: ({ node: _n, ...p }) => <h3 className={`${headingClass} mt-6 text-xl first:mt-0`} {...p} />,
    h2: ({ node: _n, ...p }) => <h4 className={`${headingClass} mt-6 text-lg first:mt-0`} {...p} />,
    h3: ({ node: _n, ...p }) => <h5 className={`${headingClass} mt-5 text-base first:mt-0`} {...p} />,
    h4: ({ node: _n, ...p }) => <h6 className={`${headingClass} mt-4 text-sm first:mt-0`} {...p} />,
    h5: ({ node: _n, ...p }) => <h6 className={`${headingClass} mt-4 text-sm first:mt-0`} {...p} />,
    h6: ({ node: _n, ...p }) => <h6 className={`${headingClass} mt-4 text-sm first:mt-0`} {...p} />,
    a: ({ node: _n, href, children, ...p }) =>
      href ? (
        <a href={href} rel="nofollow noopener noreferrer" {...p}>
          {children}
        </a>
      ) : (
        <span>{children}</span>
      ),
    img: ({ node: _n, src, alt }) =>
      typeof src === "string" && src.startsWith(ownFilePrefix) ? (
        // A plain <img>: envelope files are served by the API, not through next/image.
        <img src={src} alt={alt ?? ""} loading="lazy" className="max-w-full rounded-md ring-1 ring-slate-200 dark:ring-slate-700" />
      ) : typeof src === "string" && src ? (
        <a href={src} rel="nofollow noopener noreferrer" className="inline-flex items-center gap-1">
          [image: {alt || src}]
        </a>
      ) : null,
    // GFM task-list items: a disabled checkbox with no label is noise to a screen reader and looks
    // clickable to everyone else, so each becomes a labelled, non-interactive mark.
    input: ({ node: _n, type, checked }) =>
      type === "checkbox" ? (
        <span
          role="img"
          aria-label={checked ? "Done:" : "Not done:"}
          className={`mr-1.5 inline-flex size-4 items-center justify-center rounded align-[-3px] text-[11px] leading-none font-bold ring-1 ${
            checked ? "bg-emerald-600 text-white ring-emerald-700 dark:bg-emerald-500 dark:text-slate-950 dark:ring-emerald-400" : "bg-white ring-slate-400 dark:bg-slate-900 dark:ring-slate-500"
          }`}
        >
          {checked ? "✓" : ""}
        </span>
      ) : null,
  };
  return (
    <div className="markdown">
      <Markdown
        remarkPlugins={[remarkGfm]}
        rehypePlugins={[rehypeSanitize]}
        components={components}
        urlTransform={(url) => resolveUrl(url, fileSet, fileHref)}
      >
        {markdown}
      </Markdown>
    </div>
  );
}

export function FrontMatterTable({ entries }: { entries: FrontMatterEntry[] }) {
  return (
    <Table caption="Model card metadata (front matter)">
      <TBody>
        {entries.map(({ key, value }, i) => (
          <TR key={`${key}-${i}`}>
            <RowHeader className="w-48 font-mono text-xs font-medium text-slate-600 dark:text-slate-400">{key}</RowHeader>
            <TD>
              {value.kind === "scalar" ? (
                value.value ? <span className="break-words text-slate-800 dark:text-slate-200">{value.value}</span> : <span className="text-slate-500 dark:text-slate-400">—</span>
              ) : value.kind === "list" ? (
                <ul className="flex flex-wrap gap-1">
                  {value.items.map((item, j) => (
                    <li key={j} className="rounded bg-slate-100 dark:bg-slate-800 px-1.5 py-0.5 font-mono text-xs text-slate-700 dark:text-slate-300">
                      {item}
                    </li>
                  ))}
                </ul>
              ) : (
                <pre className="max-h-48 overflow-auto rounded bg-slate-50 dark:bg-slate-800/40 p-2 font-mono text-xs text-slate-700 dark:text-slate-300 ring-1 ring-slate-200 dark:ring-slate-700">{value.text}</pre>
              )}
            </TD>
          </TR>
        ))}
      </TBody>
    </Table>
  );
}
