// AppError at the HTTP edge: its status, and RFC 9457 problem details, the shape of every error
// response of the API. The one table that maps error kinds to HTTP lives here, not with the error.
import { z } from "zod";
import type { AppError, ErrorKind } from "../errors/app-error.ts";

export const httpErrors: Record<ErrorKind, { status: number; title: string }> = {
  bad_request: { status: 400, title: "Bad request" },
  unauthorized: { status: 401, title: "Authentication required" },
  forbidden: { status: 403, title: "Forbidden" },
  not_found: { status: 404, title: "Not found" },
  method_not_allowed: { status: 405, title: "Method not allowed" },
  request_timeout: { status: 408, title: "Request timeout" },
  conflict: { status: 409, title: "Conflict" },
  payload_too_large: { status: 413, title: "Payload too large" },
  unsupported_media_type: { status: 415, title: "Unsupported media type" },
  range_not_satisfiable: { status: 416, title: "Range not satisfiable" },
  unprocessable: { status: 422, title: "Unprocessable content" },
  too_many_requests: { status: 429, title: "Too many requests" },
  unavailable: { status: 503, title: "Service unavailable" },
  internal: { status: 500, title: "Internal server error" },
};

export function httpStatus(error: AppError): number {
  return httpErrors[error.kind].status;
}

export const problemSchema = z
  .object({
    type: z.string().describe("URI identifying the problem type: urn:model-registry:problem:<code>"),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.string().describe("Stable machine-readable error code"),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    requestId: z.string().optional(),
  })
  .meta({ id: "Problem" });

export type Problem = z.infer<typeof problemSchema>;

export function toProblem(error: AppError, requestId?: string): Problem {
  return {
    type: `urn:model-registry:problem:${error.code}`,
    title: httpErrors[error.kind].title,
    status: httpStatus(error),
    detail: error.message,
    code: error.code,
    ...(error.errors?.length ? { errors: error.errors } : {}),
    ...(requestId ? { requestId } : {}),
  };
}

export function problemResponse(error: AppError, requestId?: string): Response {
  return new Response(JSON.stringify(toProblem(error, requestId)), {
    status: httpStatus(error),
    headers: {
      "content-type": "application/problem+json",
      ...(requestId ? { "x-request-id": requestId } : {}),
      ...error.headers,
    },
  });
}
