// Shared between the rerun server action and its button (a "use server" module may only export
// async functions, so the result type lives here).
import type { CheckKindName } from "./check-format";

export type RerunChecksInput = { model: string; version: string; kind?: CheckKindName };

export type RerunChecksResult = { ok: true; message: string } | { ok: false; message: string };
