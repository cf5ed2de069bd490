// RFC 9457 problem details. Every error response of the API has this shape.
import { z } from "zod";
import { AppError, errorKinds } from "./errors.ts";

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
    title: errorKinds[error.kind].title,
    status: error.status,
    detail: error.message,
    code: error.code,
    ...(error.errors?.length ? { errors: error.errors } : {}),
    ...(requestId ? { requestId } : {}),
  };
}

export function problemResponse(error: AppError, requestId?: string): Response {
  return new Response(JSON.stringify(toProblem(error, requestId)), {
    status: error.status,
    headers: {
      "content-type": "application/problem+json",
      ...(requestId ? { "x-request-id": requestId } : {}),
      ...error.headers,
    },
  });
}
