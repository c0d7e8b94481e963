// @internal: not exported from the package entry (index.ts); its shape may change in any release.
import type { FileTiming } from './records.js';

/**
 * A parsed store's entries: a `Map` that reads the parsed JSON object itself until its first write, and
 * only then copies the entries into the map. `shard files` reads a store and never writes it: copying
 * 100,000 entries into a map would cost it a twentieth of its run, and the object is already there.
 * Reads by key (`get`, `has`) use the object's own properties (never its prototype: `__proto__` is an
 * ordinary key); `size`, `forEach` and {@link StoreEntries.inStoreOrder} (the partitioner's one pass, in
 * the store's order) need no copy.
 * Everything else (a write, an iterator) makes it an ordinary map first.
 */
export class StoreEntries extends Map<string, FileTiming> {
  /** The keys in the store's order, until the map is filled. */
  #keys: readonly string[] | undefined;
  /** The entry of each key, in the same order. */
  #values: readonly FileTiming[] | undefined;
  /** The parsed entries by key (validated), until the map is filled. */
  #record: Readonly<Record<string, FileTiming>> | undefined;

  /** `record[keys[i]]` is `values[i]`, for every i, and `keys` are all of the record's own keys. */
  constructor(
    keys: readonly string[],
    values: readonly FileTiming[],
    record: Readonly<Record<string, FileTiming>>,
  ) {
    super();
    this.#keys = keys;
    this.#values = values;
    this.#record = record;
  }

  /**
   * The keys and their entries as two arrays in the store's order, while the map is unfilled (else
   * `undefined`): the partitioner's one pass over a 100,000-entry store, with no call per entry.
   */
  inStoreOrder(): { keys: readonly string[]; values: readonly FileTiming[] } | undefined {
    return this.#keys === undefined ? undefined : { keys: this.#keys, values: this.#values! };
  }

  override get size(): number {
    return this.#keys === undefined ? super.size : this.#keys.length;
  }

  override get(key: string): FileTiming | undefined {
    const record = this.#record;
    if (record === undefined) return super.get(key);
    return Object.hasOwn(record, key) ? record[key] : undefined;
  }

  override has(key: string): boolean {
    const record = this.#record;
    return record === undefined ? super.has(key) : Object.hasOwn(record, key);
  }

  override forEach(
    callback: (value: FileTiming, key: string, map: Map<string, FileTiming>) => void,
    thisArg?: unknown,
  ): void {
    const keys = this.#keys;
    if (keys === undefined) return super.forEach(callback, thisArg);
    const values = this.#values!;
    for (let i = 0; i < keys.length; i++) callback.call(thisArg, values[i]!, keys[i]!, this);
  }

  override set(key: string, value: FileTiming): this {
    this.#fill();
    return super.set(key, value);
  }

  override delete(key: string): boolean {
    this.#fill();
    return super.delete(key);
  }

  override clear(): void {
    this.#keys = this.#values = this.#record = undefined;
    super.clear();
  }

  override keys(): MapIterator<string> {
    this.#fill();
    return super.keys();
  }

  override values(): MapIterator<FileTiming> {
    this.#fill();
    return super.values();
  }

  override entries(): MapIterator<[string, FileTiming]> {
    this.#fill();
    return super.entries();
  }

  override [Symbol.iterator](): MapIterator<[string, FileTiming]> {
    this.#fill();
    return super[Symbol.iterator]();
  }

  /** Copies the entries into the map, in the store's order, once. */
  #fill(): void {
    const keys = this.#keys;
    if (keys === undefined) return;
    const values = this.#values!;
    this.#keys = this.#values = this.#record = undefined;
    for (let i = 0; i < keys.length; i++) super.set(keys[i]!, values[i]!);
  }
}
