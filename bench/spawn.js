// What the benchmarks that spawn real runners share.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

/** The median of numbers. */
export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Runs a Node script in `dir` with no colour and none of the caller's runner or shardwise settings (plus
 * `env`); resolves with its wall time in ms, rejects with its stderr when it exits non-zero.
 */
export function spawnNode(dir, file, args, env = {}) {
  const clean = { ...process.env, NO_COLOR: '1', CI: 'true' };
  for (const key of Object.keys(clean)) if (/^(VITEST|JEST|SHARDWISE_)/.test(key)) delete clean[key];
  Object.assign(clean, env);
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [file, ...args], {
      cwd: dir,
      env: clean,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`${path.basename(file)} ${args.join(' ')} exited ${code}\n${stderr}`));
      else resolve(performance.now() - started);
    });
  });
}
