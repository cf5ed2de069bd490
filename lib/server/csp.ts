// The Content-Security-Policy of the registry's pages. Scripts run only with the per-request nonce
// (Next puts it on its own scripts when it finds it in the request's policy), so an injected
// <script> — say, from a model card that slipped past the sanitizer — does not run. Styles allow
// inline attributes: React's style props and Tailwind need them, and styles cannot run code.
export function pageContentSecurityPolicy(nonce: string, { dev = false }: { dev?: boolean } = {}): string {
  return [
    "default-src 'self'",
    // 'strict-dynamic': scripts the nonced ones load are trusted too; 'unsafe-eval' only for React's dev tooling.
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    // Model cards may show images from the version's own files (served by this registry), nothing else.
    "img-src 'self' data: blob:",
    "font-src 'self'",
    `connect-src 'self'${dev ? " ws: wss:" : ""}`,
    "frame-ancestors 'none'",
    "form-action 'self'",
    "base-uri 'none'",
    "object-src 'none'",
  ].join("; ");
}

/** A fresh nonce: 128 random bits, base64. */
export function createNonce(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
}
