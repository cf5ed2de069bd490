import { endpoints } from "@/lib/api/endpoints";
import { handle, json } from "@/lib/http/handle";
import { getModelPolicy, updateModelPolicy } from "@/lib/policy/stage-policy";

export const dynamic = "force-dynamic";

export const GET = handle(endpoints.getPolicy, async ({ params, services }) => json(await getModelPolicy(services.prisma, { name: params.name })));

export const PUT = handle(endpoints.updatePolicy, async ({ params, body, actor, services }) =>
  json(await updateModelPolicy(services.prisma, { actor, name: params.name, overrides: body })),
);
