/**
 * Applying Lockstep's own objects (CRDs, Namespace, sync objects, credentials) with server-side apply
 * under one field manager, CRDs first, waiting until the API serves their kinds before objects of them.
 */
import { gitRepositoryApiVersion, gitRepositoryKind } from '../../api/gitrepository.js';
import { kustomizationApiVersion, kustomizationKind } from '../../api/kustomization.js';
import type { KubeClient } from '../../kube/client/index.js';
import { Status } from '../../kube/kstatus/index.js';
import { HealthCheckError } from '../../kube/ssa/errors.js';
import { waitForSet } from '../../kube/ssa/health.js';
import type { JsonObject, KubeObject } from '../../kube/object.js';
import { sleep } from '../output/context.js';

/** The field manager of objects the CLI applies (Flux's CLI uses `flux`; we keep ours distinct). */
export const cliFieldManager = 'lockstep';

/** Types the CLI and `up` read. */
export const gitRepositoryType = { apiVersion: gitRepositoryApiVersion, kind: gitRepositoryKind } as const;
export const kustomizationType = { apiVersion: kustomizationApiVersion, kind: kustomizationKind } as const;

const isCrd = (o: JsonObject): boolean => o['kind'] === 'CustomResourceDefinition';
const isNamespace = (o: JsonObject): boolean => o['kind'] === 'Namespace';

/** Polls until the API lists GitRepositories and Kustomizations (CRDs established), or throws at the timeout. */
export async function waitForLockstepKinds(client: KubeClient, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await client.list(gitRepositoryType, { namespace: 'default', pageSize: 1 });
      await client.list(kustomizationType, { namespace: 'default', pageSize: 1 });
      return;
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`the cluster does not serve Lockstep's kinds after ${Math.round(timeoutMs / 1000)}s: ${(err as Error).message}`);
      await sleep(200);
    }
  }
}

/**
 * Waits until the named Deployments are Current (kstatus, through the SSA manager's `waitForSet`: polls from
 * 250 ms backing off to 500 ms); throws with each one's status and message when one is Failed or at the timeout
 * (a missing Deployment counts as not yet Current).
 */
export async function waitForDeployments(client: KubeClient, opts: { namespace: string; names: readonly string[]; timeoutMs: number }): Promise<void> {
  const refs = opts.names.map((name) => ({ group: 'apps', version: 'v1', kind: 'Deployment', namespace: opts.namespace, name }));
  try {
    await waitForSet(client, refs, { timeoutMs: opts.timeoutMs, intervalMs: 500 });
  } catch (err) {
    if (!(err instanceof HealthCheckError)) throw err;
    const describe = err.objects
      .filter((x) => x.status !== Status.Current)
      .map((x) => `${x.ref.name}: ${x.status}${x.message ? ` (${x.message})` : ''}`)
      .join('; ');
    if (err.reason === 'Failed') throw new Error(`a controller Deployment failed: ${describe}`);
    throw new Error(`the controller Deployments are not available after ${Math.round(opts.timeoutMs / 1000)}s: ${describe}`);
  }
}

/**
 * Applies `objs` in order: CRDs, then Namespaces, then the rest (after the CRDs' kinds are served).
 * Returns the names applied, `Kind/name` form.
 */
export async function applyObjects(client: KubeClient, objs: readonly JsonObject[], opts: { fieldManager?: string } = {}): Promise<string[]> {
  const fieldManager = opts.fieldManager ?? cliFieldManager;
  const ordered = [...objs.filter(isCrd), ...objs.filter(isNamespace), ...objs.filter((o) => !isCrd(o) && !isNamespace(o))];
  const done: string[] = [];
  let crdsWaited = false;
  for (const o of ordered) {
    if (!isCrd(o) && !crdsWaited && objs.some(isCrd)) {
      await waitForLockstepKinds(client);
      crdsWaited = true;
    }
    const obj = o as unknown as KubeObject;
    await client.apply(obj, { fieldManager, force: true });
    done.push(`${obj.kind}/${obj.metadata.name ?? ''}`);
  }
  return done;
}
