/**
 * The queue's address: `redis://` or `rediss://` (TLS), with the password from the URL or from
 * `SHARDWISE_QUEUE_PASSWORD`. The password is never printed: every message this mode writes goes through
 * {@link redact}.
 */
import { ShardwiseError } from '../base/errors.js';

/** A parsed queue address. */
export interface QueueAddress {
  /** The URL to connect to, password included. */
  url: string;
  /** True for `rediss://`: TLS to the server. */
  tls: boolean;
  /** The password (from the URL or `SHARDWISE_QUEUE_PASSWORD`), to pass apart and to redact. */
  password?: string;
  /** The URL with the password replaced by `***`, for messages. */
  display: string;
}

/**
 * Parses `SHARDWISE_QUEUE` (or `--queue URL`): `redis://[user[:password]@]host[:port][/db]` or `rediss://…`.
 * Anything else is an input error that shows the address redacted.
 *
 * @example
 * parseQueueUrl('redis://:s3cret@localhost:6379/0').display; // 'redis://:***@localhost:6379/0'
 */
export function parseQueueUrl(text: string, envPassword?: string): QueueAddress {
  let parsed: URL | undefined;
  try {
    parsed = new URL(text);
  } catch {
    parsed = undefined;
  }
  const password =
    parsed && parsed.password !== ''
      ? decodeURIComponent(parsed.password)
      : envPassword === undefined || envPassword === ''
        ? undefined
        : envPassword;
  const secrets = [password, parsed?.password].filter((s): s is string => Boolean(s));
  if (!parsed || (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') || parsed.hostname === '') {
    throw new ShardwiseError(
      'INVALID_OPTION',
      `SHARDWISE_QUEUE="${redact(text, secrets)}": expected redis://host:port or rediss://host:port (TLS), e.g. redis://localhost:6379`,
    );
  }
  const display = new URL(parsed.href);
  if (display.password !== '') display.password = '***';
  return {
    url: parsed.href,
    tls: parsed.protocol === 'rediss:',
    ...(password === undefined ? {} : { password }),
    display: display.href,
  };
}

/**
 * Replaces every secret in a message by `***`, the raw and the URL-encoded form: a client's error text can
 * quote the URL it was given.
 */
export function redact(message: string, secrets: readonly (string | undefined)[]): string {
  let out = message;
  for (const secret of secrets) {
    if (!secret) continue;
    for (const form of new Set([secret, encodeURIComponent(secret)])) out = out.split(form).join('***');
  }
  return out;
}
