/**
 * The checks of `lockstep check`: API server reachable and recent enough, Lockstep's CRDs present, the
 * controllers' Deployments available. Each check yields one result line; none throws.
 */
import semver from 'semver';
import { kindDefinitions } from '../../api/kinds.js';
import type { KubeClient } from '../../kube/client/index.js';
import { isJsonObject, type KubeObject } from '../../kube/object.js';

/** Oldest Kubernetes minor version supported (Flux v2's floor at the API versions we speak). */
export const minKubernetesVersion = '1.28.0';

/** One check's outcome. */
export interface CheckResult {
  ok: boolean;
  /** A warning does not fail `check`. */
  warning?: boolean;
  message: string;
}

/** GET /version and compare with {@link minKubernetesVersion}. */
export async function checkServer(client: KubeClient): Promise<CheckResult> {
  let v: unknown;
  try {
    v = await client.requestJson({ method: 'GET', path: '/version' });
  } catch (err) {
    return { ok: false, message: `cannot reach the API server at ${client.server}: ${(err as Error).message}` };
  }
  const git = isJsonObject(v) && typeof v['gitVersion'] === 'string' ? v['gitVersion'] : '';
  const parsed = semver.coerce(git);
  if (!parsed) return { ok: false, message: `API server at ${client.server} reports an unreadable version "${git}"` };
  if (semver.lt(parsed, minKubernetesVersion)) return { ok: false, message: `Kubernetes ${git} is older than the required >=${minKubernetesVersion}` };
  return { ok: true, message: `Kubernetes ${git} >=${minKubernetesVersion} at ${client.server}` };
}

/** Every Lockstep CRD exists and serves its version. */
export async function checkCrds(client: KubeClient): Promise<CheckResult[]> {
  const out: CheckResult[] = [];
  for (const def of kindDefinitions) {
    const name = `${def.plural}.${def.group}`;
    const crd = await client.tryGet({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', name }).catch(() => undefined);
    if (!crd) {
      out.push({ ok: false, message: `CRD ${name} is missing (run "lockstep install")` });
      continue;
    }
    const versions = (crd as KubeObject & { spec?: { versions?: { name?: string; served?: boolean }[] } }).spec?.versions ?? [];
    const served = versions.some((x) => x.name === def.version && x.served === true);
    out.push(served ? { ok: true, message: `${name}/${def.version}` } : { ok: false, message: `CRD ${name} does not serve ${def.version}` });
  }
  return out;
}

/** The controllers' Deployments in `namespace` are available; none found is a warning (in-process controllers). */
export async function checkControllers(client: KubeClient, namespace: string): Promise<CheckResult[]> {
  const list = await client.list({ apiVersion: 'apps/v1', kind: 'Deployment' }, { namespace, labelSelector: 'app.kubernetes.io/part-of=lockstep' }).catch(() => undefined);
  if (!list || list.items.length === 0) {
    return [{ ok: true, warning: true, message: `no controller Deployments in ${namespace}: controllers run in-process (lockstep up / lockstep controllers) are not checked` }];
  }
  return list.items.map((d) => {
    const st = (d as KubeObject & { status?: { availableReplicas?: number; replicas?: number } }).status ?? {};
    const want = (d as KubeObject & { spec?: { replicas?: number } }).spec?.replicas ?? 1;
    const ok = (st.availableReplicas ?? 0) >= want;
    const name = d.metadata.name ?? '';
    return { ok, message: ok ? `${name}: deployment ready` : `${name}: ${st.availableReplicas ?? 0}/${want} replicas available` };
  });
}
