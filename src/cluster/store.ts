/**
 * Storage of the local cluster: every object as JSON text in SQLite (better-sqlite3, WAL), a global
 * resourceVersion sequence and a change log that watches replay from. An in-memory index mirrors the
 * `objects` table so reads never touch SQLite.
 *
 * Group commit: `commit()` applies a batch to the in-memory index at once (in-process readers see it) and queues
 * it; the queued batches of one turn of the event loop are written to SQLite in ONE transaction from a
 * `setImmediate` (16 concurrent clients share the per-transaction cost). A change is *durable* once that
 * transaction committed: only then does it enter the change log and reach subscribers (watches), and
 * {@link ObjectStore.durable} resolves — the HTTP layer acknowledges nothing before that. If the transaction
 * fails, the waiters are rejected and the in-memory index is reloaded from the database (pending changes vanish).
 *
 * Durability: WAL with `synchronous=NORMAL` — a committed transaction is in the WAL file before
 * {@link ObjectStore.durable} resolves, so it survives `kill -9` of the process (not a power loss of the machine).
 * Each batch of `commit()` is all-or-nothing; batches are written in order.
 */
import Database from 'better-sqlite3';
import type { KubeObject } from '../kube/object.js';
import { type Checkpointer, startCheckpointer } from './checkpointer.js';
import { clone } from './meta.js';

/** The kind of a change, as watch events name them. */
export type ChangeType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** One stored object: its resourceVersion, its JSON text and (for selectors) its labels. */
export interface StoredEntry {
  rv: number;
  json: string;
  ns: string;
  name: string;
  labels: Record<string, string> | undefined;
  /** uids of the object's ownerReferences (narrows lists of an owner's dependents). */
  owners?: string[];
  /** The parsed object while it is in the store's small cache (never handed out: {@link ObjectStore.read} copies). */
  parsed?: KubeObject;
}

/** Writes between two WAL checkpoints (a write is one or two 4 KiB pages; SQLite's own default is 1,000 pages). */
const CHECKPOINT_EVERY = 500;

/** How many recently written objects are also kept parsed (reads then copy instead of parsing, ~3× cheaper). */
const PARSED_CACHE = 4096;

/** One entry of the change log. `rkey` is the storage key of the resource (`apps/deployments`). */
export interface ChangeEvent {
  rv: number;
  rkey: string;
  ns: string;
  name: string;
  type: ChangeType;
  json: string;
  labels: Record<string, string> | undefined;
  /** uids of the object's ownerReferences. */
  owners?: string[];
  /** resourceVersion of the object before this change (internal: lets the store drop its old body). */
  prevRv?: number;
  /**
   * The committed object itself while subscribers are told (read-only: it is shared); undefined in the change
   * log afterwards (the log keeps only JSON).
   */
  obj?: KubeObject;
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
  /** How long a write waits for a lock held by another connection before failing, ms (default 5,000). */
  busyTimeoutMs?: number;
  /** Called when a subscriber throws (the others are still told); default: a process warning. */
  onSubscriberError?: (e: unknown) => void;
}

