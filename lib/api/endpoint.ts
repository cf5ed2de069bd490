// An endpoint's contract: method, path, the permission it needs, zod schemas for params/query/body
// and its responses. The same object drives routing and request parsing (lib/api/serve.ts), the
// permission check (lib/auth/permissions.ts) and the OpenAPI document (lib/api/openapi.ts), so the
// documentation cannot drift from what the server accepts.
import type { z } from "zod";
import type { Action } from "../auth/permissions.ts";

export type ResponseSpec = { description: string; schema?: z.ZodType; contentType?: string };

export type EndpointDef<
  P extends z.ZodType = z.ZodType,
  Q extends z.ZodType = z.ZodType,
  B extends z.ZodType = z.ZodType,
> = {
  id: string;
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** OpenAPI-style path, e.g. /api/v1/models/{name}. */
  path: string;
  /** The last path parameter takes the rest of the path, '/' included (file paths). */
  restParam?: boolean;
  summary: string;
  description?: string;
  tag: string;
  /** "public" needs no credentials; otherwise the permission (lib/auth/permissions.ts) it needs. */
  action: Action | "public";
  params?: P;
  query?: Q;
  /** A JSON body schema; endpoints that consume the body themselves describe it in rawBody. */
  body?: B;
  rawBody?: { kind: "multipart" | "stream"; description: string };
  /** Request headers worth documenting (e.g. Idempotency-Key, Range). */
  headers?: Record<string, string>;
  responses: Record<number, ResponseSpec>;
};

export function defineEndpoint<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType>(
  def: EndpointDef<P, Q, B>,
): EndpointDef<P, Q, B> {
  return def;
}
