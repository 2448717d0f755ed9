/**
 * A controller: an informer on the reconciled kind (plus optional watches on other kinds mapped to keys),
 * predicates, a {@link WorkQueue} and the reconcile shell. `start(signal)` runs it until `signal` aborts.
 */
import type { KubeObject } from '../kube/object.js';
import type { TypeRef } from '../kube/client/index.js';
import { objectKey } from './cache.js';
import type { Informer } from './informer.js';
import { errorField } from './logger.js';
import { defaultPredicates, type UpdatePredicate } from './predicates.js';
import { WorkQueue } from './queue.js';
import { reconcileKey, type ReconcilerDefinition } from './reconcile.js';
import type { ControllerContext } from './registry.js';

/** A running unit the manager starts when it leads. */
export interface Controller {
  /** Unique name (e.g. `gitrepository`), used for queue metrics and logs. */
  readonly name: string;
  /** Runs until `signal` aborts; resolves after in-flight reconciles finished. */
  start(signal: AbortSignal): Promise<void>;
}

/** Another kind whose changes enqueue reconciles of the primary kind. */
export interface SecondaryWatch {
  type: TypeRef;
  /** Keys (`namespace/name`) of primary objects to reconcile when `obj` changes. */
  mapToKeys(obj: KubeObject): string[];
  /** Which updates count (default: any change of resourceVersion). */
  predicate?: UpdatePredicate;
}

export interface ReconcileControllerOptions<T extends KubeObject> {
  /** Queue/metrics name (default: lower-case kind). */
  name?: string;
  definition: ReconcilerDefinition<T>;
  /** Which updates of the primary kind enqueue (default: generation, requestedAt, deletion changes). */
  predicate?: UpdatePredicate;
  watches?: SecondaryWatch[];
  /** Parallel reconciles (default: the manager's `concurrent`). */
  concurrency?: number;
  /** Only this namespace (default: all, or the manager's `watchNamespace`). */
  namespace?: string;
}

/** See the module comment. */
export class ReconcileController<T extends KubeObject> implements Controller {
  readonly name: string;
  /** The queue, once started (tests look at it). */
  queue: WorkQueue | undefined;
  /** The primary informer (its cache is shared: do not mutate objects). */
  readonly informer: Informer;
  private readonly secondary: Array<{ informer: Informer; watch: SecondaryWatch }>;

  constructor(private readonly ctx: ControllerContext, private readonly opts: ReconcileControllerOptions<T>) {
    this.name = opts.name ?? opts.definition.type.kind.toLowerCase();
    const namespace = opts.namespace ?? ctx.options.watchNamespace;
    this.informer = ctx.informers.informerFor({ type: opts.definition.type, namespace });
    this.secondary = (opts.watches ?? []).map((w) => ({ watch: w, informer: ctx.informers.informerFor({ type: w.type, namespace }) }));
  }

  async start(signal: AbortSignal): Promise<void> {
    const { ctx, opts } = this;
    const log = ctx.logger.child({ controller: opts.definition.controllerName });
    const metrics = ctx.metrics;
    const queue = new WorkQueue(
      async (key) => {
        const r = await reconcileKey(opts.definition, {
          client: ctx.client,
          events: ctx.events(opts.definition.controllerName),
          log: ctx.logger,
          metrics,
          signal,
          cached: (k) => this.informer.cache.getByKey(k),
        }, key);
        if (r.requeue.kind === 'backoff') metrics.queueRetries.inc({ name: this.name });
        return r.requeue;
      },
      {
        concurrency: opts.concurrency ?? ctx.options.concurrent,
        onDepth: (d) => metrics.queueDepth.set({ name: this.name }, d),
        onError: (key, err) => log.error({ key, error: errorField(err) }, 'reconcile threw; retrying with backoff'),
      },
    );
    this.queue = queue;
    const enqueue = (key: string): void => {
      metrics.queueAdds.inc({ name: this.name });
      queue.add(key);
    };
    const predicate = opts.predicate ?? defaultPredicates;
    this.informer.addHandlers({
      add: (o) => enqueue(objectKey(o)),
      update: (o, n) => {
        if (predicate(o, n)) enqueue(objectKey(n));
      },
      delete: (o) => enqueue(objectKey(o)),
    });
    for (const { informer, watch } of this.secondary) {
      const mapped = (o: KubeObject): void => {
        for (const k of watch.mapToKeys(o)) enqueue(k);
      };
      informer.addHandlers({
        add: mapped,
        update: (o, n) => {
          if (!watch.predicate || watch.predicate(o, n)) mapped(n);
        },
        delete: mapped,
      });
    }
    for (const inf of [this.informer, ...this.secondary.map((s) => s.informer)]) inf.start();
    queue.start();
    await new Promise<void>((r) => {
      if (signal.aborted) r();
      else signal.addEventListener('abort', () => r(), { once: true });
    });
    await queue.shutDown();
  }
}
