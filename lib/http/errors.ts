// The closed set of error kinds the API can answer with, and the one table that maps them to HTTP.
// Services throw AppError; the route wrapper turns it into RFC 9457 problem+json.

export const errorKinds = {
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
} as const;

export type ErrorKind = keyof typeof errorKinds;

/** One problem with one field of the input; `path` is a JSON pointer-ish dotted path. */
export type FieldError = { path: string; message: string };

// Next bundles its own copy of lib/ for pages and server actions, while the API server runs the
// source copy; both share the same service objects. A brand instead of prototype identity keeps
// `instanceof AppError` true for an error thrown by either copy.
const APP_ERROR = Symbol.for("model-registry.AppError");

export class AppError extends Error {
  static [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[APP_ERROR] === true;
  }

  readonly [APP_ERROR] = true;

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
