import type { Metadata } from "next";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Model Registry", template: "%s · Model Registry" },
  description: "Immutable, checked, gated ML model versions",
};

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-screen bg-slate-50 font-sans text-slate-900 antialiased dark:bg-slate-950 dark:text-slate-100">{children}</body>
    </html>
  );
}