/** Raised to the waiters of a group commit whose SQLite transaction failed (the changes were dropped). */
export class StorageError extends Error {
  constructor(override readonly cause: unknown) {
    super(`storage error: the write was not persisted: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'StorageError';
  }
}

/** The changes waiting for the next group commit, and the promise their writers wait on. */
interface PendingBatch {
  events: ChangeEvent[];
  done: Promise<void>;
  resolve: () => void;
  reject: (e: unknown) => void;
}

const OWNER_TERM = '\u0000owner=';

/** The index term of "has an ownerReference to this uid" (for {@link ObjectStore.list}). */
export function ownerTerm(uid: string): string {
  return `${OWNER_TERM}${uid}`;
}

/** uids of an object's ownerReferences, or undefined. */
function ownerUids(o: KubeObject): string[] | undefined {
  const refs = o.metadata?.ownerReferences;
  if (!Array.isArray(refs) || refs.length === 0) return undefined;
  const out: string[] = [];
  for (const r of refs as unknown[]) {
    const uid = typeof r === 'object' && r !== null ? (r as { uid?: unknown }).uid : undefined;
    if (typeof uid === 'string' && uid !== '') out.push(uid);
  }
  return out.length > 0 ? out : undefined;
}

/** The index terms of an object: `key=value` per label, {@link ownerTerm} per owner. */
function indexTerms(labels: Record<string, string> | undefined, owners: readonly string[] | undefined): string[] {
  const out: string[] = [];
  if (labels) for (const k in labels) out.push(`${k}=${labels[k] ?? ''}`);
  if (owners) for (const u of owners) out.push(ownerTerm(u));
  return out;
}

/** True when the entry has the term (`key=value` label or owner). */
function hasTerm(e: StoredEntry, term: string): boolean {
  if (term.startsWith(OWNER_TERM)) return e.owners?.includes(term.slice(OWNER_TERM.length)) ?? false;
  const eq = term.indexOf('=');
  return e.labels?.[term.slice(0, eq)] === term.slice(eq + 1);
}

function newBatch(): PendingBatch {
  let resolve: () => void = () => undefined;
  let reject: (e: unknown) => void = () => undefined;
  const done = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // nobody may be waiting (in-process writers do not): the failure is reported through the reload, not as unhandled
  done.catch(() => undefined);
  return { events: [], done, resolve, reject };
}


/** The object store: see the module comment. Not safe for use from several processes. */
export class ObjectStore {
  private readonly db: Database.Database;
  /** rkey → namespace → name → entry. */
  private readonly byResource = new Map<string, Map<string, Map<string, StoredEntry>>>();
  /** Sorted names per `rkey\0ns`, rebuilt lazily after an insert or delete. */
  private readonly sortedNames = new Map<string, string[]>();
  /** `rkey\0ns` → `key=value` → names of the objects with that label (narrows equality selectors). */
  private readonly byLabel = new Map<string, Map<string, Set<string>>>();
  /** Sorted namespaces per rkey. */
  private readonly sortedNs = new Map<string, string[]>();
  private readonly log: ChangeEvent[] = [];
  private readonly retain: number;
  private readonly subscribers = new Set<(ev: ChangeEvent) => void>();
  /** Highest resourceVersion handed out (pending changes included). */
  private rv = 0;
  /** Highest resourceVersion written to SQLite. */
  private durableRvValue = 0;
  private pending: PendingBatch | undefined;
  private flushScheduled: NodeJS.Immediate | undefined;
  /** JSON text of committed objects, so responses need not serialise them again. */
  private readonly jsonCache = new WeakMap<object, string>();
  private readonly onSubscriberError: (e: unknown) => void;
  /** Entries holding a parsed object, oldest first overwritten. */
  private readonly parsedRing: (StoredEntry | undefined)[] = new Array<StoredEntry | undefined>(PARSED_CACHE);
  private parsedPos = 0;
  private writesSincePrune = 0;
  /** The database file (undefined in memory). */
  private path: string | undefined;
  private checkpointer: Checkpointer | undefined;
  private writesSinceCheckpoint = 0;
  private readonly stmts: {
    put: Database.Statement;
    del: Database.Statement;
    ev: Database.Statement;
    setRv: Database.Statement;
    setLogStart: Database.Statement;
    dropEvent: Database.Statement;
    prune: Database.Statement;
  };
  /**
   * Every `events` row from this resourceVersion on is kept (the persisted change log); older rows remain only
   * while they hold an object's current body.
   */
  private logStart = 0;
  private readonly txn: (events: ChangeEvent[]) => void;

  constructor(opts: ObjectStoreOptions = {}) {
    this.retain = opts.retainEvents ?? 20_000;
    this.onSubscriberError = opts.onSubscriberError ?? ((e) => process.emitWarning(`cluster store subscriber failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}`));
    this.db = new Database(opts.path ?? ':memory:', { timeout: opts.busyTimeoutMs ?? 5000 });
    if (opts.path) {
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = NORMAL');
      // checkpoints run in a worker (see checkpointer.ts), not inside commits on the event loop
      this.db.pragma('wal_autocheckpoint = 0');
      this.path = opts.path;
    }
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS objects_v2 (rkey TEXT NOT NULL, ns TEXT NOT NULL, name TEXT NOT NULL, rv INTEGER NOT NULL, PRIMARY KEY (rkey, ns, name)) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS events (rv INTEGER PRIMARY KEY, rkey TEXT NOT NULL, ns TEXT NOT NULL, name TEXT NOT NULL, type TEXT NOT NULL, body TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v INTEGER NOT NULL);
    `);
    this.migrateV1();
    const setMeta = (k: string): Database.Statement => this.db.prepare(`INSERT INTO meta (k, v) VALUES ('${k}', ?) ON CONFLICT (k) DO UPDATE SET v = excluded.v`);
    this.stmts = {
      put: this.db.prepare('INSERT INTO objects_v2 (rkey, ns, name, rv) VALUES (?, ?, ?, ?) ON CONFLICT (rkey, ns, name) DO UPDATE SET rv = excluded.rv'),
      del: this.db.prepare('DELETE FROM objects_v2 WHERE rkey = ? AND ns = ? AND name = ?'),
      ev: this.db.prepare('INSERT INTO events (rv, rkey, ns, name, type, body) VALUES (?, ?, ?, ?, ?, ?)'),
      setRv: setMeta('rv'),
      setLogStart: setMeta('logStart'),
      dropEvent: this.db.prepare('DELETE FROM events WHERE rv = ?'),
      // change-log rows below the horizon, except those holding an object's current body
      prune: this.db.prepare(
        'DELETE FROM events WHERE rv >= ? AND rv < ? AND NOT EXISTS (SELECT 1 FROM objects_v2 o WHERE o.rkey = events.rkey AND o.ns = events.ns AND o.name = events.name AND o.rv = events.rv)',
      ),
    };
    this.logStart = (this.db.prepare("SELECT v FROM meta WHERE k = 'logStart'").get() as { v: number } | undefined)?.v ?? 0;
    this.loadObjects();
    this.loadLog();
    this.txn = this.db.transaction((events: ChangeEvent[]) => this.writeAll(events));
  }

  /**
   * Databases written before the body was stored once (`objects` with a `body` column): object bodies move to
   * `events` (rows below the persisted change log, never replayed), objects to `objects_v2`. One transaction.
   */
  private migrateV1(): void {
    const old = this.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'objects'").get();
    if (!old) return;
    this.db.transaction(() => {
      const first = (this.db.prepare('SELECT MIN(rv) AS v FROM events').get() as { v: number | null }).v;
      const rv = (this.db.prepare("SELECT v FROM meta WHERE k = 'rv'").get() as { v: number } | undefined)?.v ?? 0;
      this.db.prepare("INSERT INTO meta (k, v) VALUES ('logStart', ?) ON CONFLICT (k) DO UPDATE SET v = excluded.v").run(first ?? rv + 1);
      this.db.exec(`
        INSERT OR IGNORE INTO events (rv, rkey, ns, name, type, body) SELECT rv, rkey, ns, name, 'MODIFIED', body FROM objects;
        INSERT OR REPLACE INTO objects_v2 (rkey, ns, name, rv) SELECT rkey, ns, name, rv FROM objects;
        DROP TABLE objects;
      `);
    })();
  }

  /** (Re)builds the in-memory index and the resourceVersion from the database. */
  private loadObjects(): void {
    this.parsedRing.fill(undefined);
    this.byResource.clear();
    this.sortedNames.clear();
    this.byLabel.clear();
    this.sortedNs.clear();
    const row = this.db.prepare("SELECT v FROM meta WHERE k = 'rv'").get() as { v: number } | undefined;
    this.rv = row?.v ?? 0;
    this.durableRvValue = this.rv;
    for (const r of this.db.prepare('SELECT o.rkey AS rkey, o.ns AS ns, o.name AS name, o.rv AS rv, e.body AS body FROM objects_v2 o JOIN events e ON e.rv = o.rv').iterate() as Iterable<{ rkey: string; ns: string; name: string; rv: number; body: string }>) {
      const o = JSON.parse(r.body) as KubeObject;
      const labels = o.metadata?.labels;
      const owners = ownerUids(o);
      this.nsIndex(r.rkey, r.ns).set(r.name, { rv: r.rv, json: r.body, ns: r.ns, name: r.name, labels, owners });
      this.indexTermsOf(`${r.rkey}\u0000${r.ns}`, r.name, [], indexTerms(labels, owners));
    }
  }

  private loadLog(): void {
    const evs = this.db.prepare('SELECT rv, rkey, ns, name, type, body FROM events WHERE rv >= ? ORDER BY rv DESC LIMIT ?').all(this.logStart, this.retain) as { rv: number; rkey: string; ns: string; name: string; type: ChangeType; body: string }[];
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

  private writeAll(events: ChangeEvent[]): void {
    for (const ev of events) {
      // the body is written once, in the change log; the object row points at it
      if (ev.type === 'DELETED') this.stmts.del.run(ev.rkey, ev.ns, ev.name);
      else this.stmts.put.run(ev.rkey, ev.ns, ev.name, ev.rv);
      this.stmts.ev.run(ev.rv, ev.rkey, ev.ns, ev.name, ev.type, ev.json);
      // the previous body of the object, kept below the log horizon only for the object, is garbage now
      if (ev.prevRv !== undefined && ev.prevRv < this.logStart) this.stmts.dropEvent.run(ev.prevRv);
    }
    const last = events[events.length - 1];
    if (last) this.stmts.setRv.run(last.rv);
  }

  /**
   * Commits a batch: each write gets the next resourceVersion (set into `obj.metadata.resourceVersion`), the
   * in-memory index changes at once, and the batch is queued for the next group commit (see the module comment:
   * subscribers are told, and {@link durable} resolves, once it is in SQLite). The objects must not be changed
   * afterwards (their JSON is kept for {@link jsonOf}). Returns the change events.
   */
  commit(writes: StoreWrite[]): ChangeEvent[] {
    if (writes.length === 0) return [];
    const evs: ChangeEvent[] = [];
    let rv = this.rv;
    for (const w of writes) {
      rv++;
      w.obj.metadata.resourceVersion = String(rv);
      const json = JSON.stringify(w.obj);
      this.jsonCache.set(w.obj, json);
      evs.push({ rv, rkey: w.rkey, ns: w.ns, name: w.name, type: w.type, json, labels: w.obj.metadata.labels, owners: ownerUids(w.obj), obj: w.obj });
    }
    this.rv = rv;
    for (const ev of evs) {
      const idx = this.nsIndex(ev.rkey, ev.ns);
      const sk = `${ev.rkey}\u0000${ev.ns}`;
      const prev = idx.get(ev.name);
      const before = prev ? indexTerms(prev.labels, prev.owners) : [];
      if (prev) ev.prevRv = prev.rv;
      if (ev.type === 'DELETED') {
        if (idx.delete(ev.name)) this.sortedNames.delete(sk);
        this.indexTermsOf(sk, ev.name, before, []);
      } else {
        if (!idx.has(ev.name)) this.sortedNames.delete(sk);
        this.indexTermsOf(sk, ev.name, before, indexTerms(ev.labels, ev.owners));
        const entry: StoredEntry = { rv: ev.rv, json: ev.json, ns: ev.ns, name: ev.name, labels: ev.labels, owners: ev.owners };
        if (ev.obj) this.keepParsed(entry, clone(ev.obj));
        idx.set(ev.name, entry);
      }
    }
    this.pending ??= newBatch();
    for (const ev of evs) this.pending.events.push(ev);
    this.flushScheduled ??= setImmediate(() => this.flush());
    return evs;
  }

  /**
   * Resolves once every change committed so far is in SQLite (undefined when nothing is pending); rejects with a
   * {@link StorageError} when their transaction failed.
   */
  durable(): Promise<void> | undefined {
    return this.pending?.done;
  }

  /** The highest resourceVersion that is in SQLite (what watch bookmarks may promise). */
  durableRv(): number {
    return this.durableRvValue;
  }

  /** The JSON text `commit()` stored for this object (the same object, unchanged since), or undefined. */
  jsonOf(obj: object): string | undefined {
    return this.jsonCache.get(obj);
  }

  /** Writes the pending changes in one transaction now (normally run from `setImmediate`). */
  flush(): void {
    if (this.flushScheduled) clearImmediate(this.flushScheduled);
    this.flushScheduled = undefined;
    const batch = this.pending;
    this.pending = undefined;
    if (!batch || batch.events.length === 0) return;
    try {
      this.txn(batch.events);
    } catch (e) {
      // the index holds changes SQLite does not: go back to what is durable
      this.loadObjects();
      for (const ev of batch.events) ev.obj = undefined;
      batch.reject(new StorageError(e));
      return;
    }
    const evs = batch.events;
    this.requestCheckpoint(evs.length);
    this.durableRvValue = evs[evs.length - 1]?.rv ?? this.durableRvValue;
    for (const ev of evs) this.log.push(ev);
    this.trimLog(evs.length);
    batch.resolve();
    for (const ev of evs) {
      for (const s of this.subscribers) {
        try {
          s(ev);
        } catch (e) {
          this.onSubscriberError(e);
        }
      }
      ev.obj = undefined;
    }
  }

  /** Every {@link CHECKPOINT_EVERY} writes, asks the checkpoint worker (started on first need) to run. */
  private requestCheckpoint(added: number): void {
    if (!this.path) return;
    this.writesSinceCheckpoint += added;
    if (this.writesSinceCheckpoint < CHECKPOINT_EVERY) return;
    this.writesSinceCheckpoint = 0;
    this.checkpointer ??= startCheckpointer(this.path, {
      onError: (m) => process.emitWarning(`cluster store: WAL checkpoint failed: ${m}`),
      onDead: (m) => {
        process.emitWarning(`cluster store: checkpoint worker stopped (${m}); checkpointing in the server again`);
        if (this.db.open) this.db.pragma('wal_autocheckpoint = 1000');
      },
    });
    this.checkpointer.request();
  }

  private trimLog(added: number): void {
    if (this.log.length > this.retain * 1.25) this.log.splice(0, this.log.length - this.retain);
    this.writesSincePrune += added;
    if (this.writesSincePrune > this.retain / 4) {
      this.writesSincePrune = 0;
      const oldest = this.log[0];
      if (oldest && oldest.rv > this.logStart) {
        this.db.transaction(() => {
          this.stmts.prune.run(this.logStart, oldest.rv);
          this.stmts.setLogStart.run(oldest.rv);
        })();
        this.logStart = oldest.rv;
      }
    }
  }

  /** The current (highest) resourceVersion, including changes not yet durable. */
  currentRv(): number {
    return this.rv;
  }

  /** The oldest resourceVersion a watch can resume after (watches from older ones get 410). */
  oldestResumableRv(): number {
    const first = this.log[0];
    return first ? first.rv - 1 : this.durableRvValue;
  }

  /** One object, or undefined. */
  get(rkey: string, ns: string, name: string): StoredEntry | undefined {
    return this.byResource.get(rkey)?.get(ns)?.get(name);
  }

  private keepParsed(e: StoredEntry, obj: KubeObject): void {
    const evicted = this.parsedRing[this.parsedPos];
    if (evicted) evicted.parsed = undefined;
    this.parsedRing[this.parsedPos] = e;
    this.parsedPos = (this.parsedPos + 1) % PARSED_CACHE;
    e.parsed = obj;
  }

  /** The entry's object, parsed: a fresh copy the caller may change. */
  read(e: StoredEntry): KubeObject {
    return e.parsed ? clone(e.parsed) : (JSON.parse(e.json) as KubeObject);
  }

  /** Moves a name from the index sets of the terms `before` to those of `after`. */
  private indexTermsOf(sk: string, name: string, before: readonly string[], after: readonly string[]): void {
    let m = this.byLabel.get(sk);
    for (const t of before) {
      if (after.includes(t)) continue;
      const set = m?.get(t);
      set?.delete(name);
      if (set?.size === 0) m?.delete(t);
    }
    for (const t of after) {
      if (before.includes(t)) continue;
      if (!m) this.byLabel.set(sk, (m = new Map()));
      let set = m.get(t);
      if (!set) m.set(t, (set = new Set()));
      set.add(name);
    }
  }

  /**
   * Objects of a resource, sorted by namespace then name; `ns` limits to one namespace. With `labels`
   * (`key=value` pairs every result must carry, or {@link ownerTerm}s) only objects having all of them are
   * returned, found through the index rather than a scan; other selector terms are the caller's to check.
   */
  list(rkey: string, ns?: string, labels?: readonly string[]): StoredEntry[] {
    const byNs = this.byResource.get(rkey);
    if (!byNs) return [];
    if (ns !== undefined) return this.listNs(rkey, ns, labels);
    let nss = this.sortedNs.get(rkey);
    if (!nss) {
      nss = [...byNs.keys()].sort();
      this.sortedNs.set(rkey, nss);
    }
    const out: StoredEntry[] = [];
    for (const n of nss) for (const e of this.listNs(rkey, n, labels)) out.push(e);
    return out;
  }

  private listNs(rkey: string, ns: string, labels: readonly string[] | undefined): StoredEntry[] {
    const idx = this.byResource.get(rkey)?.get(ns);
    if (!idx) return [];
    const sk = `${rkey}\u0000${ns}`;
    if (labels && labels.length > 0) return this.listByLabels(idx, sk, labels);
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

  private listByLabels(idx: Map<string, StoredEntry>, sk: string, labels: readonly string[]): StoredEntry[] {
    const m = this.byLabel.get(sk);
    let smallest: Set<string> | undefined;
    for (const l of labels) {
      const set = m?.get(l);
      if (!set) return [];
      if (!smallest || set.size < smallest.size) smallest = set;
    }
    const names = [...(smallest ?? [])].sort();
    const out: StoredEntry[] = [];
    for (const name of names) {
      const e = idx.get(name);
      if (e && labels.every((l) => hasTerm(e, l))) out.push(e);
    }
    return out;
  }

  /** How many objects a resource has. */
  count(rkey: string): number {
    let n = 0;
    for (const m of this.byResource.get(rkey)?.values() ?? []) n += m.size;
    return n;
  }

  /** Durable changes after `rv` (exclusive), or undefined when the log no longer reaches back that far. */
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

  /** Calls `cb` for every change once it is durable (in resourceVersion order); returns an unsubscribe function. */
  subscribe(cb: (ev: ChangeEvent) => void): () => void {
    this.subscribers.add(cb);
    return () => this.subscribers.delete(cb);
  }

  /** Writes what is pending, then closes the database (checkpointing the WAL). */
  close(): void {
    if (this.db.open) this.flush();
    void this.checkpointer?.close();
    this.checkpointer = undefined;
    this.subscribers.clear();
    if (this.db.open) this.db.close();
  }
}
