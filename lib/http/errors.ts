// The closed set of error kinds the API can answer with, and the one table that maps them to HTTP.
// Services throw AppError; the route wrapper turns it into RFC 9457 problem+json.

export const errorKinds = {
  bad_request: { status: 400, title: "Bad request" },
  unauthorized: { status: 401, title: "Authentication required" },
  forbidden: { status: 403, title: "Forbidden" },
  not_found: { status: 404, title: "Not found" },
  conflict: { status: 409, title: "Conflict" },
  payload_too_large: { status: 413, title: "Payload too large" },
  unsupported_media_type: { status: 415, title: "Unsupported media type" },
  range_not_satisfiable: { status: 416, title: "Range not satisfiable" },
  unprocessable: { status: 422, title: "Unprocessable content" },
  unavailable: { status: 503, title: "Service unavailable" },
  internal: { status: 500, title: "Internal server error" },
} as const;

export type ErrorKind = keyof typeof errorKinds;

/** One problem with one field of the input; `path` is a JSON pointer-ish dotted path. */
export type FieldError = { path: string; message: string };

export class AppError extends Error {
  constructor(
    readonly kind: ErrorKind,
    /** Machine-readable, stable code (e.g. "version_exists"): clients branch on this, not on text. */
    readonly code: string,
    message: string,
    readonly errors?: FieldError[],
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = "AppError";
  }

  get status(): number {
    return errorKinds[this.kind].status;
  }
}

export const badRequest = (code: string, message: string, errors?: FieldError[]) =>
  new AppError("bad_request", code, message, errors);
export const notFound = (code: string, message: string) => new AppError("not_found", code, message);
export const conflict = (code: string, message: string) => new AppError("conflict", code, message);
export const forbidden = (code: string, message: string) => new AppError("forbidden", code, message);
export const unprocessable = (code: string, message: string, errors?: FieldError[]) =>
  new AppError("unprocessable", code, message, errors);
export const unauthorized = (code: string, message: string) =>
  new AppError("unauthorized", code, message, undefined, { "WWW-Authenticate": 'Bearer realm="model-registry"' });
