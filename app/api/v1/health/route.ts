import { endpoints } from "@/lib/api/endpoints";
import { handle, json } from "@/lib/http/handle";
import { checkHealth } from "@/lib/server/health";

export const dynamic = "force-dynamic";

export const GET = handle(endpoints.health, async ({ services }) => {
  const health = await checkHealth(services);
  return json(health, { status: health.status === "ok" ? 200 : 503 });
});
