// Serving REST API v1 on Node's own HTTP objects, outside Next's request pipeline. Every request
// goes through the same steps, in one place: route (from the endpoint table) → authenticate →
// authorize (the permission table) → parse params/query/body with the endpoint's zod schemas →
// the handler → write the response; every error becomes problem+json here.
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { z } from "zod";
import { assertAllowed } from "../auth/permissions.ts";
import type { Actor } from "../auth/roles.ts";
import { actorFromSessionRequest } from "../auth/session.ts";
import { authenticateBearer } from "../auth/tokens.ts";
import { isUniqueViolation, isRecordNotFound } from "../db/errors.ts";
import { AppError, badRequest, forbidden, notFound, type FieldError } from "../errors/app-error.ts";
import { readJsonBody } from "../http/json-body.ts";
import { httpStatus, toProblem } from "../http/problem.ts";
import { parseRequestTarget } from "../http/request-target.ts";
import { writeResponse, type ApiResponse } from "../http/response.ts";
import type { Logger } from "../observability/logger.ts";
import { InvalidDigestError, RangeNotSatisfiableError } from "../storage/index.ts";
import { headerBag, type ApiContext, type ApiServices, type HeaderBag } from "./context.ts";
import type { EndpointDef } from "./endpoint.ts";
import { endpoints, type EndpointId } from "./endpoints.ts";
import { handlers } from "./handlers.ts";

export const API_PREFIX = "/api/v1";

const PASSWORD_CHANGE_ENDPOINTS = new Set<EndpointId>(["changePassword", "getMe"]);

type Route = { def: EndpointDef; id: EndpointId; segments: (string | { param: string })[]; rest: boolean; staticCount: number };

function compileRoutes(): Route[] {
  const routes = (Object.entries(endpoints) as [EndpointId, EndpointDef][]).map(([id, def]) => {
    const segments = def.path
      .split("/")
      .filter(Boolean)
      .map((s) => (s.startsWith("{") ? { param: s.slice(1, -1) } : s));
    return { def, id, segments, rest: def.restParam === true, staticCount: segments.filter((s) => typeof s === "string").length };
  });
  // A literal segment wins over a parameter in the same place (/audit/verify is not /audit/{id}).
  return routes.sort((a, b) => b.staticCount - a.staticCount);
}

function matchRoute(route: Route, segments: string[]): Record<string, string> | undefined {
  const { segments: pattern, rest } = route;
  if (rest ? segments.length < pattern.length : segments.length !== pattern.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i]!;
    if (typeof p === "string") {
      if (segments[i] !== p) return undefined;
    } else if (rest && i === pattern.length - 1) {
      params[p.param] = segments.slice(i).join("/");
    } else {
      params[p.param] = segments[i]!;
    }
  }
  return params;
}

export type ApiDispatcher = (req: IncomingMessage, res: ServerResponse, context: { origin: string; clientAddress: string }) => Promise<void>;

export function createApiDispatcher(services: ApiServices, log: Logger): ApiDispatcher {
  const routes = compileRoutes();
  return async (req, res, { origin, clientAddress }) => {
    const requestId = headerBag(req).get("x-request-id")?.slice(0, 100) || randomUUID();
    const started = performance.now();
    const method = (req.method ?? "GET").toUpperCase();
    let status = 500;
    let endpoint = "unknown";
    let rawPath = (req.url ?? "/").split("?")[0]!;
    try {
      const target = parseRequestTarget(req.url ?? "/");
      rawPath = target.rawPath;
      const matches = routes.map((r) => ({ route: r, params: matchRoute(r, target.segments) })).filter((m) => m.params);
      const found = matches.find((m) => m.route.def.method === method || (method === "HEAD" && m.route.def.method === "GET"));
      if (!found) {
        if (matches.length) {
          const allow = [...new Set(matches.map((m) => m.route.def.method))].join(", ");
          throw new AppError("method_not_allowed", "method_not_allowed", `${method} is not supported here; use ${allow}`, undefined, { allow });
        }
        throw notFound("no_such_endpoint", `there is no API endpoint at ${target.rawPath}; see ${API_PREFIX}/openapi.json`);
      }
      const { route } = found;
      endpoint = route.id;
      const headers = headerBag(req);
      const actor = await authenticate(services, headers, method);
      if (route.def.action !== "public") assertAllowed(actor, route.def.action);
      // A generated or reset password is replaced before the session may do anything else.
      if (actor && "mustChangePassword" in actor && actor.mustChangePassword && !PASSWORD_CHANGE_ENDPOINTS.has(route.id))
        throw forbidden("password_change_required", "choose a new password first (POST /api/v1/me/password, or sign in to the web UI)");
      const params = parse("params", route.def.params, found.params!);
      const query = parse("query", route.def.query, target.query);
      // A request without a body (no Content-Length or 0, not chunked) is parsed as `undefined`, so an
      // endpoint whose body is optional (a default) needs no `{}` and no Content-Type.
      const bodyless = !req.headers["transfer-encoding"] && Number(req.headers["content-length"] ?? 0) === 0;
      const body = route.def.body
        ? parse("body", route.def.body, bodyless ? undefined : await readJsonBody(req, req.headers["content-type"], req.headers["content-length"]))
        : undefined;
      const handler = handlers[route.id] as (ctx: ApiContext) => Promise<ApiResponse>;
      const response = await handler({
        params,
        query,
        body,
        actor: actor as Actor,
        req,
        headers,
        origin,
        clientAddress,
        requestId,
        log: log.child({ requestId, endpoint }),
        services,
      });
      status = response.status;
      response.headers = { ...response.headers, "x-request-id": requestId };
      await writeResponse(res, response, method);
    } catch (error) {
      const appError = toAppError(error);
      status = httpStatus(appError);
      if (status >= 500) log.error("request failed", { requestId, endpoint, error });
      if (res.headersSent) {
        res.destroy();
      } else {
        await writeResponse(
          res,
          {
            status,
            headers: { "content-type": "application/problem+json", "x-request-id": requestId, ...appError.headers },
            body: JSON.stringify(toProblem(appError, requestId)),
          },
          method,
        );
      }
      // A body the handler never read (refused before it started) is drained by the server's
      // lingering close; see lib/server/http-server.ts.
    } finally {
      log.info("request", { requestId, method, path: rawPath, endpoint, status, ms: Math.round(performance.now() - started) });
    }
  };
}

/**
 * Who is calling. An Authorization header is judged alone (a bad token is never rescued by a
 * cookie); without one, a browser's session cookie is the credential (cookie-authenticated
 * state changes must come from this registry's own pages).
 */
async function authenticate(services: ApiServices, headers: HeaderBag, method: string): Promise<Actor | undefined> {
  const authorization = headers.get("authorization");
  if (authorization) return authenticateBearer(services.prisma, authorization, services.config.bootstrapToken);
  return actorFromSessionRequest(services, { method, headers });
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

function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof RangeNotSatisfiableError) return new AppError("range_not_satisfiable", "range_not_satisfiable", error.message);
  if (error instanceof InvalidDigestError) return badRequest("invalid_digest", error.message);
  if (isUniqueViolation(error)) return new AppError("conflict", "conflict", "the resource already exists");
  if (isRecordNotFound(error)) return new AppError("not_found", "not_found", "the resource does not exist");
  return new AppError("internal", "internal", "an unexpected error occurred; the request id identifies it in the server log");
}
