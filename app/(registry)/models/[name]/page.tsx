import type { Metadata } from "next";
import Link from "next/link";
import { versionHref } from "@/components/links";
import { PushInstructions } from "@/components/models/push-instructions";
import { VersionsTable } from "@/components/models/versions-table";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { CubeIcon } from "@/components/ui/icons";
import { PageHeader } from "@/components/ui/page-header";
import { CursorPagination } from "@/components/ui/pagination";
import { Time } from "@/components/ui/time";
import { AliasBadge, TagList } from "@/components/versions/badges";
import { requirePageActor } from "@/app/_lib/next-auth";
import { can } from "@/lib/auth/permissions";
import { OwnersEditor } from "@/components/models/owners-editor";
import { setOwnersAction } from "./actions";
import { getModel } from "@/lib/registry/models";
import { listVersions } from "@/lib/registry/versions";
import { getServices } from "@/lib/server/services";
import { listSearchParams, orFirstPage, orNotFound, registryUrl, routeSegment, type SearchParams } from "../../../_lib/page-helpers";

type Params = Promise<{ name: string }>;

const PAGE_SIZE = 25;

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  return { title: routeSegment((await params).name) };
}

export default async function ModelPage({ params, searchParams }: { params: Params; searchParams: SearchParams }) {
  const name = routeSegment((await params).name);
  const path = `/models/${encodeURIComponent(name)}`;
  const actor = await requirePageActor(path);
  const { cursor } = listSearchParams.parse(await searchParams);
  const services = await getServices();
  const model = await orNotFound(getModel(services.prisma, name));
  const versions = await orFirstPage(listVersions(services.prisma, { model: name, cursor, limit: PAGE_SIZE }), path);
  const aliases = Object.entries(model.aliases).sort(([a], [b]) => a.localeCompare(b));

  return (
    <>
      <PageHeader
        crumbs={[{ label: "Models", href: "/" }, { label: model.name }]}
        title={<span className="font-mono">{model.name}</span>}
        description={model.description || <span className="text-slate-500 dark:text-slate-400">No description.</span>}
        meta={
          <>
            <span>
              {model.owners.length > 1 ? "Owners" : "Owner"}: <span className="font-medium text-slate-700 dark:text-slate-300">{model.owners.length ? model.owners.join(", ") : "— (admins only)"}</span>
            </span>
            <span>
              Created <Time iso={model.createdAt} />
            </span>
            <span>
              Updated <Time iso={model.updatedAt} />
            </span>
            <TagList tags={model.tags} max={12} />
          </>
        }
      />

      <div className="grid gap-6 lg:grid-cols-[1fr_18rem]">
        <Card aria-labelledby="versions-heading" className="min-w-0">
          <CardHeader id="versions-heading" title="Versions" description={`${model.versionCount} version${model.versionCount === 1 ? "" : "s"}, newest first. Each is immutable and identified by its manifest digest.`} />
          {versions.items.length === 0 && !cursor ? (
            <EmptyState icon={<CubeIcon className="size-5" />} title="No versions yet" actions={<PushInstructions registryUrl={await registryUrl(services)} model={model.name} createModel={false} />}>
              Push an envelope to create the first version of this model.
            </EmptyState>
          ) : (
            <>
              <VersionsTable versions={versions.items} />
              <CursorPagination basePath={path} nextCursor={versions.nextCursor} isFirstPage={!cursor} shown={versions.items.length} noun="versions" />
            </>
          )}
        </Card>

        <div className="space-y-6 self-start">
        <Card aria-labelledby="aliases-heading">
          <CardHeader id="aliases-heading" title="Aliases" description="Movable pointers that clients resolve." />
          <CardBody>
            {aliases.length ? (
              <ul className="space-y-2">
                {aliases.map(([alias, version]) => (
                  <li key={alias} className="flex items-center justify-between gap-2">
                    <AliasBadge name={alias} />
                    <Link href={versionHref(model.name, version)} className="rounded font-mono text-sm text-indigo-700 dark:text-indigo-300 hover:underline">
                      {version}
                    </Link>
                  </li>
                ))}
              </ul>
            ) : (
              <p className="text-sm text-slate-500 dark:text-slate-400">
                No aliases yet. <span className="font-mono text-xs">staging</span> and <span className="font-mono text-xs">prod</span> are set when a version is promoted.
              </p>
            )}
          </CardBody>
        </Card>
        {can(actor, "model.manage_owners") ? (
          <Card aria-labelledby="owners-heading">
            <CardHeader id="owners-heading" title="Owners" description="Owners upload versions and edit the model; admins assign them." />
            <CardBody>
              <OwnersEditor model={model.name} owners={model.owners} save={setOwnersAction} />
            </CardBody>
          </Card>
        ) : null}
        </div>
      </div>
    </>
  );
}
