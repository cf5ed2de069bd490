// The error of running a model, apart from the runtime: code that only needs to recognise it (the
// predict and replay paths) imports this file without loading onnxruntime's native library.

/** A problem with the model or the rows given to it, worded for the person reviewing the version. */
export class ModelRunError extends Error {
  override name = "ModelRunError";
  constructor(
    message: string,
    /** Stable, machine-readable kind of problem; checks use it as their finding code. */
    readonly code: ModelErrorCode = "run_failed",
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export type ModelErrorCode =
  | "invalid_onnx"
  | "runtime_cannot_load"
  | "external_data"
  | "non_tensor_output"
  | "input_mismatch"
  | "output_mismatch"
  | "bad_input_value"
  | "run_failed"
  | "session_released";
