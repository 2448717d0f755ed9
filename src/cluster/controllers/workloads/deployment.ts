/**
 * Deployment simulation: one ReplicaSet per pod template (`<name>-<pod-template-hash>`, revision annotations as
 * the deployment controller writes them), the current one scaled to `spec.replicas` and older ones to zero
 * (kept up to `revisionHistoryLimit`), and status with the real conditions: Available
 * (MinimumReplicasAvailable / MinimumReplicasUnavailable) and Progressing (NewReplicaSetAvailable,
 * ReplicaSetUpdated, or ProgressDeadlineExceeded when the pods crash under `simulate: fail`).
 * Rollouts are not gradual: the new ReplicaSet is scaled up and old ones down at once.
 */
import { isJsonObject, type JsonObject, type JsonValue, type KubeObject } from '../../../kube/object.js';
import type { InternalClient } from '../../plugins.js';
import { controllerRef, mergeConditions, ownerRefTo, R, simulateAnnotation, simulateMode, specOf, statusOf, writeStatus, type Condition } from '../util.js';
import { recordEvent } from '../events.js';
import { matchLabelsSelector, ownedPods, podPhase, scaledValue, templateHash } from './common.js';

const revisionKey = 'deployment.kubernetes.io/revision';

function revisionOf(o: KubeObject): number {
  const v = Number(o.metadata.annotations?.[revisionKey] ?? '0');
  return Number.isFinite(v) ? v : 0;
}

function num(v: JsonValue | undefined): number {
  return typeof v === 'number' ? v : 0;
}

function newReplicaSet(d: KubeObject, hash: string, revision: number): KubeObject {
  const spec = specOf(d);
  const replicas = typeof spec.replicas === 'number' ? spec.replicas : 1;
  const template = structuredClone(isJsonObject(spec.template) ? spec.template : {});
  const tmeta = isJsonObject(template.metadata) ? template.metadata : (template.metadata = {});
  const labels = { ...(isJsonObject(tmeta.labels) ? (tmeta.labels as Record<string, string>) : {}), 'pod-template-hash': hash };
  tmeta.labels = labels;
  const sel = isJsonObject(spec.selector) ? structuredClone(spec.selector) : {};
  sel.matchLabels = { ...(isJsonObject(sel.matchLabels) ? sel.matchLabels : {}), 'pod-template-hash': hash };
  const surge = scaledValue((specOf(d).strategy as JsonObject | undefined)?.rollingUpdate ? ((specOf(d).strategy as JsonObject).rollingUpdate as JsonObject).maxSurge : 0, replicas, true);
  const annotations: Record<string, string> = {
    'deployment.kubernetes.io/desired-replicas': String(replicas),
    'deployment.kubernetes.io/max-replicas': String(replicas + surge),
    [revisionKey]: String(revision),
  };
  const mode = simulateMode(d);
  if (mode) annotations[simulateAnnotation] = mode;
  const rsSpec: JsonObject = { replicas, selector: sel, template };
  if (typeof spec.minReadySeconds === 'number') rsSpec.minReadySeconds = spec.minReadySeconds;
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name: `${d.metadata.name ?? ''}-${hash}`, namespace: d.metadata.namespace, labels, annotations, ownerReferences: [ownerRefTo(d)] },
    spec: rsSpec,
  };
}

function maxUnavailable(d: KubeObject, replicas: number): number {
  const strategy = isJsonObject(specOf(d).strategy) ? (specOf(d).strategy as JsonObject) : {};
  if (strategy.type === 'Recreate' || replicas === 0) return 0;
  const ru = isJsonObject(strategy.rollingUpdate) ? strategy.rollingUpdate : {};
  return Math.min(replicas, scaledValue(ru.maxUnavailable ?? '25%', replicas, false));
}

