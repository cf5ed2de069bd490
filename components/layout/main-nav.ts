// The sections in the top bar, shared by the desktop nav and the phone menu so they never disagree.
export type NavMatch = "exact" | "prefix" | string[];

export const mainNav: { href: string; label: string; match: NavMatch }[] = [
  { href: "/", label: "Models", match: ["/", "/models"] },
  { href: "/reviews", label: "Reviews", match: "prefix" },
  { href: "/audit", label: "Audit", match: "prefix" },
  { href: "/api-docs", label: "API reference", match: "prefix" },
  { href: "/settings/tokens", label: "Settings", match: ["/settings"] },
];

export function isActive(pathname: string, match: NavMatch, href: string): boolean {
  if (match === "exact") return pathname === href;
  if (match === "prefix") return pathname === href || pathname.startsWith(`${href}/`);
  return match.some((p) => pathname === p || pathname.startsWith(`${p}/`));
}
