import { describe, expect, it } from 'vitest';
import { splitLines } from '../src/inputs.js';

describe('splitLines: one path per line', () => {
  it.each([
    ['a list ending in a newline', 'a.test.ts\nb.test.ts\n', ['a.test.ts', 'b.test.ts']],
    ['a list with no final newline', 'a.test.ts\nb.test.ts', ['a.test.ts', 'b.test.ts']],
    ['CRLF line ends', 'a.test.ts\r\nb.test.ts\r\n', ['a.test.ts', 'b.test.ts']],
    ['blank lines anywhere', '\na.test.ts\n\n\nb.test.ts\n\n', ['a.test.ts', 'b.test.ts']],
    ['a line of spaces only', 'a.test.ts\n   \nb.test.ts\n', ['a.test.ts', 'b.test.ts']],
    [
      'spaces around a path, kept (they can be real)',
      ' a.test.ts\nb.test.ts \n',
      [' a.test.ts', 'b.test.ts '],
    ],
    ['spaces and emoji inside a path', 'my dir/🙂 a.test.ts\n', ['my dir/🙂 a.test.ts']],
    ['__proto__ as a file name', '__proto__\n', ['__proto__']],
    ['nothing', '', []],
    ['one newline', '\n', []],
  ])('%s', (_, text, files) => {
    expect(splitLines(text)).toEqual(files);
  });

  it.each([
    ['a NUL byte', 'a.test.ts\nb\u0000c\n', 'line 2 holds a NUL byte'],
    ['bytes that are not UTF-8', 'a\n\n\ufffd\n', 'line 3 holds bytes that are not UTF-8'],
    ['a control character', '\u0007a.test.ts\n', 'line 1 holds a control character'],
  ])('refuses %s, naming the line', (_, text, message) => {
    expect(() => splitLines(text, 'list.txt')).toThrow(
      expect.objectContaining({
        code: 'FILE_LIST_INVALID',
        message: expect.stringContaining(`list.txt: ${message}`) as string,
      }),
    );
  });
});
