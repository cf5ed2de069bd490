// A JSON Schema as compact, TypeScript-like text: `{ name: string; tags?: string[] }`. Named
// schemas ($ref) become links to their definition further down the page instead of being
// expanded again, so large responses stay readable.
import type { ReactNode } from "react";
import { refName, type JsonSchema } from "./openapi-types";

const MAX_DEPTH = 6;

function constraints(s: JsonSchema): string {
  const parts: string[] = [];
  if (s.format) parts.push(s.format);
  if (s.minLength !== undefined || s.maxLength !== undefined) parts.push(`len ${s.minLength ?? 0}..${s.maxLength ?? "∞"}`);
  if (s.minimum !== undefined || s.maximum !== undefined) parts.push(`${s.minimum ?? "-∞"}..${s.maximum ?? "∞"}`);
  if (s.minItems !== undefined || s.maxItems !== undefined) parts.push(`items ${s.minItems ?? 0}..${s.maxItems ?? "∞"}`);
  if (s.pattern) parts.push(`/${s.pattern}/`);
  if (s.default !== undefined) parts.push(`default ${JSON.stringify(s.default)}`);
  return parts.join(", ");
}

function Muted({ children }: { children: ReactNode }) {
  return <span className="text-slate-500 dark:text-slate-400">{children}</span>;
}

function Type({ children }: { children: ReactNode }) {
  return <span className="text-sky-700 dark:text-sky-300">{children}</span>;
}

function pad(depth: number): string {
  return "  ".repeat(depth);
}

export function renderSchema(schema: JsonSchema | undefined, depth = 0): ReactNode {
  if (!schema) return <Type>unknown</Type>;
  if (schema.$ref) {
    const name = refName(schema.$ref);
    return (
      <a href={`#schema-${name}`} className="text-indigo-700 dark:text-indigo-300 underline decoration-indigo-300 dark:decoration-indigo-500 underline-offset-2 hover:decoration-indigo-700 dark:hover:decoration-indigo-300">
        {name}
      </a>
    );
  }
  if (depth > MAX_DEPTH) return <Type>…</Type>;
  const union = schema.anyOf ?? schema.oneOf;
  if (union) return join(union.map((s) => renderSchema(s, depth)), " | ");
  if (schema.allOf) return join(schema.allOf.map((s) => renderSchema(s, depth)), " & ");
  if (schema.const !== undefined) return <span className="text-emerald-700 dark:text-emerald-300">{JSON.stringify(schema.const)}</span>;
  if (schema.enum) return join(schema.enum.map((v) => <span className="text-emerald-700 dark:text-emerald-300">{JSON.stringify(v)}</span>), " | ");

  const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
  const nonNull = types.filter((t) => t !== "null");
  const nullable = types.includes("null");
  let body: ReactNode;
  const only = nonNull.length === 1 ? nonNull[0] : undefined;
  if ((only === "object" || (!only && schema.properties)) && schema.properties) {
    const required = new Set(schema.required ?? []);
    const entries = Object.entries(schema.properties);
    body = (
      <>
        {"{"}
        {"\n"}
        {entries.map(([key, prop]) => {
          const note = [prop.description, constraints(prop)].filter(Boolean).join(" · ");
          return (
            <span key={key}>
              {pad(depth + 1)}
              <span className="text-slate-900 dark:text-slate-100">{key}</span>
              {required.has(key) ? "" : <Muted>?</Muted>}: {renderSchema(prop, depth + 1)}
              {note ? <Muted>{`  // ${note}`}</Muted> : null}
              {"\n"}
            </span>
          );
        })}
        {typeof schema.additionalProperties === "object" ? (
          <span>
            {pad(depth + 1)}
            <Muted>[key: string]</Muted>: {renderSchema(schema.additionalProperties, depth + 1)}
            {"\n"}
          </span>
        ) : null}
        {pad(depth)}
        {"}"}
      </>
    );
  } else if (only === "object" || (!only && schema.additionalProperties)) {
    body =
      typeof schema.additionalProperties === "object" ? (
        <>
          <Type>Record</Type>&lt;<Type>string</Type>, {renderSchema(schema.additionalProperties, depth)}&gt;
        </>
      ) : (
        <Type>object</Type>
      );
  } else if (only === "array") {
    const item = schema.items;
    const inner = renderSchema(item, depth);
    body = item && (item.anyOf || item.oneOf || item.enum) ? <>({inner})[]</> : <>{inner}[]</>;
  } else if (nonNull.length) {
    body = join(nonNull.map((t) => <Type>{t}</Type>), " | ");
  } else {
    body = <Type>any</Type>;
  }
  return nullable ? (
    <>
      {body} | <Type>null</Type>
    </>
  ) : (
    body
  );
}

function join(nodes: ReactNode[], separator: string): ReactNode {
  return nodes.map((n, i) => (
    <span key={i}>
      {i > 0 ? separator : null}
      {n}
    </span>
  ));
}

export function SchemaBlock({ schema, label }: { schema: JsonSchema | undefined; label: string }) {
  return (
    <pre aria-label={label} tabIndex={0} className="overflow-x-auto rounded-md bg-slate-50 dark:bg-slate-800/40 px-3 py-2.5 font-mono text-xs leading-relaxed text-slate-700 dark:text-slate-300 ring-1 ring-slate-200 dark:ring-slate-700">
      {renderSchema(schema)}
    </pre>
  );
}

export { constraints as schemaConstraints };
