/**
 * Storage of the local cluster: every object as JSON text in SQLite (better-sqlite3, WAL), a global
 * resourceVersion sequence and a change log that watches replay from. An in-memory index mirrors the
 * `objects` table so reads never touch SQLite.
 *
 * Durability: WAL with `synchronous=NORMAL` — a committed transaction is in the WAL file before `commit()`
 * returns, so it survives `kill -9` of the process (not a power loss of the machine). Each `commit()` is one
 * transaction: a batch is all-or-nothing.
 */
import Database from 'better-sqlite3';
import type { KubeObject } from '../kube/object.js';

/** The kind of a change, as watch events name them. */
export type ChangeType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** One stored object: its resourceVersion, its JSON text and (for selectors) its labels. */
export interface StoredEntry {
  rv: number;
  json: string;
  ns: string;
  name: string;
  labels: Record<string, string> | undefined;
}

/** One entry of the change log. `rkey` is the storage key of the resource (`apps/deployments`). */
export interface ChangeEvent {
  rv: number;
  rkey: string;
  ns: string;
  name: string;
  type: ChangeType;
  json: string;
  labels: Record<string, string> | undefined;
}

/** One write of a batch. `obj` is the full new object for puts; for deletes, the last state to report. */
export interface StoreWrite {
  rkey: string;
  ns: string;
  name: string;
  type: ChangeType;
  obj: KubeObject;
}

/** Options of {@link ObjectStore}. */
export interface ObjectStoreOptions {
  /** SQLite file; undefined for an in-memory database. */
  path?: string;
  /** How many change-log entries watches can replay (older resourceVersions get 410 Gone). Default 20,000. */
  retainEvents?: number;
}


/** The object store: see the module comment. Not safe for use from several processes. */
export class ObjectStore {
  private readonly db: Database.Database;
  /** rkey → namespace → name → entry. */
  private readonly byResource = new Map<string, Map<string, Map<string, StoredEntry>>>();
  /** Sorted names per `rkey\0ns`, rebuilt lazily after an insert or delete. */
  private readonly sortedNames = new Map<string, string[]>();
  /** Sorted namespaces per rkey. */
  private readonly sortedNs = new Map<string, string[]>();
  private readonly log: ChangeEvent[] = [];
  private readonly retain: number;
  private readonly subscribers = new Set<(ev: ChangeEvent) => void>();
  private rv = 0;
  private writesSincePrune = 0;
  private readonly stmts: {
    put: Database.Statement;
    del: Database.Statement;
    ev: Database.Statement;
    setRv: Database.Statement;
    prune: Database.Statement;
  };
  private readonly txn: (writes: StoreWrite[]) => ChangeEvent[];

