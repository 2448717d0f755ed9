/**
 * The controller registry: what `lockstep controllers` can run. A controller package registers a
 * {@link ControllerFactory}; the manager builds the selected ones with a {@link ControllerContext}.
 */
import type { KubeClient } from '../kube/client/index.js';
import type { Controller } from './controller.js';
import type { EventRecorder } from './events.js';
import type { InformerFactory } from './informer.js';
import type { Logger } from './logger.js';
import type { ControllerMetrics } from './metrics.js';

/** Settings every controller can read (from `lockstep controllers` flags). */
export interface ControllerSettings {
  /** Parallel reconciles per controller (`--concurrent`, default 4). */
  concurrent: number;
  /** Artifact storage directory (`--storage-dir`). */
  storageDir?: string | undefined;
  /** Address the artifact server listens on (`--storage-addr`, host:port). */
  storageAddr?: string | undefined;
  /** Host:port put into artifact URLs (default: `storageAddr`). */
  storageAdvAddr?: string | undefined;
  /** Flux notification endpoint (`--events-addr`). */
  eventsAddr?: string | undefined;
  /** Event API written (default `events.k8s.io/v1`; `v1` for API servers that do not alias core Events). */
  eventsApi?: 'events.k8s.io/v1' | 'v1' | undefined;
  /** Only watch this namespace (default all). */
  watchNamespace?: string | undefined;
}

/** What a controller is built with; shared by all controllers of one manager. */
export interface ControllerContext {
  client: KubeClient;
  informers: InformerFactory;
  /** An event recorder reporting as `controllerName`. */
  events(controllerName: string): EventRecorder;
  metrics: ControllerMetrics;
  logger: Logger;
  options: ControllerSettings;
  /**
   * Aborted when the controllers stop: the manager stops or loses the leader Lease (a new term then
   * builds the controllers again). For servers a controller starts, e.g. the artifact server.
   */
  signal: AbortSignal;
}

/** Builds one controller group (e.g. `source` → the GitRepository controller and its artifact server). */
export interface ControllerFactory {
  /** Name selected by `--only` (`source`, `kustomize`, `helm`, `notification`). */
  name: string;
  /** One line for `--help`. */
  description: string;
  create(ctx: ControllerContext): Promise<Controller[]> | Controller[];
}

/** A set of factories, by name. */
export class ControllerRegistry {
  private readonly factories = new Map<string, ControllerFactory>();

  /** Registers a factory; a second one with the same name throws. */
  register(f: ControllerFactory): void {
    if (this.factories.has(f.name)) throw new Error(`controller "${f.name}" is registered twice`);
    this.factories.set(f.name, f);
  }

  names(): string[] {
    return [...this.factories.keys()].sort();
  }

  all(): ControllerFactory[] {
    return this.names().map((n) => this.factories.get(n) as ControllerFactory);
  }

  /** The factories named (all when `only` is empty); unknown names throw, listing the known ones. */
  select(only: readonly string[] = []): ControllerFactory[] {
    if (only.length === 0) return this.all();
    return only.map((n) => {
      const f = this.factories.get(n);
      if (!f) throw new Error(`unknown controller "${n}" (known: ${this.names().join(', ') || 'none'})`);
      return f;
    });
  }
}
