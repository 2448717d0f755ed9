/**
 * Progress of `lockstep up`: a snapshot of every GitRepository and Kustomization, the verdict on it
 * (all Ready, one failed, still going) and two renderers — a live table redrawn in place on a TTY, and
 * plain lines (one per change) elsewhere, so logs and CI stay readable.
 */
import type { KubeObject } from '../../kube/object.js';
import { isJsonObject } from '../../kube/object.js';
import { formatTable } from '../output/table.js';
import { conditionOf, readyState, type ReadyState } from '../output/wait.js';
import { CliLogger } from '../output/logger.js';

/** One object as the progress view shows it. */
export interface ProgressRow {
  kind: 'GitRepository' | 'Kustomization';
  namespace: string;
  name: string;
  state: ReadyState['state'];
  reason: string;
  message: string;
  /** Artifact revision (sources) or last applied revision (Kustomizations). */
  revision: string;
  /** `status.lastHandledReconcileAt`. */
  handled: string;
  /** Kustomizations: `status.lastAttemptedRevision`. */
  attempted?: string | undefined;
  /** Kustomizations: their GitRepository source, `namespace/name`. */
  source?: string | undefined;
}

/** Reasons a Kustomization reports while it waits on something else: not failures yet. */
const waitingReasons = new Set(['DependencyNotReady', 'Progressing', 'ProgressingWithRetry']);

function statusField(obj: KubeObject, field: string): string {
  const st = (obj as { status?: unknown }).status;
  if (!isJsonObject(st)) return '';
  const v = st[field];
  if (typeof v === 'string') return v;
  if (field === 'artifact' && isJsonObject(v) && typeof v['revision'] === 'string') return v['revision'];
  return '';
}

/** Abnormal-true conditions of sources that mean the last attempt failed (source-controller's). */
const sourceFailureConditions = ['FetchFailed', 'BuildFailed', 'StorageOperationFailed'];

/** The row of one object. */
export function rowOf(obj: KubeObject): ProgressRow {
  const kind = obj.kind === 'GitRepository' ? 'GitRepository' : 'Kustomization';
  let s = readyState(obj);
  // A source that cannot fetch keeps Reconciling=True while it retries; its failure condition is the news.
  for (const type of sourceFailureConditions) {
    const c = conditionOf(obj, type);
    if (c?.status === 'True') s = { state: 'failed', reason: c.reason, message: c.message };
  }
  // Likewise a Kustomization retrying a failed build keeps Reconciling=True (ProgressingWithRetry):
  // Ready=False says why. But Reconciling=True/Progressing means an attempt is running right now: its
  // Ready=False is the previous attempt's verdict (the controller patches progress, e.g. the new
  // lastAttemptedRevision, before it has a new one), so that is not a failure yet.
  const ready = conditionOf(obj, 'Ready');
  const attempting = conditionOf(obj, 'Reconciling')?.reason === 'Progressing';
  if (s.state === 'progressing' && !attempting && ready?.status === 'False' && !waitingReasons.has(ready.reason)) s = { state: 'failed', reason: ready.reason, message: ready.message };
  const revision = kind === 'GitRepository' ? statusField(obj, 'artifact') : statusField(obj, 'lastAppliedRevision');
  const namespace = obj.metadata.namespace ?? '';
  const row: ProgressRow = { kind, namespace, name: obj.metadata.name ?? '', state: s.state, reason: s.reason, message: s.message, revision, handled: statusField(obj, 'lastHandledReconcileAt') };
  if (kind === 'Kustomization') {
    const spec = (obj as { spec?: unknown }).spec;
    const ref = isJsonObject(spec) && isJsonObject(spec['sourceRef']) ? spec['sourceRef'] : undefined;
    if (ref && (ref['kind'] ?? 'GitRepository') === 'GitRepository') row.source = `${typeof ref['namespace'] === 'string' ? ref['namespace'] : namespace}/${String(ref['name'] ?? '')}`;
    row.attempted = statusField(obj, 'lastAttemptedRevision');
  }
  return row;
}

/**
 * Marks rows whose reconcile request (`token`, asked of the objects in `requested`) is not handled yet as
 * progressing, so a status left by an earlier run is not taken for the current state.
 */
export function pendingRequests(rows: readonly ProgressRow[], requested: ReadonlySet<string>, token: string): ProgressRow[] {
  return rows.map((r) => (requested.has(`${r.kind}/${r.namespace}/${r.name}`) && r.handled !== token ? { ...r, state: 'progressing', reason: 'Progressing', message: 'reconciliation requested' } : r));
}

/** Where a snapshot stands. */
export interface Verdict {
  /** Every Kustomization (at least one) and every GitRepository is Ready. */
  allReady: boolean;
  /** The first object that failed for a reason that is not waiting on another. */
  failed?: ProgressRow | undefined;
}

