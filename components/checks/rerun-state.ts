// Shared between the rerun server action and its button (a "use server" module may only export
// async functions, so the result type lives here).
import type { CheckKind } from "@/lib/checks/types";

export type RerunChecksInput = { model: string; version: string; kind?: CheckKind };

export type RerunChecksResult = { ok: true; message: string } | { ok: false; message: string };
