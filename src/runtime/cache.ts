/**
 * The informer cache: objects by `namespace/name`, with named indexes. Holds the objects as received;
 * callers must not mutate them (clone before changing).
 */
import type { KubeObject } from '../kube/object.js';

/** `namespace/name`, or `name` for cluster-scoped objects. The work-queue key format. */
export function objectKey(obj: { metadata: { namespace?: string | undefined; name?: string | undefined } }): string {
  const ns = obj.metadata.namespace;
  return ns ? `${ns}/${obj.metadata.name ?? ''}` : (obj.metadata.name ?? '');
}

/** Splits a key made by {@link objectKey}. */
export function parseKey(key: string): { namespace?: string; name: string } {
  const i = key.indexOf('/');
  return i < 0 ? { name: key } : { namespace: key.slice(0, i), name: key.slice(i + 1) };
}

/** Maps an object to the index values it is found under (e.g. the sources it references). */
export type IndexFunc = (obj: KubeObject) => string[];

/** See the module comment. */
export class Cache {
  private readonly items = new Map<string, KubeObject>();
  private readonly indexers = new Map<string, IndexFunc>();
  private readonly indexes = new Map<string, Map<string, Set<string>>>();

  /** Adds an index; existing objects are indexed at once. */
  addIndex(name: string, fn: IndexFunc): void {
    this.indexers.set(name, fn);
    const idx = new Map<string, Set<string>>();
    this.indexes.set(name, idx);
    for (const [key, obj] of this.items) this.indexOne(name, key, obj);
  }

  get size(): number {
    return this.items.size;
  }

  /** The object at a key (see {@link objectKey}). */
  getByKey(key: string): KubeObject | undefined {
    return this.items.get(key);
  }

  get(name: string, namespace?: string): KubeObject | undefined {
    return this.items.get(namespace ? `${namespace}/${name}` : name);
  }

  /** All objects, or those of one namespace. */
  list(namespace?: string): KubeObject[] {
    const all = [...this.items.values()];
    return namespace === undefined ? all : all.filter((o) => o.metadata.namespace === namespace);
  }

  keys(): string[] {
    return [...this.items.keys()];
  }

  /** Objects whose index function returned `value` for index `name`. */
  byIndex(name: string, value: string): KubeObject[] {
    const keys = this.indexes.get(name)?.get(value);
    if (!keys) return [];
    return [...keys].map((k) => this.items.get(k)).filter((o): o is KubeObject => o !== undefined);
  }

  /** Stores an object; returns the previous version. */
  upsert(obj: KubeObject): KubeObject | undefined {
    const key = objectKey(obj);
    const prev = this.items.get(key);
    if (prev) this.unindex(key, prev);
    this.items.set(key, obj);
    for (const name of this.indexers.keys()) this.indexOne(name, key, obj);
    return prev;
  }

  /** Removes an object; returns what was stored. */
  remove(key: string): KubeObject | undefined {
    const prev = this.items.get(key);
    if (!prev) return undefined;
    this.unindex(key, prev);
    this.items.delete(key);
    return prev;
  }

  private indexOne(name: string, key: string, obj: KubeObject): void {
    const fn = this.indexers.get(name);
    const idx = this.indexes.get(name);
    if (!fn || !idx) return;
    for (const v of fn(obj)) {
      let set = idx.get(v);
      if (!set) idx.set(v, (set = new Set()));
      set.add(key);
    }
  }

  private unindex(key: string, obj: KubeObject): void {
    for (const [name, fn] of this.indexers) {
      const idx = this.indexes.get(name);
      if (!idx) continue;
      for (const v of fn(obj)) {
        const set = idx.get(v);
        set?.delete(key);
        if (set?.size === 0) idx.delete(v);
      }
    }
  }
}