/**
 * Judges a snapshot. A Kustomization's failure counts only once it has attempted its source's current
 * revision: before that it failed on an older state of things (typically "Source is not ready" while
 * the first artifact was being built) and the new artifact will retrigger it.
 */
export function verdictOf(rows: readonly ProgressRow[]): Verdict {
  const sources = new Map(rows.filter((r) => r.kind === 'GitRepository').map((r) => [`${r.namespace}/${r.name}`, r]));
  const kss = rows.filter((r) => r.kind === 'Kustomization');
  const failed = rows.find((r) => {
    if (r.state !== 'failed') return false;
    if (r.kind === 'GitRepository') return true;
    if (waitingReasons.has(r.reason)) return false;
    const src = r.source ? sources.get(r.source) : undefined;
    if (!src) return r.source === undefined;
    return src.state === 'ready' && src.revision !== '' && src.revision === r.attempted;
  });
  return { allReady: kss.length > 0 && rows.every((r) => r.state === 'ready'), failed };
}

const stateWord: Record<ReadyState['state'], string> = { ready: 'True', failed: 'False', progressing: 'Unknown' };

/** Short revision for tables: `main@sha1:0123456789ab`. */
export function shortRevision(rev: string): string {
  return rev.replace(/(sha1|sha256):([0-9a-f]{12})[0-9a-f]+/, '$1:$2');
}

/** The table of a snapshot (KIND/NAME, READY, REVISION, MESSAGE), message cut at `width` when given. */
export function progressTable(rows: readonly ProgressRow[], width?: number): string {
  const body = rows.map((r) => {
    const msg = r.message || (r.state === 'progressing' ? 'waiting to be reconciled' : '');
    return [`${r.kind}/${r.name}`, r.namespace, stateWord[r.state], shortRevision(r.revision), msg];
  });
  const text = formatTable(['name', 'namespace', 'ready', 'revision', 'message'], body);
  if (!width) return text;
  return text
    .split('\n')
    .map((l) => (l.replace(/\t/g, '  ').length > width ? l.replace(/\t/g, '  ').slice(0, Math.max(10, width - 1)) + '…' : l.replace(/\t/g, '  ')))
    .join('\n');
}

/** Renders snapshots to a stream. */
export interface ProgressRenderer {
  /** Shows a snapshot (waiting phase). */
  update(rows: readonly ProgressRow[]): void;
  /** Ends the live part; prints the final table. */
  finish(rows: readonly ProgressRow[], headline: string): void;
}

/** A live table redrawn in place (TTY). */
export class LiveTable implements ProgressRenderer {
  private lines = 0;
  private frame = 0;
  private readonly started = Date.now();

  constructor(
    private readonly stream: NodeJS.WritableStream & { columns?: number },
  ) {}

  private draw(text: string): void {
    const clear = this.lines > 0 ? `\x1b[${this.lines}A\r\x1b[J` : '';
    this.stream.write(clear + text);
    this.lines = text.split('\n').length - 1;
  }

  update(rows: readonly ProgressRow[]): void {
    const frames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
    const secs = Math.floor((Date.now() - this.started) / 1000);
    const ready = rows.filter((r) => r.kind === 'Kustomization' && r.state === 'ready').length;
    const total = rows.filter((r) => r.kind === 'Kustomization').length;
    const head = `${frames[this.frame++ % frames.length]} reconciling: ${ready}/${total} Kustomizations Ready (${secs}s)\n`;
    this.draw(head + progressTable(rows, this.stream.columns));
  }

  finish(rows: readonly ProgressRow[], headline: string): void {
    this.draw(`${headline}\n` + progressTable(rows, this.stream.columns));
    this.lines = 0;
  }
}

/** One line per change of an object's state, message or revision (pipes, files, CI). */
export class PlainLines implements ProgressRenderer {
  private readonly seen = new Map<string, string>();
  private readonly log: CliLogger;

  constructor(
    private readonly stream: NodeJS.WritableStream,
    env: NodeJS.ProcessEnv = {},
  ) {
    this.log = new CliLogger(stream, env);
  }

  update(rows: readonly ProgressRow[]): void {
    for (const r of rows) {
      const key = `${r.kind}/${r.namespace}/${r.name}`;
      const sig = `${r.state}|${r.message}|${r.revision}`;
      if (this.seen.get(key) === sig) continue;
      this.seen.set(key, sig);
      const what = `${r.kind}/${r.name}.${r.namespace}`;
      if (r.state === 'ready') this.log.success(`${what} Ready${r.revision ? ` at ${shortRevision(r.revision)}` : ''}`);
      else if (r.state === 'failed') this.log.failure(`${what}: ${r.message || r.reason}`);
      else this.log.waiting(`${what}: ${r.message || 'waiting to be reconciled'}`);
    }
  }

  finish(rows: readonly ProgressRow[], headline: string): void {
    this.update(rows);
    this.stream.write(`${headline}\n${progressTable(rows)}`);
  }
}
