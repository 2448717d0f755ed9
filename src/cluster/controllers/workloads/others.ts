/**
 * StatefulSet, DaemonSet and Job simulation. StatefulSets get ordinal pods (`<name>-<i>`) and PVCs from
 * their claim templates; DaemonSets one pod (the cluster has one simulated node); Jobs run pods until
 * `completions` succeed (Complete) or more than `backoffLimit` fail (Failed, BackoffLimitExceeded).
 * Pods whose template changed are replaced at once (no ordered or surge-limited rollout).
 */
import { isJsonObject, type JsonObject, type JsonValue, type KubeObject } from '../../../kube/object.js';
import type { InternalClient, ResourceRef } from '../../plugins.js';
import { isRace, mergeConditions, nowStamp, R, specOf, statusOf, writeStatus, type Condition } from '../util.js';
import { recordEvent } from '../events.js';
import { activePods, ownedPods, podFromTemplate, podPhase, podReady, randomSuffix, templateHash } from './common.js';

function tryCreate(api: InternalClient, ref: ResourceRef, o: KubeObject): void {
  try {
    api.create(ref, o);
  } catch (e) {
    if (!isRace(e)) throw e;
  }
}

function tryDelete(api: InternalClient, ref: ResourceRef, o: KubeObject): void {
  try {
    api.delete(ref, o.metadata.name ?? '', o.metadata.namespace);
  } catch (e) {
    if (!isRace(e)) throw e;
  }
}

function template(o: KubeObject): JsonObject {
  const t = specOf(o).template;
  return isJsonObject(t) ? t : {};
}

function claimTemplates(sts: KubeObject): JsonObject[] {
  const v = specOf(sts).volumeClaimTemplates;
  return Array.isArray(v) ? v.filter(isJsonObject) : [];
}

function stsPod(sts: KubeObject, i: number, revision: string): KubeObject {
  const name = `${sts.metadata.name ?? ''}-${i}`;
  const pod = podFromTemplate(sts, template(sts), {
    name,
    labels: { 'controller-revision-hash': revision, 'statefulset.kubernetes.io/pod-name': name, 'apps.kubernetes.io/pod-index': String(i) },
  });
  const spec = pod.spec as JsonObject;
  const volumes = Array.isArray(spec.volumes) ? spec.volumes.filter(isJsonObject) : [];
  for (const t of claimTemplates(sts)) {
    const tname = String((t.metadata as JsonObject | undefined)?.name ?? '');
    if (!volumes.some((v) => v.name === tname)) volumes.push({ name: tname, persistentVolumeClaim: { claimName: `${tname}-${name}` } });
  }
  if (volumes.length > 0) spec.volumes = volumes;
  spec.hostname = name;
  if (typeof specOf(sts).serviceName === 'string') spec.subdomain = specOf(sts).serviceName as string;
  return pod;
}

function ensureClaims(api: InternalClient, sts: KubeObject, i: number): void {
  const sel = isJsonObject(specOf(sts).selector) ? (specOf(sts).selector as JsonObject) : {};
  const labels = isJsonObject(sel.matchLabels) ? (sel.matchLabels as Record<string, string>) : {};
  for (const t of claimTemplates(sts)) {
    const tname = String((t.metadata as JsonObject | undefined)?.name ?? '');
    const name = `${tname}-${sts.metadata.name ?? ''}-${i}`;
    if (api.get(R.pvcs, name, sts.metadata.namespace)) continue;
    tryCreate(api, R.pvcs, { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name, namespace: sts.metadata.namespace, labels: { ...labels } }, spec: structuredClone(isJsonObject(t.spec) ? t.spec : {}) });
  }
}

/** Reconciles a StatefulSet. */
export function reconcileStatefulSet(api: InternalClient, sts: KubeObject): void {
  if (sts.metadata.deletionTimestamp) return;
  const want = typeof specOf(sts).replicas === 'number' ? (specOf(sts).replicas as number) : 1;
  const revision = `${sts.metadata.name ?? ''}-${templateHash(template(sts))}`;
  const pods = activePods(ownedPods(api, sts.metadata.namespace, sts));
  const byName = new Map(pods.map((p) => [p.metadata.name ?? '', p]));
  for (let i = 0; i < want; i++) {
    const p = byName.get(`${sts.metadata.name ?? ''}-${i}`);
    if (p && p.metadata.labels?.['controller-revision-hash'] !== revision) tryDelete(api, R.pods, p);
    else if (!p) {
      ensureClaims(api, sts, i);
      tryCreate(api, R.pods, stsPod(sts, i, revision));
      const pod = `${sts.metadata.name ?? ''}-${i}`;
      recordEvent(api, sts, { type: 'Normal', reason: 'SuccessfulCreate', message: `create Pod ${pod} in StatefulSet ${sts.metadata.name ?? ''} successful`, component: 'statefulset-controller' });
    }
  }
  for (const p of pods) if (Number(p.metadata.labels?.['apps.kubernetes.io/pod-index'] ?? -1) >= want) tryDelete(api, R.pods, p);
  const now = activePods(ownedPods(api, sts.metadata.namespace, sts));
  const updated = now.filter((p) => p.metadata.labels?.['controller-revision-hash'] === revision).length;
  const ready = now.filter(podReady).length;
  const status: JsonObject = { replicas: now.length, availableReplicas: ready, collisionCount: 0, currentRevision: revision, updateRevision: revision };
  if (typeof sts.metadata.generation === 'number') status.observedGeneration = sts.metadata.generation;
  if (ready > 0) status.readyReplicas = ready;
  if (updated > 0) {
    status.currentReplicas = updated;
    status.updatedReplicas = updated;
  }
  const latest = api.get(R.statefulsets, sts.metadata.name ?? '', sts.metadata.namespace);
  if (latest) writeStatus(api, R.statefulsets, latest, status);
}