  constructor(opts: ObjectStoreOptions = {}) {
    this.retain = opts.retainEvents ?? 20_000;
    this.db = new Database(opts.path ?? ':memory:');
    if (opts.path) {
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = NORMAL');
    }
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS objects (rkey TEXT NOT NULL, ns TEXT NOT NULL, name TEXT NOT NULL, rv INTEGER NOT NULL, body TEXT NOT NULL, PRIMARY KEY (rkey, ns, name)) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS events (rv INTEGER PRIMARY KEY, rkey TEXT NOT NULL, ns TEXT NOT NULL, name TEXT NOT NULL, type TEXT NOT NULL, body TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v INTEGER NOT NULL);
    `);
    this.stmts = {
      put: this.db.prepare('INSERT INTO objects (rkey, ns, name, rv, body) VALUES (?, ?, ?, ?, ?) ON CONFLICT (rkey, ns, name) DO UPDATE SET rv = excluded.rv, body = excluded.body'),
      del: this.db.prepare('DELETE FROM objects WHERE rkey = ? AND ns = ? AND name = ?'),
      ev: this.db.prepare('INSERT INTO events (rv, rkey, ns, name, type, body) VALUES (?, ?, ?, ?, ?, ?)'),
      setRv: this.db.prepare("INSERT INTO meta (k, v) VALUES ('rv', ?) ON CONFLICT (k) DO UPDATE SET v = excluded.v"),
      prune: this.db.prepare('DELETE FROM events WHERE rv <= ?'),
    };
    this.load();
    this.txn = this.db.transaction((writes: StoreWrite[]) => this.writeAll(writes));
  }

  private load(): void {
    const row = this.db.prepare("SELECT v FROM meta WHERE k = 'rv'").get() as { v: number } | undefined;
    this.rv = row?.v ?? 0;
    for (const r of this.db.prepare('SELECT rkey, ns, name, rv, body FROM objects').iterate() as Iterable<{ rkey: string; ns: string; name: string; rv: number; body: string }>) {
      const labels = (JSON.parse(r.body) as KubeObject).metadata?.labels;
      this.nsIndex(r.rkey, r.ns).set(r.name, { rv: r.rv, json: r.body, ns: r.ns, name: r.name, labels });
    }
    const evs = this.db.prepare('SELECT rv, rkey, ns, name, type, body FROM events ORDER BY rv DESC LIMIT ?').all(this.retain) as { rv: number; rkey: string; ns: string; name: string; type: ChangeType; body: string }[];
    for (const e of evs.reverse()) {
      const labels = (JSON.parse(e.body) as KubeObject).metadata?.labels;
      this.log.push({ rv: e.rv, rkey: e.rkey, ns: e.ns, name: e.name, type: e.type, json: e.body, labels });
    }
  }

  private nsIndex(rkey: string, ns: string): Map<string, StoredEntry> {
    let byNs = this.byResource.get(rkey);
    if (!byNs) {
      byNs = new Map();
      this.byResource.set(rkey, byNs);
    }
    let m = byNs.get(ns);
    if (!m) {
      m = new Map();
      byNs.set(ns, m);
      this.sortedNs.delete(rkey);
    }
    return m;
  }

  private writeAll(writes: StoreWrite[]): ChangeEvent[] {
    const out: ChangeEvent[] = [];
    let rv = this.rv;
    for (const w of writes) {
      rv++;
      w.obj.metadata.resourceVersion = String(rv);
      const json = JSON.stringify(w.obj);
      if (w.type === 'DELETED') this.stmts.del.run(w.rkey, w.ns, w.name);
      else this.stmts.put.run(w.rkey, w.ns, w.name, rv, json);
      this.stmts.ev.run(rv, w.rkey, w.ns, w.name, w.type, json);
      out.push({ rv, rkey: w.rkey, ns: w.ns, name: w.name, type: w.type, json, labels: w.obj.metadata.labels });
    }
    this.stmts.setRv.run(rv);
    return out;
  }

  /**
   * Writes a batch in one transaction; each write gets the next resourceVersion (set into
   * `obj.metadata.resourceVersion`). Subscribers are told after the commit. Returns the change events.
   */
  commit(writes: StoreWrite[]): ChangeEvent[] {
    if (writes.length === 0) return [];
    const evs = this.txn(writes);
    for (const ev of evs) {
      this.rv = ev.rv;
      const idx = this.nsIndex(ev.rkey, ev.ns);
      const sk = `${ev.rkey}\u0000${ev.ns}`;
      if (ev.type === 'DELETED') {
        if (idx.delete(ev.name)) this.sortedNames.delete(sk);
      } else {
        if (!idx.has(ev.name)) this.sortedNames.delete(sk);
        idx.set(ev.name, { rv: ev.rv, json: ev.json, ns: ev.ns, name: ev.name, labels: ev.labels });
      }
      this.log.push(ev);
    }
    this.trimLog(evs.length);
    for (const ev of evs) for (const s of this.subscribers) s(ev);
    return evs;
  }

  private trimLog(added: number): void {
    if (this.log.length > this.retain * 1.25) this.log.splice(0, this.log.length - this.retain);
    this.writesSincePrune += added;
    if (this.writesSincePrune > this.retain / 4) {
      this.writesSincePrune = 0;
      const oldest = this.log[0];
      if (oldest) this.stmts.prune.run(oldest.rv - 1);
    }
  }

  /** The current (highest) resourceVersion. */
  currentRv(): number {
    return this.rv;
  }

  /** The oldest resourceVersion a watch can resume after (watches from older ones get 410). */
  oldestResumableRv(): number {
    const first = this.log[0];
    return first ? first.rv - 1 : this.rv;
  }

  /** One object, or undefined. */
  get(rkey: string, ns: string, name: string): StoredEntry | undefined {
    return this.byResource.get(rkey)?.get(ns)?.get(name);
  }

  /** Objects of a resource, sorted by namespace then name; `ns` limits to one namespace. */
  list(rkey: string, ns?: string): StoredEntry[] {
    const byNs = this.byResource.get(rkey);
    if (!byNs) return [];
    if (ns !== undefined) return this.listNs(rkey, ns);
    let nss = this.sortedNs.get(rkey);
    if (!nss) {
      nss = [...byNs.keys()].sort();
      this.sortedNs.set(rkey, nss);
    }
    const out: StoredEntry[] = [];
    for (const n of nss) for (const e of this.listNs(rkey, n)) out.push(e);
    return out;
  }

  private listNs(rkey: string, ns: string): StoredEntry[] {
    const idx = this.byResource.get(rkey)?.get(ns);
    if (!idx) return [];
    const sk = `${rkey}\u0000${ns}`;
    let names = this.sortedNames.get(sk);
    if (!names) {
      names = [...idx.keys()].sort();
      this.sortedNames.set(sk, names);
    }
    const out: StoredEntry[] = new Array<StoredEntry>(names.length);
    let n = 0;
    for (const name of names) {
      const e = idx.get(name);
      if (e) out[n++] = e;
    }
    out.length = n;
    return out;
  }

  /** How many objects a resource has. */
  count(rkey: string): number {
    let n = 0;
    for (const m of this.byResource.get(rkey)?.values() ?? []) n += m.size;
    return n;
  }

  /** Changes after `rv` (exclusive), or undefined when the log no longer reaches back that far. */
  since(rv: number): ChangeEvent[] | undefined {
    if (rv < this.oldestResumableRv()) return undefined;
    // binary search for the first event with ev.rv > rv
    let lo = 0;
    let hi = this.log.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.log[mid]?.rv ?? 0) <= rv) lo = mid + 1;
      else hi = mid;
    }
    return this.log.slice(lo);
  }

  /** Calls `cb` synchronously after every committed change; returns an unsubscribe function. */
  subscribe(cb: (ev: ChangeEvent) => void): () => void {
    this.subscribers.add(cb);
    return () => this.subscribers.delete(cb);
  }

  /** Closes the database (checkpointing the WAL). */
  close(): void {
    this.subscribers.clear();
    if (this.db.open) this.db.close();
  }
}
