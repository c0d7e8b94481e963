#!/usr/bin/env node
import { main } from './main.js';

const code = await main(process.argv.slice(2));
// Also the code of a natural exit, should a stream never call back (one already closed by its reader).
process.exitCode = code;
// Everything main started has finished; what is left is tearing down a heap that can hold a 100,000-file
// store (about 15 ms of every `shard files`). Exit as soon as stdout and stderr have taken all that was
// written to them: a pipe may be asynchronous, and a write's callback runs after every earlier write.
let open = 2;
const flushed = () => {
  if (--open === 0) process.exit(code);
};
process.stdout.write('', flushed);
process.stderr.write('', flushed);
