import { endpoints } from "@/lib/api/endpoints";
import { handle, json } from "@/lib/http/handle";
import { getVersion } from "@/lib/registry/versions";

export const dynamic = "force-dynamic";

export const GET = handle(endpoints.getVersion, async ({ params, services }) =>
  json(await getVersion(services.prisma, params.name, params.version)),
);
