import type { Metadata } from "next";
import { groupOperationsByTag, tagAnchor, type OpenApiDocument } from "@/components/api-docs/openapi-types";
import { MethodBadge, OperationCard } from "@/components/api-docs/operation";
import { SchemaBlock } from "@/components/api-docs/schema-view";
import { buttonClasses } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { CodeBlock } from "@/components/ui/code-block";
import { ExternalIcon } from "@/components/ui/icons";
import { PageHeader } from "@/components/ui/page-header";
import { buildOpenApiDocument } from "@/lib/api/openapi";
import { requirePageActor } from "@/app/_lib/next-auth";
import { getServices } from "@/lib/server/services";
import { registryUrl } from "../../_lib/page-helpers";

export const metadata: Metadata = { title: "API reference" };

export default async function ApiDocsPage() {
  await requirePageActor("/api-docs");
  const doc = buildOpenApiDocument() as unknown as OpenApiDocument;
  const groups = groupOperationsByTag(doc);
  const schemas = Object.entries(doc.components?.schemas ?? {}).sort(([a], [b]) => a.localeCompare(b));
  const base = await registryUrl(await getServices());

  return (
    <>
      <PageHeader
        title="API reference"
        description={
          <>
            {doc.info.title} v{doc.info.version}. {doc.info.description} Generated from the same zod schemas the server validates with, so it cannot drift
            from what the server accepts.
          </>
        }
        actions={
          <a href="/api/v1/openapi.json" className={buttonClasses({ variant: "secondary" })}>
            openapi.json
            <ExternalIcon className="size-4" />
          </a>
        }
      />
      <div className="grid gap-8 lg:grid-cols-[15rem_minmax(0,1fr)]">
        <nav aria-label="API sections" className="lg:sticky lg:top-20 lg:max-h-[calc(100vh-6rem)] lg:self-start lg:overflow-y-auto">
          <ul className="space-y-5 text-sm">
            <li>
              <a href="#authentication" className="rounded font-medium text-slate-900 dark:text-slate-100 hover:text-indigo-700 dark:hover:text-indigo-200">
                Authentication
              </a>
            </li>
            {groups.map((g) => (
              <li key={g.tag}>
                <a href={`#${tagAnchor(g.tag)}`} className="rounded font-medium text-slate-900 dark:text-slate-100 hover:text-indigo-700 dark:hover:text-indigo-200">
                  {g.tag}
                </a>
                <ul className="mt-2 space-y-1 border-l border-slate-200 dark:border-slate-700 pl-3">
                  {g.operations.map((o) => (
                    <li key={o.anchor}>
                      <a href={`#${o.anchor}`} className="flex items-center gap-2 rounded py-0.5 text-slate-600 dark:text-slate-400 hover:text-slate-900 dark:hover:text-slate-100">
                        <MethodBadge method={o.method} className="w-12 text-[10px]" />
                        <span className="truncate" title={o.op.summary}>
                          {o.op.operationId}
                        </span>
                      </a>
                    </li>
                  ))}
                </ul>
              </li>
            ))}
            <li>
              <a href="#schemas" className="rounded font-medium text-slate-900 dark:text-slate-100 hover:text-indigo-700 dark:hover:text-indigo-200">
                Schemas
              </a>
            </li>
          </ul>
        </nav>

        <div className="min-w-0 space-y-10">
          <Card aria-labelledby="authentication">
            <CardHeader id="authentication" title="Authentication and errors" />
            <CardBody className="space-y-3 text-sm text-slate-600 dark:text-slate-400">
              <p>
                Send an API token as <code className="font-mono text-xs">Authorization: Bearer mr_…</code> (create one under Settings → API tokens). Each endpoint
                names the scope it needs; a token&apos;s scopes never exceed its user&apos;s role. In this browser your signed-in session works too.
              </p>
              <p>
                Errors are RFC 9457 <code className="font-mono text-xs">application/problem+json</code> with <code className="font-mono text-xs">type</code>,{" "}
                <code className="font-mono text-xs">title</code>, <code className="font-mono text-xs">status</code>, <code className="font-mono text-xs">detail</code> and
                per-field <code className="font-mono text-xs">errors[]</code>. Lists are cursor-paged: <code className="font-mono text-xs">?limit=&amp;cursor=</code> →{" "}
                <code className="font-mono text-xs">{"{ items, nextCursor }"}</code>.
              </p>
              <CodeBlock label="example request" code={`curl -H "Authorization: Bearer $REGISTRY_TOKEN" ${base}/api/v1/models?limit=10`} />
            </CardBody>
          </Card>

          {groups.map((g) => (
            <section key={g.tag} aria-labelledby={tagAnchor(g.tag)} className="space-y-4">
              <h2 id={tagAnchor(g.tag)} className="scroll-mt-20 text-lg font-semibold text-slate-900 dark:text-slate-100">
                {g.tag}
              </h2>
              {g.operations.map((o) => (
                <OperationCard key={o.anchor} entry={o} />
              ))}
            </section>
          ))}

          <section aria-labelledby="schemas" className="space-y-4">
            <h2 id="schemas" className="scroll-mt-20 text-lg font-semibold text-slate-900 dark:text-slate-100">
              Schemas
            </h2>
            {schemas.map(([name, schema]) => (
              <div key={name} id={`schema-${name}`} className="scroll-mt-20 rounded-xl bg-white dark:bg-slate-900 p-5 shadow-sm ring-1 ring-slate-200 dark:ring-slate-700">
                <h3 className="font-mono text-sm font-semibold text-slate-900 dark:text-slate-100">{name}</h3>
                {schema.description ? <p className="mt-1 text-sm text-slate-500 dark:text-slate-400">{schema.description}</p> : null}
                <div className="mt-3">
                  <SchemaBlock schema={schema} label={`Schema ${name}`} />
                </div>
              </div>
            ))}
          </section>
        </div>
      </div>
    </>
  );
}
