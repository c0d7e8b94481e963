/**
 * Stable error codes. A `ShardwiseError` is a *user* error: the message is one line that says what is wrong,
 * where, and how to fix it, and front ends print it without a stack trace and exit with code 2.
 */
export type ShardwiseErrorCode =
  | 'INVALID_SHARD'
  | 'INVALID_OPTION'
  | 'STORE_SYNTAX'
  | 'STORE_SCHEMA'
  | 'STORE_IO'
  | 'REPORT_SYNTAX'
  | 'REPORT_SCHEMA'
  | 'REPORT_IO'
  | 'XML_UNSAFE';

/** A user-facing error with a stable `code`. Its message is meant to be shown as it is. */
export class ShardwiseError extends Error {
  readonly code: ShardwiseErrorCode;

  constructor(code: ShardwiseErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ShardwiseError';
    this.code = code;
  }
}

/** True for errors whose message is meant for the user as it is (no stack trace). */
export function isShardwiseError(error: unknown): error is ShardwiseError {
  return error instanceof ShardwiseError;
}
