// Where to send someone after signing in (or changing a password): only a path on this registry.

/**
 * The value is resolved with the URL API against a placeholder origin and must stay on it; control
 * characters (a tab or newline that a browser strips, turning "/\t/evil.example" into
 * "//evil.example"), backslashes and protocol-relative forms are refused outright. Anything else
 * becomes "/".
 */
export function safeCallbackPath(value: string | string[] | undefined): string {
  const raw = Array.isArray(value) ? value[0] : value;
  if (!raw || raw.length > 2000 || !raw.startsWith("/")) return "/";
  if (/[\u0000-\u001f\u007f\\]/.test(raw) || raw.startsWith("//")) return "/";
  const origin = "http://registry.invalid";
  let url: URL;
  try {
    url = new URL(raw, origin);
  } catch {
    return "/";
  }
  if (url.origin !== origin) return "/";
  return url.pathname + url.search + url.hash;
}
