import { endpoints } from "@/lib/api/endpoints";
import { handle, json } from "@/lib/http/handle";
import { resolveAlias } from "@/lib/registry/versions";

export const dynamic = "force-dynamic";

export const GET = handle(endpoints.resolveAlias, async ({ params, services }) =>
  json(await resolveAlias(services.prisma, params.name, params.alias)),
);
