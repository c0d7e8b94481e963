import type { z } from 'zod';

/**
 * Parses JSON text, turning a syntax error into `line L, column C: <reason>`. Returns the error text
 * instead of throwing, so each caller picks its own error code and file name.
 */
export function parseJson(text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const at = /position (\d+)/.exec(message);
    const position = at ? Number(at[1]) : /end of (JSON|data)/i.test(message) ? text.length : undefined;
    const reason = message
      .replace(/ in JSON at position \d+.*$/s, '')
      .replace(/,? ".*" is not valid JSON$/s, '');
    if (position === undefined) return { ok: false, error: reason };
    const { line, column } = lineAndColumn(text, position);
    const truncated = position >= text.length ? ' (the file looks truncated)' : '';
    return { ok: false, error: `line ${line}, column ${column}: ${reason}${truncated}` };
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
  error: z.ZodError,
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
  const shown = got === undefined ? 'nothing' : truncate(JSON.stringify(got) ?? String(got));
  const message = issue.message.startsWith('expected') ? issue.message : `expected ${issue.message}`;
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
