// Shapes shared by the user-management server actions and their client components (a "use server"
// module may only export async functions).
export type UserChange = { id: string; role?: string; disabled?: boolean; resetPassword?: boolean };
export type UserChangeResult = { ok: boolean; message: string; temporaryPassword?: string };
export type CreateUserState = { status: "idle" } | { status: "error"; message: string; fieldErrors?: Record<string, string> } | { status: "created"; email: string };
