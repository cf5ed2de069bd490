import { endpoints } from "@/lib/api/endpoints";
import { createUser, listUsers } from "@/lib/auth/users";
import { handle, json } from "@/lib/http/handle";

export const dynamic = "force-dynamic";

export const POST = handle(endpoints.createUser, async ({ actor, body, services }) =>
  json(await createUser(services.prisma, { actor, ...body }), { status: 201 }),
);

export const GET = handle(endpoints.listUsers, async ({ query, services }) => json(await listUsers(services.prisma, query)));
