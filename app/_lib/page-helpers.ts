// Small server-side helpers shared by pages: mapping service errors to Next's 404 / redirects, and
// the URL people reach this registry at (for copy-paste commands).
import { headers } from "next/headers";
import { notFound, redirect } from "next/navigation";
import { z } from "zod";
import { AppError } from "@/lib/errors/app-error";
import type { Services } from "@/lib/server/services";

/** A not_found AppError from a service becomes Next's not-found page; anything else propagates to error.tsx. */
export async function orNotFound<T>(promise: Promise<T>): Promise<T> {
  try {
    return await promise;
  } catch (error) {
    if (error instanceof AppError && error.kind === "not_found") notFound();
    throw error;
  }
}

/** A stale or hand-edited ?cursor= answers 400 from the service; send the person to the first page instead. */
export async function orFirstPage<T>(promise: Promise<T>, firstPageHref: string): Promise<T> {
  try {
    return await promise;
  } catch (error) {
    if (error instanceof AppError && error.code === "invalid_cursor") redirect(firstPageHref);
    throw error;
  }
}

const single = z.preprocess((v) => (Array.isArray(v) ? v[0] : v), z.string().max(1000).optional().catch(undefined));

export const listSearchParams = z.object({ cursor: single, q: single });

export type SearchParams = Promise<Record<string, string | string[] | undefined>>;

/** The registry's base URL as the browser sees it: PUBLIC_URL when configured, else the request's origin. */
export async function registryUrl(services: Services): Promise<string> {
  if (services.config.publicUrl) return services.config.publicUrl.replace(/\/$/, "");
  const h = await headers();
  const proto = (h.get("x-forwarded-proto") ?? "http").split(",")[0]!.trim();
  const host = h.get("x-forwarded-host") ?? h.get("host") ?? "localhost:3000";
  return `${proto}://${host}`;
}


/** A dynamic route segment as text (Next may hand it over still percent-encoded). */
export function routeSegment(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
