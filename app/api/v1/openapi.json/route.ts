import { endpoints } from "@/lib/api/endpoints";
import { buildOpenApiDocument } from "@/lib/api/openapi";
import { handle, json } from "@/lib/http/handle";

export const dynamic = "force-dynamic";

export const GET = handle(endpoints.openapi, async ({ request }) => json(buildOpenApiDocument(new URL(request.url).origin)));
