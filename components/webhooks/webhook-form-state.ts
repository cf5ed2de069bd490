// Shapes shared by the webhook server actions and the client components (a "use server" file may
// only export async functions, so they live here).
import type { WebhookEventType } from "@/lib/webhooks/event-types";

export const eventHelp: Record<WebhookEventType, string> = {
  "version.created": "A version was uploaded",
  "checks.finished": "All checks of a version finished (verdicts included)",
  "promotion.requested": "Someone asked to promote a version",
  "promotion.approved": "A reviewer approved a promotion",
  "promotion.rejected": "A reviewer rejected a promotion",
  "promotion.promoted": "A version reached a stage",
  "promotion.cancelled": "A promotion request was withdrawn",
  rollback: "A stage was rolled back to an earlier version",
};

export const overlapChoices = [
  { value: "0", label: "None: the old secret stops now", seconds: 0 },
  { value: "3600", label: "1 hour", seconds: 3600 },
  { value: "86400", label: "24 hours", seconds: 86_400 },
  { value: "604800", label: "7 days", seconds: 604_800 },
] as const;

export type CreateWebhookState =
  | { status: "idle" }
  | { status: "error"; message: string; fieldErrors?: Record<string, string> }
  | { status: "created"; id: string; url: string; secret: string };

export type RotateSecretState = { ok: true; secret: string; previousSecretUntil: string | null } | { ok: false; message: string };
export type WebhookActionState = { ok: true; message?: string } | { ok: false; message: string };
