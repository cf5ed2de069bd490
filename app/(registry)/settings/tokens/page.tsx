import type { Metadata } from "next";
import { TokenWorkspace } from "@/components/tokens/token-workspace";
import { TokensTable } from "@/components/tokens/tokens-table";
import { Card, CardHeader } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { KeyIcon } from "@/components/ui/icons";
import { PageHeader } from "@/components/ui/page-header";
import { CursorPagination } from "@/components/ui/pagination";
import { requirePageActor } from "@/app/_lib/next-auth";
import { scopesAllowedFor } from "@/lib/auth/roles";
import { listApiTokens } from "@/lib/auth/tokens";
import { getServices } from "@/lib/server/services";
import { listSearchParams, orFirstPage, type SearchParams } from "../../../_lib/page-helpers";
import { createTokenAction, revokeTokenAction } from "./actions";

export const metadata: Metadata = { title: "API tokens" };

const PAGE_SIZE = 50;

export default async function TokensPage({ searchParams }: { searchParams: SearchParams }) {
  const actor = await requirePageActor("/settings/tokens");
  const { cursor } = listSearchParams.parse(await searchParams);
  const { prisma } = await getServices();
  // This page is "my tokens", also for admins.
  const page = await orFirstPage(listApiTokens(prisma, { actor, onlyOwn: true, limit: PAGE_SIZE, cursor }), "/settings/tokens");

  return (
    <>
      <PageHeader
        crumbs={[{ label: "Settings" }, { label: "API tokens" }]}
        title="API tokens"
        description={
          <>
            Tokens let CI and scripts use the REST API and the <code className="font-mono text-xs">model-registry</code> CLI as you. A token never has more
            rights than your role (<span className="font-medium text-slate-800 dark:text-slate-200">{actor.role}</span>), and a role change narrows existing tokens at once.
          </>
        }
      />
      <TokenWorkspace action={createTokenAction} allowedScopes={scopesAllowedFor(actor.role)}>
        <Card aria-labelledby="tokens-heading">
          <CardHeader id="tokens-heading" title="Your tokens" description="Only a hash of each token is stored; the prefix tells them apart." />
          {page.items.length === 0 && !cursor ? (
            <EmptyState icon={<KeyIcon className="size-5" />} title="No tokens yet">
              Create one with the form to push models from CI: give it the <span className="font-mono">write</span> scope and store it as a secret named{" "}
              <span className="font-mono">REGISTRY_TOKEN</span>.
            </EmptyState>
          ) : (
            <>
              <TokensTable tokens={page.items} revoke={revokeTokenAction} />
              <CursorPagination basePath="/settings/tokens" nextCursor={page.nextCursor} isFirstPage={!cursor} shown={page.items.length} noun="tokens" />
            </>
          )}
        </Card>
      </TokenWorkspace>
    </>
  );
}
