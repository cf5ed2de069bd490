import { endpoints } from "@/lib/api/endpoints";
import { listCheckRuns } from "@/lib/checks/list-check-runs";
import { rerunChecks } from "@/lib/checks/request-checks";
import { handle, json } from "@/lib/http/handle";

export const dynamic = "force-dynamic";

export const GET = handle(endpoints.listChecks, async ({ params, services }) =>
  json(await listCheckRuns(services.prisma, { model: params.name, version: params.version })),
);

export const POST = handle(endpoints.runChecks, async ({ params, body, actor, services }) => {
  const runs = await rerunChecks(services.prisma, { actor, model: params.name, version: params.version, kinds: body.kinds, seed: body.seed });
  // Committed first; a failed send is picked up by the workers' sweep.
  await services.checkQueue.dispatch(runs.map((r) => r.id)).catch(() => undefined);
  return json({ runs, status: "queued" }, { status: 202 });
});
