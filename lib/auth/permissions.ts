import { forbidden } from "../http/errors.ts";
import { canReadAudit, type Actor } from "./roles.ts";

export function requireAuditReader(actor: Actor): void {
  if (!canReadAudit(actor)) throw forbidden("auditor_required", "the audit log is readable by auditors and admins");
}
