"use server";
// Server actions behind the webhooks page: the same services and rules as /api/v1/webhooks
// (webhooks.manage, admins), through the one server-action wrapper.
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { webhookEventTypeSchema } from "@/lib/webhooks/event-types";
import { createWebhook } from "@/lib/webhooks/create-webhook";
import { deleteWebhook } from "@/lib/webhooks/delete-webhook";
import { redeliverWebhookDelivery } from "@/lib/webhooks/redeliver-webhook-delivery";
import { rotateWebhookSecret } from "@/lib/webhooks/rotate-webhook-secret";
import { MAX_OVERLAP_SECONDS } from "@/lib/webhooks/views";
import type { CreateWebhookState, RotateSecretState, WebhookActionState } from "@/components/webhooks/webhook-form-state";
import { serverAction } from "@/app/_lib/server-action";

const create = serverAction({
  action: "webhooks.manage",
  input: z.object({
    url: z.string().trim().min(1, "Enter the URL that receives the events").max(2048, "At most 2048 characters"),
    events: z.array(webhookEventTypeSchema).min(1, "Choose at least one event"),
    description: z.string().trim().max(500, "At most 500 characters"),
  }),
  run: async ({ actor, input, services }) => {
    const { webhook, secret } = await createWebhook(services, { actor, ...input });
    revalidatePath("/settings/webhooks");
    return { webhook, secret };
  },
});

export async function createWebhookAction(_previous: CreateWebhookState, form: FormData): Promise<CreateWebhookState> {
  const result = await create({ url: form.get("url") ?? "", events: form.getAll("events"), description: form.get("description") ?? "" });
  if (!result.ok) return { status: "error", message: result.message, ...(result.fieldErrors ? { fieldErrors: result.fieldErrors } : {}) };
  return { status: "created", id: result.webhook.id, url: result.webhook.url, secret: result.secret };
}

const remove = serverAction({
  action: "webhooks.manage",
  input: z.uuid(),
  run: async ({ actor, input, services }) => {
    await deleteWebhook(services.prisma, { actor, id: input });
    revalidatePath("/settings/webhooks");
    return {};
  },
});

export async function deleteWebhookAction(id: string): Promise<WebhookActionState> {
  const result = await remove(id);
  return result.ok ? { ok: true } : { ok: false, message: result.code === "invalid_input" ? "That webhook id is not valid." : result.message };
}

const rotate = serverAction({
  action: "webhooks.manage",
  input: z.object({ id: z.uuid(), overlapSeconds: z.number().int().min(0).max(MAX_OVERLAP_SECONDS) }),
  run: async ({ actor, input, services }) => {
    const { webhook, secret } = await rotateWebhookSecret(services, { actor, id: input.id, overlapSeconds: input.overlapSeconds });
    revalidatePath("/settings/webhooks");
    return { secret, previousSecretUntil: webhook.previousSecretUntil };
  },
});

export async function rotateWebhookSecretAction(input: { id: string; overlapSeconds: number }): Promise<RotateSecretState> {
  const result = await rotate(input);
  return result.ok ? { ok: true, secret: result.secret, previousSecretUntil: result.previousSecretUntil } : { ok: false, message: result.message };
}

const redeliver = serverAction({
  action: "webhooks.manage",
  input: z.object({ webhookId: z.uuid(), deliveryId: z.uuid() }),
  run: async ({ actor, input, services }) => {
    await redeliverWebhookDelivery(services.prisma, { actor, ...input });
    revalidatePath("/settings/webhooks");
    return {};
  },
});

export async function redeliverWebhookAction(input: { webhookId: string; deliveryId: string }): Promise<WebhookActionState> {
  const result = await redeliver(input);
  return result.ok ? { ok: true } : { ok: false, message: result.message };
}
