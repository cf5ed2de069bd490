// The time fields of the GET forms (audit, decisions, bulk replays) are `datetime-local` inputs read
// as UTC. One reading of what was typed for every page, so "From" means the same instant everywhere.
import { z } from "zod";

const isoInstant = z.iso.datetime({ offset: true });

/** A `datetime-local` value, a date, or an ISO instant with an offset, as the ISO instant the services take. */
export function utcInstant(value: string | undefined): { iso?: string; invalid: boolean } {
  if (!value) return { invalid: false };
  const local = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(value);
  const date = /^\d{4}-\d{2}-\d{2}$/.test(value);
  const iso = local ? `${value}${value.length === 16 ? ":00" : ""}Z` : date ? `${value}T00:00:00Z` : value;
  return isoInstant.safeParse(iso).success && !Number.isNaN(Date.parse(iso)) ? { iso, invalid: false } : { invalid: true };
}

/** An ISO instant as the `datetime-local` value (UTC, to the minute, seconds when they are not zero) that reads back as it. */
export function datetimeLocal(iso: string | undefined): string | undefined {
  if (!iso) return undefined;
  const t = new Date(iso);
  if (Number.isNaN(t.getTime())) return undefined;
  const s = t.toISOString();
  return s.slice(17, 23) === "00.000" ? s.slice(0, 16) : s.slice(0, 19);
}
