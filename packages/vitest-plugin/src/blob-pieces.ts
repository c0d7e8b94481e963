import type { Reporter, Vitest } from 'vitest/node';

/**
 * The parts of Vitest's runner tasks (`File`, `Suite`, `Test` of `@vitest/runner`) that joining pieces
 * reads and writes; the blob reporter stores them as they are.
 */
interface Task {
  id: string;
  type: 'test' | 'suite';
  mode: string;
  tasks?: Task[];
  result?: TaskResult;
  logs?: unknown[];
  annotations?: unknown[];
  artifacts?: unknown[];
  meta?: Record<string, unknown>;
}
interface TaskResult {
  state?: string;
  duration?: number;
  startTime?: number;
  errors?: unknown[];
  hooks?: Record<string, unknown>;
}
interface FileTask extends Task {
  filepath: string;
  projectName?: string;
  meta?: { typecheck?: boolean } & Record<string, unknown>;
}

/**
 * `vitest --merge-reports` keeps one `File` per path and project (Vitest's `State.collectFiles`), and the
 * blobs of a split run hold one per piece: every piece but one would be lost, failures included. This
 * reporter, installed only when merging, joins the pieces of each file into one `File` before Vitest
 * replays them: it runs in `onInit`, after Vitest has read the blobs (`vitest.state.blobs`) and before it
 * reports their files, and edits that list in place.
 */
export class BlobPieceJoiner implements Reporter {
  onInit(vitest: Vitest): void {
    const files = (vitest as unknown as { state?: { blobs?: { files?: FileTask[] } } }).state?.blobs?.files;
    if (files) joinBlobPieces(files);
  }
}

/**
 * Joins the `File` tasks of one path, project and pool (the pieces of a split file) into the first of
 * them, in place: each test takes its result from the piece that ran it (the others skipped it by name),
 * each suite and the file take the worst state and the sum of the durations of the pieces that ran them.
 * The trees match by task id, which is the test's position in the file: the pieces of one run collected
 * the same file.
 */
export function joinBlobPieces(files: FileTask[]): void {
  const byKey = new Map<string, FileTask>();
  for (let i = 0; i < files.length; i++) {
    const file = files[i]!;
    const key = `${file.filepath}\u0000${file.projectName ?? ''}\u0000${file.meta?.typecheck ? 1 : 0}`;
    const first = byKey.get(key);
    if (!first) {
      byKey.set(key, file);
      continue;
    }
    joinTask(first, indexById(file));
    files.splice(i--, 1);
  }
}

function indexById(root: Task, into = new Map<string, Task>()): Map<string, Task> {
  into.set(root.id, root);
  for (const child of root.tasks ?? []) indexById(child, into);
  return into;
}

const RAN = (task: Task) => task.mode === 'run' || task.mode === 'only';
const RANK: Record<string, number> = { fail: 3, pass: 2, run: 1, skip: 0, todo: 0 };

function joinTask(target: Task, other: Map<string, Task>): void {
  const twin = other.get(target.id);
  if (twin) {
    if (target.type === 'test') {
      // A test ran in one piece: take everything that piece knows of it.
      if (RAN(twin) && !RAN(target)) {
        target.mode = twin.mode;
        target.result = twin.result;
        for (const field of ['logs', 'annotations', 'artifacts'] as const) {
          if (twin[field] !== undefined) target[field] = twin[field];
        }
      }
    } else if (RAN(twin)) {
      if (!RAN(target) || !target.result) {
        target.mode = twin.mode;
        target.result = twin.result;
      } else if (twin.result) {
        target.result = joinResults(target.result, twin.result);
      }
    }
  }
  for (const child of target.tasks ?? []) joinTask(child, other);
}

/** A suite (or file) run by two pieces: the worse state, both durations, every error and hook state. */
function joinResults(a: TaskResult, b: TaskResult): TaskResult {
  const joined: TaskResult = { ...a };
  if ((RANK[b.state ?? ''] ?? 0) > (RANK[a.state ?? ''] ?? 0)) joined.state = b.state;
  if (a.duration !== undefined || b.duration !== undefined)
    joined.duration = (a.duration ?? 0) + (b.duration ?? 0);
  if (a.startTime !== undefined && b.startTime !== undefined)
    joined.startTime = Math.min(a.startTime, b.startTime);
  const errors = [...(a.errors ?? []), ...(b.errors ?? [])];
  if (errors.length > 0) joined.errors = errors;
  if (a.hooks || b.hooks) joined.hooks = { ...b.hooks, ...a.hooks };
  return joined;
}
