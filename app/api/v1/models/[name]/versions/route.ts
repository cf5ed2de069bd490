import { endpoints } from "@/lib/api/endpoints";
import { handle, json } from "@/lib/http/handle";
import { uploadVersion } from "@/lib/registry/upload-version";
import { listVersions } from "@/lib/registry/versions";

export const dynamic = "force-dynamic";

export const POST = handle(endpoints.uploadVersion, async ({ params, actor, request, services }) => {
  const length = request.headers.get("content-length");
  const result = await uploadVersion(services, {
    actor,
    model: params.name,
    contentType: request.headers.get("content-type"),
    contentLength: length ? Number(length) : null,
    body: request.body,
    idempotencyKey: request.headers.get("idempotency-key")?.slice(0, 200) || undefined,
  });
  return json(result.version, {
    status: result.status,
    headers: {
      location: `/api/v1/models/${params.name}/versions/${result.version.version}`,
      ...(result.replayed ? { "idempotent-replayed": "true" } : {}),
    },
  });
});

export const GET = handle(endpoints.listVersions, async ({ params, query, services }) =>
  json(await listVersions(services.prisma, { model: params.name, ...query })),
);
