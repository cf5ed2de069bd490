// A handful of inline icons (no icon package, no CDN: the registry runs offline). Decorative by
// default; pass a title via the surrounding element when an icon carries meaning alone.
import type { SVGProps } from "react";

type IconProps = SVGProps<SVGSVGElement>;

function Icon({ children, ...props }: IconProps) {
  return (
    <svg viewBox="0 0 20 20" fill="none" stroke="currentColor" strokeWidth={1.6} strokeLinecap="round" strokeLinejoin="round" aria-hidden="true" focusable="false" {...props}>
      {children}
    </svg>
  );
}

export const CopyIcon = (p: IconProps) => (
  <Icon {...p}>
    <rect x="7" y="7" width="10" height="10" rx="2" />
    <path d="M13 7V5a2 2 0 0 0-2-2H5a2 2 0 0 0-2 2v6a2 2 0 0 0 2 2h2" />
  </Icon>
);
export const CheckIcon = (p: IconProps) => (
  <Icon {...p}>
    <path d="m4 10.5 4 4 8-9" />
  </Icon>
);
export const SearchIcon = (p: IconProps) => (
  <Icon {...p}>
    <circle cx="9" cy="9" r="5.5" />
    <path d="m13.5 13.5 3.5 3.5" />
  </Icon>
);
export const DownloadIcon = (p: IconProps) => (
  <Icon {...p}>
    <path d="M10 3v10m0 0-4-4m4 4 4-4M4 16h12" />
  </Icon>
);
export const ShieldCheckIcon = (p: IconProps) => (
  <Icon {...p}>
    <path d="M10 2.5 4 5v4.5c0 3.7 2.6 6.9 6 8 3.4-1.1 6-4.3 6-8V5l-6-2.5Z" />
    <path d="m7.5 10 2 2 3.5-4" />
  </Icon>
);
export const AlertIcon = (p: IconProps) => (
  <Icon {...p}>
    <path d="M10 3 2 17h16L10 3Z" />
    <path d="M10 8v4m0 2.5v.01" />
  </Icon>
);
export const InfoIcon = (p: IconProps) => (
  <Icon {...p}>
    <circle cx="10" cy="10" r="7.5" />
    <path d="M10 9v5m0-7.5v.01" />
  </Icon>
);
export const CubeIcon = (p: IconProps) => (
  <Icon {...p}>
    <path d="m10 2 7 4v8l-7 4-7-4V6l7-4Z" />
    <path d="m3 6 7 4 7-4M10 10v8" />
  </Icon>
);
export const ChevronRightIcon = (p: IconProps) => (
  <Icon {...p}>
    <path d="m8 5 5 5-5 5" />
  </Icon>
);
export const ChevronDownIcon = (p: IconProps) => (
  <Icon {...p}>
    <path d="m5 8 5 5 5-5" />
  </Icon>
);
export const KeyIcon = (p: IconProps) => (
  <Icon {...p}>
    <circle cx="7" cy="13" r="3.5" />
    <path d="m9.5 10.5 7-7M14 6l2 2" />
  </Icon>
);
export const LockIcon = (p: IconProps) => (
  <Icon {...p}>
    <rect x="4" y="9" width="12" height="8.5" rx="1.5" />
    <path d="M7 9V6.5a3 3 0 0 1 6 0V9" />
  </Icon>
);
export const FileIcon = (p: IconProps) => (
  <Icon {...p}>
    <path d="M11.5 2.5H6a1.5 1.5 0 0 0-1.5 1.5v12A1.5 1.5 0 0 0 6 17.5h8a1.5 1.5 0 0 0 1.5-1.5V6.5l-4-4Z" />
    <path d="M11.5 2.5v4h4" />
  </Icon>
);
export const TerminalIcon = (p: IconProps) => (
  <Icon {...p}>
    <rect x="2.5" y="3.5" width="15" height="13" rx="2" />
    <path d="m6 8 2.5 2L6 12m4.5 0H14" />
  </Icon>
);
export const ExternalIcon = (p: IconProps) => (
  <Icon {...p}>
    <path d="M11 3h6v6M17 3l-8 8M8 5H4.5A1.5 1.5 0 0 0 3 6.5v9A1.5 1.5 0 0 0 4.5 17h9a1.5 1.5 0 0 0 1.5-1.5V12" />
  </Icon>
);

// Status icons of the checks UI (a slightly heavier stroke: they sit inside small badges).
export const XCircleIcon = (p: IconProps) => (
  <Icon strokeWidth={1.8} {...p}>
    <circle cx="10" cy="10" r="7.5" />
    <path d="m7.5 7.5 5 5m0-5-5 5" />
  </Icon>
);
export const CheckCircleIcon = (p: IconProps) => (
  <Icon strokeWidth={1.8} {...p}>
    <circle cx="10" cy="10" r="7.5" />
    <path d="m6.8 10.3 2.2 2.2 4.2-4.6" />
  </Icon>
);
export const MinusCircleIcon = (p: IconProps) => (
  <Icon strokeWidth={1.8} {...p}>
    <circle cx="10" cy="10" r="7.5" />
    <path d="M6.5 10h7" />
  </Icon>
);
export const ClockIcon = (p: IconProps) => (
  <Icon strokeWidth={1.8} {...p}>
    <circle cx="10" cy="10" r="7.5" />
    <path d="M10 6v4.2l2.6 1.6" />
  </Icon>
);
export const SpinnerIcon = ({ className, ...p }: IconProps) => (
  <Icon strokeWidth={1.8} className={`motion-safe:animate-spin ${className ?? ""}`} {...p}>
    <path d="M10 2.5a7.5 7.5 0 1 1-7.5 7.5" />
  </Icon>
);
export const RefreshIcon = (p: IconProps) => (
  <Icon strokeWidth={1.8} {...p}>
    <path d="M16 10a6 6 0 1 1-1.8-4.3M16 3.5v3.2h-3.2" />
  </Icon>
);
export const MenuIcon = (p: IconProps) => (
  <Icon {...p}>
    <path d="M3 5.5h14M3 10h14M3 14.5h14" />
  </Icon>
);
export const CloseIcon = (p: IconProps) => (
  <Icon {...p}>
    <path d="m5 5 10 10M15 5 5 15" />
  </Icon>
);
