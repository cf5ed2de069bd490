import { endpoints } from "@/lib/api/endpoints";
import { verifyAuditChain } from "@/lib/audit/verify-chain";
import { requireAuditReader } from "@/lib/auth/permissions";
import { handle, json } from "@/lib/http/handle";

export const dynamic = "force-dynamic";

export const GET = handle(endpoints.verifyAudit, async ({ actor, services }) => {
  requireAuditReader(actor);
  return json(await verifyAuditChain(services.prisma));
});
