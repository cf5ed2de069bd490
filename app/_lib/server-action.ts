// The one wrapper every server action goes through, as lib/api/serve.ts is for the REST API:
// session → parse → authorize → run → map errors. Server actions authenticate with the browser
// session cookie only (a bearer header is never looked at), and Next checks the Origin of
// server-action POSTs, so they cannot be triggered cross-site.
import type { z } from "zod";
import { getPageActor } from "@/app/_lib/next-auth";
import { authorize, type Action } from "@/lib/auth/permissions";
import type { SessionActor } from "@/lib/auth/sessions";
import { AppError } from "@/lib/errors/app-error";
import { UNSTORABLE_TEXT, unstorableMessage, unstorablePaths } from "@/lib/schemas/storable-text";
import { getServices, type Services } from "@/lib/server/services";

export type ActionFailure = { ok: false; code: string; message: string; fieldErrors?: Record<string, string> };
export type ActionResult<T> = ({ ok: true } & T) | ActionFailure;

export type ServerActionDef<S extends z.ZodType, T> = {
  /** The permission (lib/auth/permissions.ts) the action needs; resource rules are the service's job. */
  action: Action;
  input: S;
  /** Allowed for a session that must first replace its password (only the password change itself). */
  allowWhilePasswordChangeRequired?: boolean;
  run: (ctx: { actor: SessionActor; input: z.output<S>; services: Services }) => Promise<T>;
};

export function serverAction<S extends z.ZodType, T extends object>(def: ServerActionDef<S, T>) {
  return async (raw: unknown): Promise<ActionResult<T>> => {
    const actor = await getPageActor();
    if (!actor) return { ok: false, code: "authentication_required", message: "Your session has ended. Sign in again and retry." };
    if (actor.mustChangePassword && !def.allowWhilePasswordChangeRequired) return { ok: false, code: "password_change_required", message: "Choose a new password first." };
    const decision = authorize(actor, def.action);
    if (!decision.allowed) return { ok: false, code: decision.code, message: sentence(decision.message) };
    const parsed = def.input.safeParse(raw);
    if (!parsed.success) {
      const fieldErrors: Record<string, string> = {};
      for (const issue of parsed.error.issues) fieldErrors[issue.path.map(String).join(".")] ??= issue.message;
      return { ok: false, code: "invalid_input", message: "Check the highlighted fields.", fieldErrors };
    }
    const unstorable = unstorablePaths(parsed.data);
    if (unstorable.length > 0)
      return { ok: false, code: "unstorable_text", message: sentence(UNSTORABLE_TEXT), fieldErrors: Object.fromEntries(unstorable.map((p) => [p.join("."), unstorableMessage(p)])) };
    try {
      return { ok: true, ...(await def.run({ actor, input: parsed.data, services: await getServices() })) };
    } catch (error) {
      if (error instanceof AppError) {
        const fieldErrors = error.errors?.length ? Object.fromEntries(error.errors.map((e) => [e.path, e.message])) : undefined;
        return { ok: false, code: error.code, message: sentence(error.message), ...(fieldErrors ? { fieldErrors } : {}) };
      }
      throw error;
    }
  };
}

const sentence = (message: string) => message.charAt(0).toUpperCase() + message.slice(1) + (/[.!?]$/.test(message) ? "" : ".");
