// The registry's errors, free of any transport: a closed set of kinds, a stable machine-readable code
// and a message. lib/ throws AppError; the edges translate it: lib/http/problem.ts to an HTTP status
// and RFC 9457 problem+json (the API), app/_lib to Next's not-found page and form errors, the CLI to
// a line on stderr. This folder is the bottom layer, so every other one may throw these.

export const errorKinds = [
  "bad_request",
  "unauthorized",
  "forbidden",
  "not_found",
  "method_not_allowed",
  "request_timeout",
  "conflict",
  "payload_too_large",
  "unsupported_media_type",
  "range_not_satisfiable",
  "unprocessable",
  "too_many_requests",
  "unavailable",
  "internal",
] as const;

export type ErrorKind = (typeof errorKinds)[number];

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
    /** Headers the HTTP edge adds to the answer (WWW-Authenticate, Allow, Content-Range); other edges ignore them. */
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = "AppError";
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
