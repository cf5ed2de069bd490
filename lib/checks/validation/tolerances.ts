// Default test-vector tolerances: a version whose test vectors set no atol/rtol is held to these by
// the validation check, and its replayed decisions are compared with them (lib/decisions).
export const DEFAULT_ATOL = 1e-5;
export const DEFAULT_RTOL = 1e-4;
