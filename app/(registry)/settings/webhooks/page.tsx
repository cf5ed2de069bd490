import type { Metadata } from "next";
import { Card, CardHeader } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { Forbidden } from "@/components/ui/forbidden";
import { PageHeader } from "@/components/ui/page-header";
import { CursorPagination } from "@/components/ui/pagination";
import { DeliveriesTable } from "@/components/webhooks/deliveries-table";
import { WebhooksList } from "@/components/webhooks/webhooks-list";
import { WebhookWorkspace } from "@/components/webhooks/webhook-workspace";
import { requirePageActor } from "@/app/_lib/next-auth";
import { can } from "@/lib/auth/permissions";
import { getServices } from "@/lib/server/services";
import { listWebhookDeliveries } from "@/lib/webhooks/list-webhook-deliveries";
import { listWebhooks } from "@/lib/webhooks/list-webhooks";
import { z } from "zod";
import { listSearchParams, orFirstPage, type SearchParams } from "../../../_lib/page-helpers";
import { createWebhookAction, deleteWebhookAction, redeliverWebhookAction, rotateWebhookSecretAction } from "./actions";

export const metadata: Metadata = { title: "Webhooks" };

const selected = z.preprocess((v) => (Array.isArray(v) ? v[0] : v), z.uuid().optional().catch(undefined));

export default async function WebhooksPage({ searchParams }: { searchParams: SearchParams }) {
  const actor = await requirePageActor("/settings/webhooks");
  if (!can(actor, "webhooks.manage"))
    return <Forbidden title="Webhooks are managed by admins">Ask an admin to add a webhook for the events you want to receive.</Forbidden>;
  const raw = await searchParams;
  const { cursor } = listSearchParams.parse(raw);
  const webhookId = selected.parse(raw.webhook);
  const { prisma } = await getServices();
  const webhooks = await listWebhooks(prisma, { actor, limit: 200 });
  const current = webhookId ? webhooks.items.find((w) => w.id === webhookId) : undefined;
  const deliveries = webhookId
    ? await orFirstPage(
        listWebhookDeliveries(prisma, { actor, webhookId, limit: 50, cursor }).catch((error: unknown) => {
          if ((error as { code?: string }).code === "webhook_not_found") return null;
          throw error;
        }),
        `/settings/webhooks?webhook=${webhookId}`,
      )
    : null;

  return (
    <>
      <PageHeader
        crumbs={[{ label: "Settings" }, { label: "Webhooks" }]}
        title="Webhooks"
        description={
          <>
            The registry POSTs signed JSON (Standard Webhooks) to these URLs when versions are created, checks finish and promotions move. Failed deliveries are
            retried with backoff; every change here is audited. See <code className="font-mono text-xs">docs/webhooks.md</code> for verifying signatures.
          </>
        }
      />
      <WebhookWorkspace action={createWebhookAction}>
        <Card aria-labelledby="webhooks-heading">
          <CardHeader id="webhooks-heading" title="Active webhooks" description="Secrets are stored encrypted and never shown again after creation or rotation." />
          {webhooks.items.length === 0 ? (
            <EmptyState title="No webhooks yet">Add one with the form to tell CI, chat or a deployment system about new versions and promotions.</EmptyState>
          ) : (
            <WebhooksList webhooks={webhooks.items} selectedId={webhookId} remove={deleteWebhookAction} rotate={rotateWebhookSecretAction} />
          )}
        </Card>
        {webhookId ? (
          <section id="deliveries" aria-labelledby="deliveries-heading" className="scroll-mt-20 overflow-hidden rounded-xl bg-white shadow-sm ring-1 ring-slate-200">
            <div className="border-b border-slate-200 px-5 py-4">
              <h2 id="deliveries-heading" className="text-base font-semibold text-slate-900">
                Delivery log
              </h2>
              <p className="mt-1 text-sm break-all text-slate-500">
                {current ? current.url : deliveries ? "A deleted webhook: its log is kept, nothing is sent any more." : "No such webhook."}
              </p>
            </div>
            {deliveries && deliveries.items.length ? (
              <>
                <DeliveriesTable deliveries={deliveries.items} canRedeliver={Boolean(current)} redeliver={redeliverWebhookAction} />
                <CursorPagination
                  basePath="/settings/webhooks"
                  params={{ webhook: webhookId }}
                  nextCursor={deliveries.nextCursor}
                  isFirstPage={!cursor}
                  shown={deliveries.items.length}
                  noun="deliveries"
                />
              </>
            ) : deliveries ? (
              <EmptyState title="Nothing sent yet">Deliveries appear here when a subscribed event happens.</EmptyState>
            ) : null}
          </section>
        ) : null}
      </WebhookWorkspace>
    </>
  );
}
