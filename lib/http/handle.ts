// The one wrapper every route handler goes through: request id + logger, authentication, zod
// parsing of params/query/body, and the mapping of every error to problem+json.
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { actorFromSessionRequest } from "../auth/session.ts";
import { authenticateBearer } from "../auth/tokens.ts";
import { hasScope, type Actor } from "../auth/roles.ts";
import { Prisma } from "../db/types.ts";
import { InvalidDigestError, RangeNotSatisfiableError } from "../storage/index.ts";
import { log as rootLog, type Logger } from "../observability/logger.ts";
import { getServices, type Services } from "../server/services.ts";
import type { EndpointDef } from "./endpoint.ts";
import { AppError, badRequest, forbidden, type FieldError } from "./errors.ts";
import { problemResponse } from "./problem.ts";

const MAX_JSON_BODY = 1024 * 1024;

export type HandlerContext<P, Q, B> = {
  params: P;
  query: Q;
  body: B;
  /** Undefined only for public endpoints called without credentials. */
  actor: Actor;
  request: Request;
  requestId: string;
  log: Logger;
  services: Services;
};

// Next passes no params (undefined) to routes without dynamic segments.
type RouteContext = { params?: Promise<Record<string, string | string[] | undefined>> };

export function handle<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType>(
  def: EndpointDef<P, Q, B>,
  handler: (ctx: HandlerContext<z.output<P>, z.output<Q>, z.output<B>>) => Promise<Response>,
) {
  return async (request: Request, route?: RouteContext): Promise<Response> => {
    const requestId = request.headers.get("x-request-id")?.slice(0, 100) || randomUUID();
    const log = rootLog.child({ requestId, endpoint: def.id });
    const started = performance.now();
    const url = new URL(request.url);
    let status = 500;
    try {
      const services = await getServices();
      const actor = def.auth === "public" ? await optionalActor(services, request) : await requireActor(services, request, def.auth);
      const params = parse("params", def.params, flattenParams((await route?.params) ?? {}));
      const query = parse("query", def.query, Object.fromEntries(url.searchParams));
      const body = def.body ? parse("body", def.body, await readJson(request)) : undefined;
      const response = await handler({
        params: params as z.output<P>,
        query: query as z.output<Q>,
        body: body as z.output<B>,
        actor: actor as Actor,
        request,
        requestId,
        log,
        services,
      });
      response.headers.set("x-request-id", requestId);
      status = response.status;
      return response;
    } catch (error) {
      const appError = toAppError(error);
      status = appError.status;
      if (status >= 500) log.error("request failed", { error });
      return problemResponse(appError, requestId);
    } finally {
      log.info("request", { method: request.method, path: url.pathname, status, ms: Math.round(performance.now() - started) });
    }
  };
}

async function requireActor(services: Services, request: Request, scope: string): Promise<Actor> {
  const actor =
    (await sessionActor(services, request)) ??
    (await authenticateBearer(services.prisma, request.headers.get("authorization"), services.config.bootstrapToken));
  if (!hasScope(actor, scope as Actor["scopes"][number]))
    throw forbidden("insufficient_scope", `this requires the '${scope}' scope, which this credential does not have`);
  return actor;
}

async function optionalActor(services: Services, request: Request): Promise<Actor | undefined> {
  if (!request.headers.get("authorization")) return sessionActor(services, request);
  return authenticateBearer(services.prisma, request.headers.get("authorization"), services.config.bootstrapToken);
}

/**
 * A browser signed in to the UI calls the API with its session cookie instead of a token (file
 * downloads, client components). A request with an Authorization header is always judged by that
 * header alone, so a bad token is never rescued by a cookie.
 */
async function sessionActor(services: Services, request: Request): Promise<Actor | undefined> {
  if (request.headers.get("authorization")) return undefined;
  return actorFromSessionRequest(services, request);
}

/** Catch-all segments ([...path]) arrive as arrays; the contract names them as one '/'-joined string. */
function flattenParams(raw: Record<string, string | string[] | undefined>): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, Array.isArray(v) ? v.join("/") : v]));
}

function parse(where: "params" | "query" | "body", schema: z.ZodType | undefined, value: unknown): unknown {
  if (!schema) return value;
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new AppError(
    where === "body" ? "unprocessable" : "bad_request",
    `invalid_${where}`,
    `the request ${where} is invalid: ${result.error.issues.map((i) => `${[where, ...i.path].join(".")}: ${i.message}`).join("; ")}`,
    zodFieldErrors(result.error, where),
  );
}

export function zodFieldErrors(error: z.ZodError, prefix?: string): FieldError[] {
  return error.issues.map((issue) => ({
    path: [...(prefix ? [prefix] : []), ...issue.path.map(String)].join("."),
    message: issue.message,
  }));
}

async function readJson(request: Request): Promise<unknown> {
  const type = request.headers.get("content-type") ?? "";
  if (!/^application\/(.+\+)?json\b/i.test(type))
    throw new AppError("unsupported_media_type", "json_required", "send the body as application/json");
  const declared = Number(request.headers.get("content-length") ?? 0);
  if (declared > MAX_JSON_BODY) throw new AppError("payload_too_large", "body_too_large", `JSON bodies are limited to ${MAX_JSON_BODY} bytes`);
  const text = await request.text();
  if (text.length > MAX_JSON_BODY) throw new AppError("payload_too_large", "body_too_large", `JSON bodies are limited to ${MAX_JSON_BODY} bytes`);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw badRequest("malformed_json", `the body is not valid JSON: ${(error as Error).message}`);
  }
}

function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof RangeNotSatisfiableError) return new AppError("range_not_satisfiable", "range_not_satisfiable", error.message);
  if (error instanceof InvalidDigestError) return badRequest("invalid_digest", error.message);
  if (error instanceof Prisma.PrismaClientKnownRequestError) {
    if (error.code === "P2002") return new AppError("conflict", "conflict", "the resource already exists");
    if (error.code === "P2025") return new AppError("not_found", "not_found", "the resource does not exist");
  }
  return new AppError("internal", "internal", "an unexpected error occurred; the request id identifies it in the server log");
}

/** JSON response helper. BigInts (sizes) are written as numbers; they fit below 2^53. */
export function json(body: unknown, init: { status?: number; headers?: Record<string, string> } = {}): Response {
  return new Response(JSON.stringify(body, (_k, v) => (typeof v === "bigint" ? Number(v) : v)), {
    status: init.status ?? 200,
    headers: { "content-type": "application/json", ...init.headers },
  });
}
