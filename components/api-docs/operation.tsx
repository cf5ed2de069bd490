import { ScrollFrame } from "../ui/scroll-frame";
import { Badge } from "../ui/badge";
import { cn } from "../ui/cn";
import { CopyButton } from "../ui/copy-button";
import type { OperationEntry } from "./openapi-types";
import { renderSchema, SchemaBlock, schemaConstraints } from "./schema-view";

const methodColors: Record<string, string> = {
  GET: "bg-emerald-100 dark:bg-emerald-500/20 text-emerald-800 dark:text-emerald-300 ring-emerald-600/20 dark:ring-emerald-400/30",
  POST: "bg-sky-100 dark:bg-sky-500/20 text-sky-800 dark:text-sky-300 ring-sky-600/20 dark:ring-sky-400/30",
  PATCH: "bg-amber-100 dark:bg-amber-500/20 text-amber-900 dark:text-amber-300 ring-amber-600/25 dark:ring-amber-400/30",
  PUT: "bg-amber-100 dark:bg-amber-500/20 text-amber-900 dark:text-amber-300 ring-amber-600/25 dark:ring-amber-400/30",
  DELETE: "bg-red-100 dark:bg-red-500/20 text-red-800 dark:text-red-300 ring-red-600/20 dark:ring-red-400/30",
};

export function MethodBadge({ method, className }: { method: string; className?: string }) {
  return (
    <span className={cn("inline-flex w-16 shrink-0 justify-center rounded-md px-1.5 py-0.5 font-mono text-[11px] font-bold ring-1 ring-inset", methodColors[method] ?? "bg-slate-100 dark:bg-slate-800 text-slate-700 dark:text-slate-300 ring-slate-500/20 dark:ring-slate-400/30", className)}>
      {method}
    </span>
  );
}

function statusTone(status: string) {
  if (status.startsWith("2")) return "green" as const;
  if (status.startsWith("3")) return "blue" as const;
  if (status.startsWith("4")) return "amber" as const;
  return "red" as const;
}

function SubHeading({ children }: { children: React.ReactNode }) {
  return <h4 className="mb-2 text-xs font-semibold tracking-wide text-slate-500 dark:text-slate-400 uppercase">{children}</h4>;
}

export function OperationCard({ entry }: { entry: OperationEntry }) {
  const { op, method, path, anchor } = entry;
  const scope = op["x-required-scope"];
  const params = op.parameters ?? [];
  const body = op.requestBody;
  const responses = Object.entries(op.responses ?? {});
  return (
    <article id={anchor} aria-labelledby={`${anchor}-title`} className="scroll-mt-20 rounded-xl bg-white dark:bg-slate-900 shadow-sm ring-1 ring-slate-200 dark:ring-slate-700">
      <header className="border-b border-slate-200 dark:border-slate-700 px-5 py-4">
        <div className="flex flex-wrap items-center gap-3">
          <MethodBadge method={method} />
          <code className="font-mono text-sm font-semibold break-all text-slate-900 dark:text-slate-100">{path}</code>
          <CopyButton value={path} label={`Copy path ${path}`} />
          <span className="ml-auto">
            {scope ? (
              <Badge tone="indigo" title="The token (or session) must hold this scope">
                scope: {scope}
              </Badge>
            ) : (
              <Badge tone="neutral">no auth</Badge>
            )}
          </span>
        </div>
        <h3 id={`${anchor}-title`} className="mt-2 text-sm font-medium text-slate-800 dark:text-slate-200">
          {op.summary}
        </h3>
        {op.description ? <p className="mt-1 text-sm text-slate-500 dark:text-slate-400">{op.description}</p> : null}
        {op["x-permission"] ? (
          <p className="mt-1 text-xs text-slate-500 dark:text-slate-400">
            Permission <code className="font-mono text-slate-700 dark:text-slate-300">{op["x-permission"]}</code>: {op["x-roles"]?.join(", ")} with the {scope} scope
            {op["x-resource-rule"] === "owner" ? "; on models they own (admins: any)" : ""}.
          </p>
        ) : null}
      </header>
      <div className="space-y-5 px-5 py-4">
        {params.length ? (
          <section>
            <SubHeading>Parameters</SubHeading>
            <ScrollFrame label={`Parameters of ${method} ${path}`}>
              <table className="min-w-full text-left text-sm">
                <caption className="sr-only">Parameters of {method} {path}</caption>
                <thead className="text-xs text-slate-500 dark:text-slate-400">
                  <tr>
                    <th scope="col" className="py-1.5 pr-4 font-medium">Name</th>
                    <th scope="col" className="py-1.5 pr-4 font-medium">In</th>
                    <th scope="col" className="py-1.5 pr-4 font-medium">Type</th>
                    <th scope="col" className="py-1.5 font-medium">Description</th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
                  {params.map((p) => (
                    <tr key={`${p.in}-${p.name}`} className="align-top">
                      <th scope="row" className="py-2 pr-4 font-mono text-xs font-medium whitespace-nowrap text-slate-900 dark:text-slate-100">
                        {p.name}
                        {p.required ? <span className="ml-1 text-red-600 dark:text-red-400" title="required">*</span> : null}
                      </th>
                      <td className="py-2 pr-4 text-xs text-slate-500 dark:text-slate-400">{p.in}</td>
                      <td className="py-2 pr-4 font-mono text-xs whitespace-nowrap text-slate-700 dark:text-slate-300">{renderSchema(p.schema)}</td>
                      <td className="py-2 text-xs text-slate-600 dark:text-slate-400">
                        {[p.description ?? p.schema?.description, p.schema ? schemaConstraints(p.schema) : ""].filter(Boolean).join(" · ") || <span className="text-slate-500 dark:text-slate-400">—</span>}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </ScrollFrame>
          </section>
        ) : null}
        {body?.content ? (
          <section>
            <SubHeading>Request body{body.required ? "" : " (optional)"}</SubHeading>
            {body.description ? <p className="mb-2 text-sm text-slate-600 dark:text-slate-400">{body.description}</p> : null}
            {Object.entries(body.content).map(([type, media]) => (
              <div key={type} className="space-y-1.5">
                <p className="font-mono text-xs text-slate-500 dark:text-slate-400">{type}</p>
                <SchemaBlock schema={media.schema} label={`${type} request body of ${method} ${path}`} />
              </div>
            ))}
          </section>
        ) : null}
        <section>
          <SubHeading>Responses</SubHeading>
          <ul className="space-y-3">
            {responses.map(([status, response]) => (
              <li key={status}>
                <div className="flex flex-wrap items-center gap-2">
                  <Badge tone={statusTone(status)} className="font-mono">
                    {status}
                  </Badge>
                  <span className="text-sm text-slate-700 dark:text-slate-300">{response.description}</span>
                  {Object.keys(response.content ?? {}).map((type) => (
                    <span key={type} className="font-mono text-xs text-slate-500 dark:text-slate-400">
                      {type}
                    </span>
                  ))}
                </div>
                {Object.entries(response.content ?? {})
                  .filter(([type, media]) => media.schema && !(type.includes("problem") && media.schema.$ref))
                  .map(([type, media]) => (
                    <SchemaBlock key={type} schema={media.schema} label={`${status} response of ${method} ${path}`} />
                  ))
                  .map((node, i) => (
                    <div key={i} className="mt-1.5">
                      {node}
                    </div>
                  ))}
              </li>
            ))}
          </ul>
        </section>
      </div>
    </article>
  );
}
