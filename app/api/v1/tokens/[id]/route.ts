import { endpoints } from "@/lib/api/endpoints";
import { revokeApiToken } from "@/lib/auth/tokens";
import { handle, json } from "@/lib/http/handle";

export const dynamic = "force-dynamic";

export const DELETE = handle(endpoints.revokeToken, async ({ actor, params, services }) =>
  json(await revokeApiToken(services.prisma, { actor, id: params.id })),
);
