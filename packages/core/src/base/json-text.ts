// @internal: not exported from the package entry (index.ts); its shape may change in any release.
import { createRequire } from 'node:module';
import type * as Zod from 'zod';

let zod: typeof Zod | undefined;
/**
 * zod, loaded on first use: it costs more to load than `shard files` spends on everything else before
 * planning, and only invalid input (or a slow-path validation) needs it. Synchronous, so sync parsers can
 * call it; every core module gets the same instance from here.
 */
export function loadZod(): typeof Zod {
  return (zod ??= createRequire(import.meta.url)('zod') as typeof Zod);
}

/**
 * Parses JSON text, turning a syntax error into `line L, column C: <reason>`. Returns the error text
 * instead of throwing, so each caller picks its own error code and file name.
 */
export function parseJson(input: string): { ok: true; value: unknown } | { ok: false; error: string } {
  // A byte order mark (some Windows editors add one) is not JSON, but it is not an error either.
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const at = /position (\d+)/.exec(message);
    // Node 20's V8 leaves the position out of some messages ("Unexpected token '}', ... is not valid JSON"):
    // find it by scanning, so every syntax error says where it is.
    const position = at
      ? Number(at[1])
      : /end of (JSON|data)/i.test(message)
        ? text.length
        : syntaxErrorOffset(text);
    const reason = message
      .replace(/ (?:in JSON )?at position \d+.*$/s, '')
      .replace(/,? ".*" is not valid JSON$/s, '');
    if (position === undefined) return { ok: false, error: reason };
    const { line, column } = lineAndColumn(text, position);
    const truncated = position >= text.length ? ' (the file looks truncated)' : '';
    return { ok: false, error: `line ${line}, column ${column}: ${reason}${truncated}` };
  }
}

/**
 * The offset of the first character that makes `text` invalid JSON (RFC 8259), or `text.length` when it
 * ends too early; `undefined` if it is valid. Only called after JSON.parse failed, so speed is secondary.
 */
export function syntaxErrorOffset(text: string): number | undefined {
  let i = 0;
  const n = text.length;
  const ws = () => {
    while (i < n && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  const fail = (): never => {
    // The offset itself is thrown: a cheap non-local exit from the recursive descent, caught just below.
    // eslint-disable-next-line @typescript-eslint/only-throw-error
    throw i;
  };
  const literal = (word: string) => {
    for (const ch of word) {
      if (text[i] !== ch) fail();
      i++;
    }
  };
  const string = () => {
    i++; // opening quote
    for (;;) {
      if (i >= n) fail();
      const ch = text.charCodeAt(i);
      if (ch === 0x22) return void i++;
      if (ch < 0x20) fail();
      if (ch === 0x5c) {
        i++;
        const e = text[i];
        if (e === 'u') {
          for (let h = 1; h <= 4; h++) {
            if (!/[0-9A-Fa-f]/.test(text[i + h] ?? '')) {
              i += h;
              fail();
            }
          }
          i += 5;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i++;
        else fail();
      } else i++;
    }
  };
  const digits = () => {
    const start = i;
    while (i < n && text[i]! >= '0' && text[i]! <= '9') i++;
    if (i === start) fail();
  };
  const number = () => {
    if (text[i] === '-') i++;
    if (text[i] === '0') i++;
    else digits();
    if (text[i] === '.') {
      i++;
      digits();
    }
    if (text[i] === 'e' || text[i] === 'E') {
      i++;
      if (text[i] === '+' || text[i] === '-') i++;
      digits();
    }
  };
  const value = (): void => {
    ws();
    const ch = text[i];
    if (ch === '{') {
      i++;
      ws();
      if (text[i] === '}') return void i++;
      for (;;) {
        ws();
        if (text[i] !== '"') fail();
        string();
        ws();
        if (text[i] !== ':') fail();
        i++;
        value();
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === '}') return void i++;
        else fail();
      }
    } else if (ch === '[') {
      i++;
      ws();
      if (text[i] === ']') return void i++;
      for (;;) {
        value();
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === ']') return void i++;
        else fail();
      }
    } else if (ch === '"') string();
    else if (ch === 't') literal('true');
    else if (ch === 'f') literal('false');
    else if (ch === 'n') literal('null');
    else if (ch === '-' || (ch !== undefined && ch >= '0' && ch <= '9')) number();
    else fail();
  };
  try {
    value();
    ws();
    return i < n ? i : undefined;
  } catch (offset) {
    return Math.min(offset as number, n);
  }
}

function lineAndColumn(text: string, position: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = 0; i < position && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      start = i + 1;
    }
  }
  return { line, column: position - start + 1 };
}

/**
 * The first schema problem as `path: expected …, got …`, with object keys quoted when they are not plain
 * identifiers: `files."src/a.test.ts".durationMs: expected a non-negative integer, got -3`.
 */
export function describeIssue(
  error: Zod.ZodError,
  input: unknown,
  prefix: readonly PropertyKey[] = [],
): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid value';
  const path = [...prefix, ...issue.path];
  let got: unknown = input;
  for (const key of issue.path) {
    got =
      got !== null && typeof got === 'object' && Object.hasOwn(got, key)
        ? (got as Record<PropertyKey, unknown>)[key]
        : undefined;
  }
  const where = formatPath(path) || '(top level)';
  // JSON.stringify gives undefined only for a function or a symbol, which String prints well.
  // eslint-disable-next-line @typescript-eslint/no-base-to-string
  const shown = got === undefined ? 'nothing' : truncate(JSON.stringify(got) ?? String(got));
  // zod's own messages ("Invalid input: expected array, received undefined") are reworded to match ours;
  // what was received is shown as `got …` below.
  const own = issue.message
    .replace(/^(?:Invalid (?:input|option|type|value|key)|Too (?:small|big)): /, '')
    .replace(/, received [^,]+$/, '');
  const message = own.startsWith('expected') ? own : `expected ${own}`;
  return `${where}: ${message}, got ${shown}`;
}

export function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((key, i) => {
      if (typeof key === 'number') return `[${key}]`;
      const text = String(key);
      const plain = /^[A-Za-z_$][\w$]*$/.test(text) ? text : JSON.stringify(text);
      return i === 0 ? plain : `.${plain}`;
    })
    .join('')
    .replaceAll('.[', '[');
}

function truncate(text: string): string {
  return text.length > 60 ? text.slice(0, 57) + '...' : text;
}
