import { endpoints } from "@/lib/api/endpoints";
import { handle } from "@/lib/http/handle";
import { downloadVersionFile } from "@/lib/registry/download-file";

export const dynamic = "force-dynamic";

export const GET = handle(endpoints.downloadFile, async ({ params, request, services }) =>
  downloadVersionFile(services, {
    model: params.name,
    version: params.version,
    path: params.path,
    range: request.headers.get("range"),
    ifNoneMatch: request.headers.get("if-none-match"),
  }),
);
