// The active webhooks as a list of cards (readable at phone width, where a wide table would not be),
// each with its events, the link to its delivery log and its actions.
import Link from "next/link";
import type { WebhookView } from "@/lib/webhooks/views";
import { Badge } from "../ui/badge";
import { buttonClasses } from "../ui/button";
import { Time } from "../ui/time";
import { DeleteWebhookButton } from "./delete-webhook-button";
import { RotateSecretButton } from "./rotate-secret-button";
import type { RotateSecretState, WebhookActionState } from "./webhook-form-state";

export function WebhooksList({
  webhooks,
  selectedId,
  remove,
  rotate,
}: {
  webhooks: WebhookView[];
  selectedId?: string;
  remove: (id: string) => Promise<WebhookActionState>;
  rotate: (input: { id: string; overlapSeconds: number }) => Promise<RotateSecretState>;
}) {
  return (
    <ul className="divide-y divide-slate-100" aria-label="Webhooks">
      {webhooks.map((w) => {
        const selected = w.id === selectedId;
        return (
          <li key={w.id} className={selected ? "bg-indigo-50/50 px-5 py-4" : "px-5 py-4"}>
            <p className="font-mono text-sm font-medium break-all text-slate-900">{w.url}</p>
            {w.description ? <p className="mt-0.5 text-sm text-slate-600">{w.description}</p> : null}
            <ul className="mt-2 flex flex-wrap gap-1" aria-label="Events">
              {w.events.map((e) => (
                <li key={e}>
                  <Badge tone={e.startsWith("promotion") || e === "rollback" ? "violet" : "indigo"} className="font-mono">
                    {e}
                  </Badge>
                </li>
              ))}
            </ul>
            <p className="mt-2 text-xs text-slate-500">
              Created <Time iso={w.createdAt} />
              {w.previousSecretUntil ? (
                <>
                  {" "}
                  · previous secret signs too until <Time iso={w.previousSecretUntil} />
                </>
              ) : null}
            </p>
            <div className="mt-3 flex flex-wrap gap-2">
              <Link
                href={`/settings/webhooks?webhook=${w.id}#deliveries`}
                aria-current={selected ? "true" : undefined}
                className={buttonClasses({ variant: selected ? "primary" : "secondary", size: "sm" })}
              >
                Delivery log<span className="sr-only"> of {w.url}</span>
              </Link>
              <RotateSecretButton id={w.id} url={w.url} action={rotate} />
              <DeleteWebhookButton id={w.id} url={w.url} action={remove} />
            </div>
          </li>
        );
      })}
    </ul>
  );
}
