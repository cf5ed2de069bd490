import type { Metadata } from "next";
import { ModelsTable } from "@/components/models/models-table";
import { PushInstructions } from "@/components/models/push-instructions";
import { ModelSearchForm } from "@/components/models/search-form";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { CubeIcon, SearchIcon } from "@/components/ui/icons";
import { PageHeader } from "@/components/ui/page-header";
import { CursorPagination } from "@/components/ui/pagination";
import { requirePageActor } from "@/app/_lib/next-auth";
import { listModels } from "@/lib/registry/models";
import { getServices } from "@/lib/server/services";
import { listSearchParams, orFirstPage, registryUrl, type SearchParams } from "../_lib/page-helpers";

export const metadata: Metadata = { title: "Models" };

const PAGE_SIZE = 25;

export default async function ModelsPage({ searchParams }: { searchParams: SearchParams }) {
  const { q, cursor } = listSearchParams.parse(await searchParams);
  await requirePageActor(q ? `/?q=${encodeURIComponent(q)}` : "/");
  const services = await getServices();
  const search = q?.trim() || undefined;
  const page = await orFirstPage(listModels(services.prisma, { q: search, cursor, limit: PAGE_SIZE }), search ? `/?q=${encodeURIComponent(search)}` : "/");
  const empty = page.items.length === 0;

  return (
    <>
      <PageHeader
        title="Models"
        description="Every model and its immutable, signed versions. Select a model to see its versions, aliases and stage."
      />
      <Card aria-labelledby="models-heading">
        <div className="flex flex-wrap items-center justify-between gap-3 border-b border-slate-200 dark:border-slate-700 px-5 py-3">
          <h2 id="models-heading" className="text-sm font-semibold text-slate-900 dark:text-slate-100">
            {search ? `Results for “${search}”` : "All models"}
          </h2>
          <ModelSearchForm q={search} />
        </div>
        {empty && search ? (
          <EmptyState icon={<SearchIcon className="size-5" />} title={`No models match “${search}”`}>
            Search looks at model names and descriptions (case-insensitive) and exact tags.{" "}
            <a href="/" className="font-medium text-indigo-700 dark:text-indigo-300 hover:underline">
              Show all models
            </a>
          </EmptyState>
        ) : empty && !cursor ? (
          <EmptyState
            icon={<CubeIcon className="size-5" />}
            title="No models yet"
            actions={<PushInstructions registryUrl={await registryUrl(services)} />}
          >
            Push a model envelope (manifest.json + files) from CI or your machine with the CLI. The model is created on the first push;
            the registry stores every file by digest and signs the manifest.
          </EmptyState>
        ) : (
          <>
            <ModelsTable models={page.items} />
            <CursorPagination basePath="/" params={{ q: search }} nextCursor={page.nextCursor} isFirstPage={!cursor} shown={page.items.length} noun="models" />
          </>
        )}
      </Card>
    </>
  );
}
