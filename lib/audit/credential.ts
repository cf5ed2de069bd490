// How an audit event names the credential that acted. Token lineage (mintedBy) and Idempotency-Key
// scopes use the same names, so one credential reads the same everywhere.

/**
 * The credential that acted, as recorded on audit events: `token:<id>`, `session:<id>`,
 * `bootstrap`, `cli` (direct CLI commands), or null (system actions, and sessions from before sessions had ids).
 */
export function credentialOf(actor: { type: string; id?: string; tokenId?: string; sessionId?: string }): string | null {
  if (actor.tokenId) return `token:${actor.tokenId}`;
  if (actor.sessionId) return `session:${actor.sessionId}`;
  if (actor.type === "bootstrap") return actor.id === "cli" ? "cli" : "bootstrap";
  return null;
}
