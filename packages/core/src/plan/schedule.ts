// @internal: not exported from the package entry (index.ts); its shape may change in any release.
/**
 * The mutable working state of the partitioner: which shard holds each file, and each shard's load.
 *
 * Files are identified by their *position* in the global order (duration descending, then path by code
 * units), so a smaller position is a longer file, and every tie is already broken. Each shard keeps its
 * members as positions in ascending order, i.e. longest first, which lets the local search binary-search
 * for a file of a given duration.
 */
export class Schedule {
  readonly k: number;
  /** Duration of the file at each position, non-increasing. */
  readonly t: Float64Array;
  readonly load: Float64Array;
  readonly members: number[][];
  /** Shard of each position, -1 while unassigned. */
  readonly where: Int32Array;

  /** Whether every duration is a whole number (see {@link Schedule.integral}), once asked. */
  #integral: boolean | undefined;

  constructor(t: Float64Array, k: number) {
    this.k = k;
    this.t = t;
    this.load = new Float64Array(k);
    this.members = Array.from({ length: k }, () => []);
    this.where = new Int32Array(t.length).fill(-1);
  }

  /**
   * Whether every duration is a whole number of ms (recorded durations always are; estimates and pieces
   * usually): then every load and every difference is whole too, which bounds what a swap can reach.
   */
  get integral(): boolean {
    if (this.#integral === undefined) {
      let whole = true;
      for (let pos = 0; pos < this.t.length && whole; pos++) whole = Number.isInteger(this.t[pos]);
      this.#integral = whole;
    }
    return this.#integral;
  }

  /** Appends a file; callers that add in position order keep `members` sorted for free. */
  append(pos: number, shard: number): void {
    this.members[shard]!.push(pos);
    this.where[pos] = shard;
    this.load[shard]! += this.t[pos]!;
  }

  /** Adds a file at its sorted place. */
  insert(pos: number, shard: number): void {
    const list = this.members[shard]!;
    list.splice(lowerIndex(list, pos), 0, pos);
    this.where[pos] = shard;
    this.load[shard]! += this.t[pos]!;
  }

  remove(pos: number): void {
    const shard = this.where[pos]!;
    const list = this.members[shard]!;
    list.splice(lowerIndex(list, pos), 1);
    this.where[pos] = -1;
    this.load[shard]! -= this.t[pos]!;
  }

  move(pos: number, to: number): void {
    this.remove(pos);
    this.insert(pos, to);
  }

  /** The most loaded shard (lowest index on ties) and how many shards share that load. */
  critical(): { shard: number; load: number; count: number } {
    let shard = 0;
    let count = 1;
    for (let s = 1; s < this.k; s++) {
      if (this.load[s]! > this.load[shard]!) {
        shard = s;
        count = 1;
      } else if (this.load[s] === this.load[shard]) count++;
    }
    return { shard, load: this.load[shard]!, count };
  }

  /**
   * Replaces the whole assignment (the iterated local search returning to its best plan).
   * Filled in position order, so every shard's list stays sorted. Built with push, not preallocated: a
   * preallocated array is "holey" in V8, and splice on a holey array takes a slow path.
   */
  restore(where: Int32Array): void {
    for (let x = 0; x < this.k; x++) this.members[x] = [];
    this.load.fill(0);
    for (let pos = 0; pos < where.length; pos++) this.append(pos, where[pos]!);
  }
}

/** Index of the first element ≥ `value` in an ascending list. */
export function lowerIndex(list: readonly number[], value: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
