// An endpoint's contract: method, path, auth, zod schemas for params/query/body and its responses.
// The same object drives request parsing (handle.ts) and the OpenAPI document (lib/api/openapi.ts),
// so the documentation cannot drift from what the server accepts.
import type { z } from "zod";
import type { Scope } from "../auth/roles.ts";

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
  summary: string;
  description?: string;
  tag: string;
  /** "public" needs no credentials; otherwise the scope the credential must hold. */
  auth: Scope | "public";
  params?: P;
  query?: Q;
  /** A JSON body schema, or "multipart"/"stream" when the handler consumes the body itself. */
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
