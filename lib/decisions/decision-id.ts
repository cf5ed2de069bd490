// Decision ids are UUIDv7 (RFC 9562): the first 48 bits are the decision's time in Unix milliseconds.
// A decision's id therefore sorts by its time, a time range is an id range (one index range scan on
// (model, id)), and new rows land at the right edge of the ledger's indexes instead of at random pages.
import { v7 as uuidv7 } from "uuid";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A new decision id carrying `at` (ms precision) in its time prefix; monotonic within the process. */
export function newDecisionId(at: Date): string {
  return uuidv7({ msecs: at.getTime() });
}

/** The time a UUIDv7 carries, or undefined for any other UUID. */
export function timeOfDecisionId(id: string): Date | undefined {
  if (!UUID.test(id) || id[14] !== "7") return undefined;
  return new Date(parseInt(id.slice(0, 8) + id.slice(9, 13), 16));
}

/** The smallest UUID whose time prefix is `at`: ids of decisions at or after `at` are >= it. */
export function lowestIdAt(at: Date): string {
  const ms = Math.max(0, Math.min(2 ** 48 - 1, Math.floor(at.getTime())));
  const hex = ms.toString(16).padStart(12, "0");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-0000-0000-000000000000`;
}
