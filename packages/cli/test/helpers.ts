import { execFile } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CliIo } from '../src/io.js';
import { main } from '../src/main.js';

export const BIN = fileURLToPath(new URL('../dist/bin.js', import.meta.url));

const created: string[] = [];

/** Removes the directories made by {@link tempDir} (each test file calls it from `afterAll`). */
export async function removeTempDirs(): Promise<void> {
  await Promise.all(created.splice(0).map((dir) => fs.rm(dir, { recursive: true, force: true })));
}

/** A fresh temp directory with the given files (path → content); {@link removeTempDirs} deletes it. */
export async function tempDir(files: Record<string, string> = {}): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'shardwise-cli-'));
  created.push(dir);
  for (const [file, content] of Object.entries(files)) {
    await fs.mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await fs.writeFile(path.join(dir, file), content);
  }
  return dir;
}

export interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `main` in-process with fake streams. */
export async function runMain(
  argv: string[],
  options: { cwd?: string; env?: Record<string, string>; stdin?: string } = {},
): Promise<Result> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    readStdin: () => Promise.resolve(options.stdin ?? ''),
    env: options.env ?? {},
    cwd: options.cwd ?? process.cwd(),
  };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

/** Spawns the built bin as a user would: `node dist/bin.js …`, with a clean environment. */
export function runBin(
  args: string[],
  options: { cwd?: string; env?: Record<string, string>; input?: string } = {},
): Promise<Result> {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: build first (npx tsc -b packages/cli)`);
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [BIN, ...args],
      {
        cwd: options.cwd,
        // No CI variables of the machine running the tests leak in.
        env: { PATH: process.env['PATH'] ?? '', ...options.env },
        maxBuffer: 64 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
    if (options.input !== undefined) child.stdin!.end(options.input);
    else child.stdin!.end();
  });
}

/** A store text with the given durations. */
export function storeText(durations: Record<string, number>): string {
  const files: Record<string, { durationMs: number; samples: number }> = {};
  for (const [file, ms] of Object.entries(durations)) {
    Object.defineProperty(files, file, { value: { durationMs: ms, samples: 1 }, enumerable: true });
  }
  return JSON.stringify({ version: 1, files });
}
