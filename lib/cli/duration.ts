// "30d", "12h", "90m", "2w" → milliseconds, for `token create --expires-in`.
import { UsageError } from "./errors.ts";

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000, y: 365 * 86_400_000 };

export function parseDuration(text: string): number {
  const match = /^(\d+)\s*([smhdwy])$/i.exec(text.trim());
  if (!match) throw new UsageError(`'${text}' is not a duration: use a number and a unit, e.g. 30d, 12h, 2w, 1y`);
  const ms = Number(match[1]) * UNIT_MS[match[2]!.toLowerCase()]!;
  if (ms <= 0) throw new UsageError(`the duration '${text}' must be positive`);
  return ms;
}
