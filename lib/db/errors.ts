// Prisma's known request errors, recognised by their code rather than by class identity: the
// source copy of lib/ (API server, CLI) and Next's bundled copy (pages, server actions) may load
// Prisma's runtime twice, and `instanceof` fails across the two.
type KnownError = { name?: unknown; code?: unknown };

function prismaCode(error: unknown): string | undefined {
  const e = error as KnownError | null;
  return e && typeof e === "object" && e.name === "PrismaClientKnownRequestError" && typeof e.code === "string" ? e.code : undefined;
}

/** A unique constraint was violated (P2002). */
export const isUniqueViolation = (error: unknown): boolean => prismaCode(error) === "P2002";

/** The record an update or delete needed does not exist (P2025). */
export const isRecordNotFound = (error: unknown): boolean => prismaCode(error) === "P2025";

/** Postgres chose this transaction as a deadlock victim (40P01): the whole transaction may be retried. */
export function isDeadlock(error: unknown): boolean {
  const e = error as { code?: unknown; meta?: { code?: unknown }; message?: unknown } | null;
  if (!e || typeof e !== "object") return false;
  return e.code === "40P01" || e.meta?.code === "40P01" || /\b40P01\b/.test(String(e.message ?? ""));
}

/** No connection became free for an interactive transaction in time (P2028). */
export const isTransactionStartTimeout = (error: unknown): boolean =>
  prismaCode(error) === "P2028" || /Unable to start a transaction in the given time/.test(String((error as { message?: unknown } | null)?.message ?? ""));
