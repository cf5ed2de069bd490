import { endpoints } from "@/lib/api/endpoints";
import { createApiToken, listApiTokens } from "@/lib/auth/tokens";
import { handle, json } from "@/lib/http/handle";

export const dynamic = "force-dynamic";

export const POST = handle(endpoints.createToken, async ({ actor, body, services }) => {
  const { token, view } = await createApiToken(services.prisma, {
    actor,
    ...body,
    expiresAt: body.expiresAt ? new Date(body.expiresAt) : undefined,
  });
  return json({ ...view, token }, { status: 201, headers: { "cache-control": "no-store" } });
});

export const GET = handle(endpoints.listTokens, async ({ actor, query, services }) =>
  json(await listApiTokens(services.prisma, { actor, ...query })),
);
