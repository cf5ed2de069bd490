// Two icons the promotion UI needs beyond components/ui/icons.tsx (kept here so the shared icon
// file stays the ui work's); re-exports the shared ones it uses.
import type { SVGProps } from "react";
export { CubeIcon, MinusCircleIcon, ShieldCheckIcon } from "../ui/icons";

type IconProps = SVGProps<SVGSVGElement>;

export const ArrowPathIcon = (p: IconProps) => (
  <svg viewBox="0 0 20 20" fill="none" stroke="currentColor" strokeWidth={1.8} strokeLinecap="round" strokeLinejoin="round" aria-hidden="true" focusable="false" {...p}>
    <path d="M4 10a6 6 0 0 1 10.2-4.3L16 7.5M16 3.5v4h-4M16 10a6 6 0 0 1-10.2 4.3L4 12.5M4 16.5v-4h4" />
  </svg>
);

export const TagIcon = (p: IconProps) => (
  <svg viewBox="0 0 20 20" fill="none" stroke="currentColor" strokeWidth={1.8} strokeLinecap="round" strokeLinejoin="round" aria-hidden="true" focusable="false" {...p}>
    <path d="M3 3h6.5l7.5 7.5-6.5 6.5L3 9.5V3Z" />
    <circle cx="6.5" cy="6.5" r="1" />
  </svg>
);
