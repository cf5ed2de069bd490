import { endpoints } from "@/lib/api/endpoints";
import { handle, json } from "@/lib/http/handle";
import { createModel, listModels } from "@/lib/registry/models";

export const dynamic = "force-dynamic";

export const POST = handle(endpoints.createModel, async ({ body, actor, services }) =>
  json(await createModel(services.prisma, { actor, ...body }), { status: 201 }),
);

export const GET = handle(endpoints.listModels, async ({ query, services }) => json(await listModels(services.prisma, query)));