/** Deployment status from its ReplicaSets (and the new one's pods, for the failure simulation). */
export function deploymentStatus(d: KubeObject, sets: { all: readonly KubeObject[]; current: KubeObject; currentPods: readonly KubeObject[] }): JsonObject {
  const desired = typeof specOf(d).replicas === 'number' ? (specOf(d).replicas as number) : 1;
  const sum = (k: string): number => sets.all.reduce((n, rs) => n + num(statusOf(rs)[k]), 0);
  const replicas = sum('replicas');
  const updated = num(statusOf(sets.current).replicas);
  const ready = sum('readyReplicas');
  const available = sum('availableReplicas');
  const rsName = sets.current.metadata.name ?? '';
  const minAvailable = desired - maxUnavailable(d, desired);
  const availableCond: Condition =
    available >= minAvailable
      ? { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' }
      : { type: 'Available', status: 'False', reason: 'MinimumReplicasUnavailable', message: 'Deployment does not have minimum availability.' };
  const complete = updated === desired && replicas === desired && available === desired;
  // the new pods crash (simulate: fail on the Deployment or in its pod template) once the kubelet reported them
  const crashed = sets.currentPods.length > 0 && sets.currentPods.every((p) => podPhase(p) !== 'Pending') && sets.currentPods.some((p) => simulateMode(p) === 'fail');
  const progressing: Condition = specOf(d).paused === true
    ? { type: 'Progressing', status: 'Unknown', reason: 'DeploymentPaused', message: 'Deployment is paused' }
    : complete
    ? { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable', message: `ReplicaSet "${rsName}" has successfully progressed.` }
    : crashed
      ? { type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: `ReplicaSet "${rsName}" has timed out progressing.` }
      : { type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated', message: `ReplicaSet "${rsName}" is progressing.` };
  const old = statusOf(d);
  const status: JsonObject = {};
  if (typeof d.metadata.generation === 'number') status.observedGeneration = d.metadata.generation;
  if (replicas > 0) status.replicas = replicas;
  if (updated > 0) status.updatedReplicas = updated;
  if (ready > 0) status.readyReplicas = ready;
  if (available > 0) status.availableReplicas = available;
  if (desired - available > 0) status.unavailableReplicas = desired - available;
  status.conditions = mergeConditions(old.conditions, [availableCond, progressing], { updateTime: true });
  if (old.collisionCount !== undefined) status.collisionCount = old.collisionCount as JsonValue;
  return status;
}

function syncReplicas(api: InternalClient, rs: KubeObject, opts: { replicas: number; revision?: number; owner: KubeObject }): KubeObject {
  const { replicas, revision } = opts;
  const spec = specOf(rs);
  const annotations = { ...rs.metadata.annotations };
  if (revision !== undefined) annotations[revisionKey] = String(revision);
  if (spec.replicas === replicas && (revision === undefined || revisionOf(rs) === revision)) return rs;
  const out = api.update(R.replicasets, { ...rs, metadata: { ...rs.metadata, annotations }, spec: { ...spec, replicas } } as KubeObject);
  const was = num(spec.replicas as JsonValue);
  if (was !== replicas) {
    const message = replicas > was ? `Scaled up replica set ${rs.metadata.name ?? ''} from ${was} to ${replicas}` : `Scaled down replica set ${rs.metadata.name ?? ''} from ${was} to ${replicas}`;
    recordEvent(api, opts.owner, { type: 'Normal', reason: 'ScalingReplicaSet', message, component: 'deployment-controller' });
  }
  return out;
}

/** Reconciles one Deployment: ReplicaSets, revision annotation, status. */
export function reconcileDeployment(api: InternalClient, d: KubeObject): void {
  if (d.metadata.deletionTimestamp) return;
  const spec = specOf(d);
  const desired = typeof spec.replicas === 'number' ? spec.replicas : 1;
  const hash = templateHash(spec.template as JsonValue);
  const labelSelector = matchLabelsSelector(d);
  const owned = api.list(R.replicasets, { namespace: d.metadata.namespace, labelSelector, ownerUid: d.metadata.uid ?? '' }).items.filter((rs) => controllerRef(rs)?.uid === d.metadata.uid);
  const maxRev = owned.reduce((m, rs) => Math.max(m, revisionOf(rs)), 0);
  const paused = spec.paused === true;
  let current = owned.find((rs) => rs.metadata.labels?.['pod-template-hash'] === hash);
  // paused: a changed template is not rolled out (the newest ReplicaSet stays current)
  if (!current && paused) current = [...owned].sort((a, b) => revisionOf(b) - revisionOf(a))[0];
  if (!current) {
    current = api.create(R.replicasets, newReplicaSet(d, hash, maxRev + 1));
    recordEvent(api, d, { type: 'Normal', reason: 'ScalingReplicaSet', message: `Scaled up replica set ${current.metadata.name ?? ''} from 0 to ${desired}`, component: 'deployment-controller' });
  } else if (!paused) current = syncReplicas(api, current, { replicas: desired, revision: revisionOf(current) === maxRev ? undefined : maxRev + 1, owner: d });
  const olds = owned.filter((rs) => rs.metadata.uid !== current?.metadata.uid);
  // RollingUpdate keeps old pods until the new ReplicaSet is fully available (availability holds, as with a
  // real surge rollout; a failing new template leaves the old pods serving); Recreate drops them at once.
  const rolling = (specOf(d).strategy as JsonObject | undefined)?.type !== 'Recreate';
  const newReady = num(statusOf(current).availableReplicas) >= desired;
  if (!paused && (!rolling || newReady)) for (const rs of olds) syncReplicas(api, rs, { replicas: 0, owner: d });
  const limit = typeof spec.revisionHistoryLimit === 'number' ? spec.revisionHistoryLimit : 10;
  const retired = olds.filter((rs) => num(statusOf(rs).replicas) === 0).sort((a, b) => revisionOf(a) - revisionOf(b));
  for (const rs of retired.slice(0, Math.max(0, retired.length - limit))) api.delete(R.replicasets, rs.metadata.name ?? '', rs.metadata.namespace);
  const rev = String(revisionOf(current));
  let latest = api.get(R.deployments, d.metadata.name ?? '', d.metadata.namespace) ?? d;
  if (latest.metadata.annotations?.[revisionKey] !== rev) {
    latest = api.update(R.deployments, { ...latest, metadata: { ...latest.metadata, annotations: { ...latest.metadata.annotations, [revisionKey]: rev } } } as KubeObject);
  }
  const all = api.list(R.replicasets, { namespace: d.metadata.namespace, labelSelector, ownerUid: d.metadata.uid ?? '' }).items.filter((rs) => controllerRef(rs)?.uid === d.metadata.uid);
  const cur = all.find((rs) => rs.metadata.uid === current?.metadata.uid) ?? current;
  writeStatus(api, R.deployments, latest, deploymentStatus(latest, { all, current: cur, currentPods: ownedPods(api, cur.metadata.namespace, cur) }));
}
