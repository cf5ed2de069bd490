// The OpenAPI 3.1 document, generated from the same endpoint contracts the server parses with.
import { OpenAPIRegistry, OpenApiGeneratorV31 } from "@asteasolutions/zod-to-openapi";
import { z } from "zod";
import { permissions, type Action } from "../auth/permissions.ts";
import { endpoints } from "./endpoints.ts";

/** The permission an operation needs, from the one permission table (lib/auth/permissions.ts). */
function permissionExtensions(action: Action) {
  const rule = permissions[action];
  return {
    "x-permission": action,
    "x-required-scope": rule.scope,
    "x-roles": [...rule.roles],
    ...("resource" in rule ? { "x-resource-rule": rule.resource } : {}),
  };
}

let cached: ReturnType<OpenApiGeneratorV31["generateDocument"]> | undefined;

export function buildOpenApiDocument(serverUrl = "/") {
  if (cached) return { ...cached, servers: [{ url: serverUrl }] };
  const registry = new OpenAPIRegistry();
  registry.registerComponent("securitySchemes", "bearer", { type: "http", scheme: "bearer", description: "API token (mr_…) or REGISTRY_BOOTSTRAP_TOKEN" });
  for (const ep of Object.values(endpoints)) {
    const headerEntries = Object.entries(ep.headers ?? {});
    registry.registerPath({
      operationId: ep.id,
      method: ep.method.toLowerCase() as "get" | "post" | "put" | "patch" | "delete",
      path: ep.path,
      tags: [ep.tag],
      summary: ep.summary,
      description: ep.description,
      security: ep.action === "public" ? [] : [{ bearer: [] }],
      ...(ep.action === "public" ? {} : permissionExtensions(ep.action)),
      request: {
        ...(ep.params ? { params: ep.params as z.ZodObject } : {}),
        ...(ep.query ? { query: ep.query as z.ZodObject } : {}),
        ...(headerEntries.length
          ? { headers: z.object(Object.fromEntries(headerEntries.map(([h, d]) => [h, z.string().optional().describe(d)]))) }
          : {}),
        ...(ep.body ? { body: { required: true, content: { "application/json": { schema: ep.body } } } } : {}),
        ...(ep.rawBody?.kind === "multipart"
          ? {
              body: {
                required: true,
                description: ep.rawBody.description,
                content: {
                  "multipart/form-data": {
                    schema: z.object({ manifest: z.string().describe("manifest.json (JSON text)") }).catchall(z.string().describe("file bytes")),
                  },
                },
              },
            }
          : {}),
      },
      responses: Object.fromEntries(
        Object.entries(ep.responses).map(([status, spec]) => [
          status,
          {
            description: spec.description,
            ...(spec.schema
              ? { content: { [spec.contentType ?? "application/json"]: { schema: spec.schema } } }
              : spec.contentType
                ? { content: { [spec.contentType]: { schema: { type: "string", format: "binary" } } } }
                : {}),
          },
        ]),
      ),
    });
  }
  cached = new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: "3.1.0",
    info: {
      title: "Model Registry API",
      version: "1.0.0",
      description: "Immutable, checked, gated ML model versions. Errors are RFC 9457 application/problem+json.",
    },
  });
  return { ...cached, servers: [{ url: serverUrl }] };
}
