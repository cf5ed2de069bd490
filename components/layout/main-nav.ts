// The sections in the top bar, shared by the desktop nav and the phone menu so they never disagree.
// A section with `requires` is shown only to those the permission table allows it (the shell filters).
import type { Action } from "@/lib/auth/permissions";

export type NavMatch = "exact" | "prefix" | string[];

export type NavItem = { href: string; label: string; match: NavMatch; requires?: Action };

export const mainNav: NavItem[] = [
  { href: "/", label: "Models", match: ["/", "/models"] },
  { href: "/reviews", label: "Reviews", match: "prefix" },
  { href: "/decisions", label: "Decisions", match: "prefix", requires: "decisions.read" },
  { href: "/audit", label: "Audit", match: "prefix" },
  { href: "/api-docs", label: "API reference", match: "prefix" },
  { href: "/settings/tokens", label: "Settings", match: ["/settings"] },
];

export function isActive(pathname: string, match: NavMatch, href: string): boolean {
  if (match === "exact") return pathname === href;
  if (match === "prefix") return pathname === href || pathname.startsWith(`${href}/`);
  return match.some((p) => pathname === p || pathname.startsWith(`${p}/`));
}
