import { endpoints } from "@/lib/api/endpoints";
import { handle, json } from "@/lib/http/handle";
import { getModel, updateModel } from "@/lib/registry/models";

export const dynamic = "force-dynamic";

export const GET = handle(endpoints.getModel, async ({ params, services }) => json(await getModel(services.prisma, params.name)));

export const PATCH = handle(endpoints.updateModel, async ({ params, body, actor, services }) =>
  json(await updateModel(services.prisma, { actor, name: params.name, ...body })),
);
