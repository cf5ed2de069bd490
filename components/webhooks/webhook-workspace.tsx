"use client";
// The webhooks page body: the one-time reveal of a new webhook's secret, the list (`children`,
// server-rendered) and the form that registers a webhook.
import { useActionState, useEffect, useRef, useState, type ReactNode } from "react";
import { webhookEventTypes } from "@/lib/webhooks/event-types";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { Card, CardBody, CardHeader } from "../ui/card";
import { SecretReveal } from "./secret-reveal";
import { eventHelp, type CreateWebhookState } from "./webhook-form-state";

const input =
  "block w-full rounded-md border-0 bg-white px-3 py-2 text-sm text-slate-900 shadow-sm ring-1 ring-slate-300 ring-inset placeholder:text-slate-400 focus:ring-2 focus:ring-indigo-600 focus:outline-none aria-[invalid=true]:ring-red-400";

export function WebhookWorkspace({ action, children }: { action: (state: CreateWebhookState, form: FormData) => Promise<CreateWebhookState>; children: ReactNode }) {
  const [state, formAction, pending] = useActionState(action, { status: "idle" });
  const [dismissed, setDismissed] = useState<string | null>(null);
  const formRef = useRef<HTMLFormElement>(null);
  const created = state.status === "created" && dismissed !== state.secret ? state : null;
  const errors = state.status === "error" ? (state.fieldErrors ?? {}) : {};

  useEffect(() => {
    if (state.status === "created") formRef.current?.reset();
  }, [state]);

  return (
    <div className="space-y-6">
      {created ? (
        <SecretReveal title={`Webhook for ${created.url} created`} secret={created.secret} onDismiss={() => setDismissed(created.secret)} />
      ) : null}
      <div className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_22rem]">
        <div className="min-w-0 space-y-6">{children}</div>
        <Card aria-labelledby="create-webhook-heading" className="min-w-0 self-start">
          <CardHeader id="create-webhook-heading" title="Add a webhook" />
          <CardBody>
            <form ref={formRef} action={formAction} className="space-y-5" noValidate>
              {state.status === "error" ? <Alert tone="danger" role="alert" title={state.message} /> : null}
              <div>
                <label htmlFor="webhook-url" className="mb-1.5 block text-sm font-medium text-slate-800">
                  Payload URL
                </label>
                <input
                  id="webhook-url"
                  name="url"
                  type="url"
                  required
                  maxLength={2048}
                  inputMode="url"
                  placeholder="https://ci.example.com/hooks/registry"
                  aria-invalid={errors.url ? true : undefined}
                  aria-describedby={errors.url ? "webhook-url-error" : "webhook-url-help"}
                  className={input}
                />
                {errors.url ? (
                  <p id="webhook-url-error" className="mt-1 text-xs break-words text-red-700">
                    {errors.url}
                  </p>
                ) : (
                  <p id="webhook-url-help" className="mt-1 text-xs text-slate-500">
                    http(s) on a public address; the registry POSTs JSON here, signed.
                  </p>
                )}
              </div>
              <fieldset aria-describedby={errors.events ? "webhook-events-error" : undefined}>
                <legend className="mb-1.5 text-sm font-medium text-slate-800">Events</legend>
                <div className="space-y-1">
                  {webhookEventTypes.map((type) => (
                    <label key={type} className="flex cursor-pointer items-start gap-2.5 rounded-md p-1 hover:bg-slate-50">
                      <input type="checkbox" name="events" value={type} defaultChecked={type === "version.created" || type === "checks.finished"} className="mt-0.5 size-4 rounded border-slate-300 accent-indigo-600" />
                      <span className="text-sm">
                        <span className="font-mono font-medium text-slate-900">{type}</span>
                        <span className="block text-xs text-slate-500">{eventHelp[type]}</span>
                      </span>
                    </label>
                  ))}
                </div>
                {errors.events ? (
                  <p id="webhook-events-error" className="mt-1 text-xs text-red-700">
                    {errors.events}
                  </p>
                ) : null}
              </fieldset>
              <div>
                <label htmlFor="webhook-description" className="mb-1.5 block text-sm font-medium text-slate-800">
                  Description <span className="font-normal text-slate-500">(optional)</span>
                </label>
                <input id="webhook-description" name="description" maxLength={500} placeholder="e.g. deploy pipeline" className={input} />
              </div>
              <Button type="submit" disabled={pending}>
                {pending ? "Adding…" : "Add webhook"}
              </Button>
            </form>
          </CardBody>
        </Card>
      </div>
    </div>
  );
}
