import { ShardwiseError } from '@shardwise/core/planning';

/** Where a command writes: `process.stdout` / `process.stderr`, or a collector in tests. */
export interface OutputStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/**
 * Everything the CLI takes from its process: streams, environment and working directory. `main` receives it
 * as a parameter so tests run commands in-process with fake streams and a fake environment.
 */
export interface CliIo {
  stdout: OutputStream;
  stderr: OutputStream;
  /** Reads all of standard input (for `--files-from -`). */
  readStdin(): Promise<string>;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
}

let pipeGuarded = false;

/** The real process. */
export function processIo(): CliIo {
  if (!pipeGuarded) {
    pipeGuarded = true;
    // The reader went away (`shard files | head -1`): stop quietly, as Unix filters do, instead of an
    // unhandled EPIPE with a stack trace.
    process.stdout.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(0);
      throw error;
    });
  }
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    readStdin: () => readStream(process.stdin),
    env: process.env,
    cwd: process.cwd(),
  };
}

async function readStream(stream: NodeJS.ReadableStream): Promise<string> {
  if ((stream as { isTTY?: boolean }).isTTY) {
    throw new ShardwiseError(
      'FILE_LIST_INVALID',
      '--files-from -: standard input is a terminal; pipe a list into it (e.g. `npx jest --listTests | shard files --files-from - --shard 1/4`)',
    );
  }
  stream.setEncoding('utf8');
  let text = '';
  for await (const chunk of stream) text += chunk as string;
  return text;
}
