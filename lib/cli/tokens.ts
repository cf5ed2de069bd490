// `token create | list | revoke` through the REST API, with the caller's own token. The new token
// is returned once by the server; main.ts prints it alone on stdout so `$(…)` captures it.
import type { ApiTokenView } from "../auth/tokens.ts";
import type { Scope } from "../auth/roles.ts";
import type { RegistryClient } from "./http-client.ts";

export type CreatedToken = ApiTokenView & { token: string };

export type CreateTokenOptions = {
  client: RegistryClient;
  name: string;
  scopes: Scope[];
  expiresAt?: Date;
  /** Admins only: the token belongs to this user instead of the caller. */
  userEmail?: string;
};

export async function createToken({ client, name, scopes, expiresAt, userEmail }: CreateTokenOptions): Promise<CreatedToken> {
  return client.requestJson<CreatedToken>("POST", "/api/v1/tokens", {
    json: { name, scopes, ...(expiresAt ? { expiresAt: expiresAt.toISOString() } : {}), ...(userEmail ? { userEmail } : {}) },
  });
}

/** Every page: a listing of tokens is small, and a partial one would hide tokens that should be revoked. */
export async function listTokens({ client }: { client: RegistryClient }): Promise<ApiTokenView[]> {
  const tokens: ApiTokenView[] = [];
  let cursor: string | null | undefined;
  do {
    const query = new URLSearchParams({ limit: "100", ...(cursor ? { cursor } : {}) });
    const page = await client.requestJson<{ items: ApiTokenView[]; nextCursor: string | null }>("GET", `/api/v1/tokens?${query}`);
    tokens.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return tokens;
}

export async function revokeToken({ client, id }: { client: RegistryClient; id: string }): Promise<ApiTokenView> {
  return client.requestJson<ApiTokenView>("DELETE", `/api/v1/tokens/${encodeURIComponent(id)}`);
}