/** Reconciles a DaemonSet (one simulated node). */
export function reconcileDaemonSet(api: InternalClient, ds: KubeObject): void {
  if (ds.metadata.deletionTimestamp) return;
  const revision = templateHash(template(ds));
  const pods = activePods(ownedPods(api, ds.metadata.namespace, ds));
  for (const p of pods) if (p.metadata.labels?.['controller-revision-hash'] !== revision) tryDelete(api, R.pods, p);
  const current = pods.filter((p) => p.metadata.labels?.['controller-revision-hash'] === revision);
  if (current.length === 0) {
    const pod = podFromTemplate(ds, template(ds), { name: `${ds.metadata.name ?? ''}-${randomSuffix()}`, labels: { 'controller-revision-hash': revision, 'pod-template-generation': String(ds.metadata.generation ?? 1) } });
    tryCreate(api, R.pods, pod);
  }
  for (const extra of current.slice(1)) tryDelete(api, R.pods, extra);
  const now = activePods(ownedPods(api, ds.metadata.namespace, ds));
  const ready = now.filter(podReady).length;
  const status: JsonObject = { currentNumberScheduled: 1, desiredNumberScheduled: 1, numberMisscheduled: 0, numberReady: ready, updatedNumberScheduled: now.filter((p) => p.metadata.labels?.['controller-revision-hash'] === revision).length };
  if (ready > 0) status.numberAvailable = ready;
  if (ready < 1) status.numberUnavailable = 1;
  if (typeof ds.metadata.generation === 'number') status.observedGeneration = ds.metadata.generation;
  const latest = api.get(R.daemonsets, ds.metadata.name ?? '', ds.metadata.namespace);
  if (latest) writeStatus(api, R.daemonsets, latest, status);
}

function jobConditions(opts: { failed: boolean; complete: boolean; suspended: boolean }): Condition[] {
  if (opts.failed) {
    const c = { status: 'True', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' } as const;
    return [{ type: 'FailureTarget', ...c }, { type: 'Failed', ...c }];
  }
  if (opts.complete) {
    const c = { status: 'True', reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods' } as const;
    return [{ type: 'SuccessCriteriaMet', ...c }, { type: 'Complete', ...c }];
  }
  if (opts.suspended) return [{ type: 'Suspended', status: 'True', reason: 'JobSuspended', message: 'Job suspended' }];
  return [];
}

function finishedConditions(st: JsonObject): boolean {
  const conds = Array.isArray(st.conditions) ? st.conditions.filter(isJsonObject) : [];
  return conds.some((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');
}

function jobStatus(old: JsonObject, c: { active: KubeObject[]; succeeded: number; failedCount: number; failed: boolean; complete: boolean; suspended: boolean }): JsonObject {
  const now = nowStamp();
  const status: JsonObject = { ...old };
  for (const k of ['active', 'succeeded', 'failed']) delete status[k];
  if (!c.suspended && status.startTime === undefined) status.startTime = now;
  if (c.active.length > 0) status.active = c.active.length;
  if (c.succeeded > 0) status.succeeded = c.succeeded;
  if (c.failedCount > 0) status.failed = c.failedCount;
  status.ready = c.active.filter(podReady).length;
  status.terminating = 0;
  status.uncountedTerminatedPods = {};
  const conds = jobConditions({ failed: c.failed, complete: c.complete, suspended: c.suspended });
  if (conds.length > 0) status.conditions = mergeConditions(old.conditions as JsonValue, conds, { now });
  if (c.complete && status.completionTime === undefined) status.completionTime = now;
  return status;
}

/** Reconciles a Job. */
export function reconcileJob(api: InternalClient, job: KubeObject): void {
  if (job.metadata.deletionTimestamp || finishedConditions(statusOf(job))) return;
  const spec = specOf(job);
  const completions = typeof spec.completions === 'number' ? spec.completions : 1;
  const parallelism = typeof spec.parallelism === 'number' ? spec.parallelism : 1;
  const backoffLimit = typeof spec.backoffLimit === 'number' ? spec.backoffLimit : 6;
  const suspended = spec.suspend === true;
  const pods = ownedPods(api, job.metadata.namespace, job);
  const succeeded = pods.filter((p) => podPhase(p) === 'Succeeded').length;
  const failedCount = pods.filter((p) => podPhase(p) === 'Failed').length;
  let active = activePods(pods);
  const failed = failedCount > backoffLimit;
  const complete = !failed && succeeded >= completions;
  if (failed || complete || suspended) {
    for (const p of active) tryDelete(api, R.pods, p);
    active = [];
  } else {
    const want = Math.min(parallelism, completions - succeeded);
    for (let i = active.length; i < want; i++) {
      const name = `${job.metadata.name ?? ''}-${randomSuffix()}`;
      tryCreate(api, R.pods, podFromTemplate(job, template(job), { name }));
      recordEvent(api, job, { type: 'Normal', reason: 'SuccessfulCreate', message: `Created pod: ${name}`, component: 'job-controller' });
    }
    active = activePods(ownedPods(api, job.metadata.namespace, job));
  }
  const status = jobStatus(statusOf(job), { active, succeeded, failedCount, failed, complete, suspended });
  const latest = api.get(R.jobs, job.metadata.name ?? '', job.metadata.namespace);
  if (latest && writeStatus(api, R.jobs, latest, status)) {
    if (complete) recordEvent(api, latest, { type: 'Normal', reason: 'Completed', message: 'Job completed', component: 'job-controller' });
    if (failed) recordEvent(api, latest, { type: 'Warning', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit', component: 'job-controller' });
  }
}
