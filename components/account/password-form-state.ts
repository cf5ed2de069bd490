// Shared by the change-password server action and its form (a "use server" module may only export
// async functions).
export type ChangePasswordState =
  | { status: "idle" }
  | { status: "error"; message: string; fieldErrors?: Record<string, string> }
  | { status: "changed"; next: string };
