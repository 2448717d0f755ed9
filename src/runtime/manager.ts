/**
 * The controller manager: builds the selected controllers from a {@link ControllerRegistry}, serves
 * `/metrics`, `/healthz`, `/readyz`, and runs the controllers — only while it holds the leader Lease when
 * leader election is on. `start()` resolves once the probe server is up; `stop()` stops everything and
 * waits for in-flight reconciles.
 */
import type { KubeClient } from '../kube/client/index.js';
import type { Controller } from './controller.js';
import { KubeEventRecorder, type EventRecorder } from './events.js';
import { InformerFactory } from './informer.js';
import { LeaderElector, type LeaderElectionOptions } from './leader.js';
import { createLogger, errorField, type Logger } from './logger.js';
import { ControllerMetrics, startProbeServer, type ProbeServer } from './metrics.js';
import type { ControllerContext, ControllerFactory, ControllerSettings } from './registry.js';

export interface ManagerOptions {
  client: KubeClient;
  /** The factories to run (already selected, e.g. by `--only`). */
  factories: readonly ControllerFactory[];
  settings?: Partial<ControllerSettings>;
  /** `host:port` for the probe server (default none). */
  metricsAddr?: string | undefined;
  /** Leader election; off when unset. */
  leaderElection?: Omit<LeaderElectionOptions, 'logger'> | undefined;
  logger?: Logger;
  metrics?: ControllerMetrics;
  /** Replaces the Kubernetes/notification recorder (tests). */
  events?: (controllerName: string) => EventRecorder;
}

/** Default settings (`--concurrent=4`, Flux's default). */
export function defaultControllerSettings(): ControllerSettings {
  return { concurrent: 4 };
}

/** See the module comment. */
export class Manager {
  readonly metrics: ControllerMetrics;
  /** The informers of the current leadership term (a fresh set each term, so a new term sees every object as added). */
  informers: InformerFactory;
  readonly logger: Logger;
  /** The controllers built, once started. */
  controllers: Controller[] = [];
  private readonly abort = new AbortController();
  private probe: ProbeServer | undefined;
  private running: Promise<void> | undefined;
  private elector: LeaderElector | undefined;
  private started = false;

  constructor(private readonly opts: ManagerOptions) {
    this.logger = opts.logger ?? createLogger();
    this.metrics = opts.metrics ?? new ControllerMetrics({ defaultMetrics: true });
    this.informers = this.newInformers();
  }

  private newInformers(): InformerFactory {
    return new InformerFactory(this.opts.client, {
      onError: (err, type) => this.logger.warn({ apiVersion: type.apiVersion, kind: type.kind, error: errorField(err) }, 'informer error'),
    });
  }

  /** The URL of the probe server, when one runs. */
  get probeUrl(): string | undefined {
    return this.probe?.url;
  }

  /** True while this manager runs the controllers (always true without leader election, once started). */
  get isLeader(): boolean {
    return this.elector ? this.elector.isLeader : this.started;
  }

  async start(): Promise<void> {
    const settings: ControllerSettings = { ...defaultControllerSettings(), ...(this.opts.settings ?? {}) };
    const recorders = new Map<string, EventRecorder>();
    const events =
      this.opts.events ??
      ((name: string): EventRecorder => {
        let r = recorders.get(name);
        if (!r) {
          r = new KubeEventRecorder(this.opts.client, { controller: name, notificationUrl: settings.eventsAddr, logger: this.logger, ...(settings.eventsApi ? { api: settings.eventsApi } : {}) });
          recorders.set(name, r);
        }
        return r;
      });
    const ctx: Omit<ControllerContext, 'informers' | 'signal'> = {
      client: this.opts.client,
      events,
      metrics: this.metrics,
      logger: this.logger,
      options: settings,
    };
    if (this.opts.metricsAddr) {
      this.probe = await startProbeServer({ addr: this.opts.metricsAddr, registry: this.metrics.registry, ready: () => this.started });
    }
    const runControllers = async (signal: AbortSignal): Promise<void> => {
      const informers = this.newInformers();
      this.informers = informers;
      const controllers: Controller[] = [];
      for (const f of this.opts.factories) controllers.push(...(await f.create({ ...ctx, informers, signal })));
      this.controllers = controllers;
      this.logger.info({ controllers: controllers.map((c) => c.name) }, 'starting controllers');
      await Promise.all([...controllers.map((c) => c.start(signal)), untilAborted(signal)]);
      await informers.stopAll();
    };
    if (this.opts.leaderElection) {
      this.elector = new LeaderElector(this.opts.client, { ...this.opts.leaderElection, logger: this.logger });
      this.running = this.elector.run(this.abort.signal, runControllers);
    } else {
      this.running = runControllers(this.abort.signal);
    }
    this.running.catch((err: unknown) => this.logger.error({ error: errorField(err) }, 'manager failed'));
    this.started = true;
  }

  /** Stops controllers, informers, the lease and the probe server. */
  async stop(): Promise<void> {
    this.abort.abort();
    await this.running?.catch(() => undefined);
    await this.informers.stopAll();
    await this.probe?.close();
    this.started = false;
  }

  /** Resolves when the manager stops (after `stop()` or a fatal error). */
  async wait(): Promise<void> {
    await this.running;
  }
}

function untilAborted(signal: AbortSignal): Promise<void> {
  return new Promise((r) => {
    if (signal.aborted) r();
    else signal.addEventListener('abort', () => r(), { once: true });
  });
}
