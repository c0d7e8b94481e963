import type { Context } from '../context.js';
import type { CommandLine } from '../options.js';
export async function importCommand(_ctx: Context, _line: CommandLine): Promise<number> {
  return 0;
}
