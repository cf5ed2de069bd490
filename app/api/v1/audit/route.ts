import { endpoints } from "@/lib/api/endpoints";
import { listAuditEvents } from "@/lib/audit/list-events";
import { requireAuditReader } from "@/lib/auth/permissions";
import { handle, json } from "@/lib/http/handle";

export const dynamic = "force-dynamic";

export const GET = handle(endpoints.listAudit, async ({ actor, query, services }) => {
  requireAuditReader(actor);
  return json(await listAuditEvents(services.prisma, query));
});
