/**
 * The local cluster's background controllers (D2), run through the InternalClient like real controllers:
 * RBAC bootstrap and aggregation, CRD status, garbage collection, namespace deletion and the workload
 * simulation. {@link defaultControllers} is what the server wires by default.
 */
import type { ClusterController } from '../plugins.js';
import { rbacBootstrapController } from '../rbac/bootstrap-controller.js';
import { crdController } from './crd.js';
import { garbageCollector } from './gc.js';
import { namespaceController } from './namespace.js';
import { workloadSimulator } from './workloads/simulator.js';

export { garbageCollector, OwnerIndex, type GarbageCollectorOptions } from './gc.js';
export { namespaceController, purgeNamespace, type NamespaceControllerOptions } from './namespace.js';
export { crdController, crdStatus } from './crd.js';
export { workloadSimulator, type WorkloadSimulatorOptions } from './workloads/simulator.js';
export { simulatedPodStatus } from './workloads/pod.js';
export { deploymentStatus } from './workloads/deployment.js';
export { WorkQueue, type WorkQueueOptions } from './queue.js';
export { recordEvent, expireEvents, type EventSpec } from './events.js';
export { simulateAnnotation, mergeConditions } from './util.js';

/** Options of {@link defaultControllers}. */
export interface ControllerOptions {
  /** Delay before simulated pods/PVCs/load balancers become ready, ms (default 150). */
  simulateDelayMs?: number;
  /** Turn the workload simulation off (GC, namespaces, CRDs, RBAC bootstrap still run). */
  simulate?: boolean;
  /** Unexpected controller errors (retried); default: ignored. */
  onError?: (controller: string, key: string, err: unknown) => void;
}

/** The default controller set, in start order. */
export function defaultControllers(opts: ControllerOptions = {}): ClusterController[] {
  const list: ClusterController[] = [rbacBootstrapController(), crdController(), garbageCollector(), namespaceController()];
  if (opts.simulate !== false) {
    list.push(workloadSimulator({ delayMs: opts.simulateDelayMs, onError: opts.onError ? (k, e) => opts.onError?.('workload-simulator', k, e) : undefined }));
  }
  return list;
}
