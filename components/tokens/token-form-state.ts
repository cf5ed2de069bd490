// Shapes shared by the token server actions and the client form (a "use server" file may only
// export async functions, so they live here).
import type { Scope } from "@/lib/auth/roles";

export const expiryChoices = [
  { value: "7", label: "7 days", days: 7 },
  { value: "30", label: "30 days", days: 30 },
  { value: "90", label: "90 days", days: 90 },
  { value: "365", label: "1 year", days: 365 },
  { value: "never", label: "No expiry", days: undefined },
] as const;

export type CreateTokenState =
  | { status: "idle" }
  | { status: "error"; message: string; fieldErrors?: Record<string, string> }
  | { status: "created"; token: string; name: string; scopes: Scope[]; expiresAt: string | null };

export type RevokeTokenState = { ok: true } | { ok: false; message: string };
