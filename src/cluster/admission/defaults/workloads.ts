/**
 * Defaults of the apps/v1 and batch/v1 workloads (`pkg/apis/apps/v1/defaults.go`, `pkg/apis/batch/v1/defaults.go`)
 * and the Job selector/labels the Job strategy generates on create.
 */
import { randomUUID } from 'node:crypto';
import { type JsonObject } from '../../../kube/object.js';
import { defaultPodTemplate } from './pod.js';
import { child, ensure, objectItems, setDefault, str } from './util.js';

/** apps/v1 Deployment. */
export function defaultDeployment(o: JsonObject): void {
  const spec = ensure(o, 'spec');
  if (!spec) return;
  setDefault(spec, 'replicas', 1);
  const strategy = ensure(spec, 'strategy');
  if (strategy) {
    setDefault(strategy, 'type', 'RollingUpdate');
    if (strategy.type === 'RollingUpdate') {
      const ru = ensure(strategy, 'rollingUpdate');
      if (ru) {
        setDefault(ru, 'maxUnavailable', '25%');
        setDefault(ru, 'maxSurge', '25%');
      }
    }
  }
  setDefault(spec, 'revisionHistoryLimit', 10);
  setDefault(spec, 'progressDeadlineSeconds', 600);
  defaultPodTemplate(child(spec, 'template'));
}

/** apps/v1 ReplicaSet. */
export function defaultReplicaSet(o: JsonObject): void {
  const spec = ensure(o, 'spec');
  if (!spec) return;
  setDefault(spec, 'replicas', 1);
  defaultPodTemplate(child(spec, 'template'));
}

/** A PVC template of a StatefulSet (or a PVC's own spec/status). */
export function defaultClaim(pvc: JsonObject): void {
  const spec = ensure(pvc, 'spec');
  if (spec) setDefault(spec, 'volumeMode', 'Filesystem');
  const status = ensure(pvc, 'status');
  if (status) setDefault(status, 'phase', 'Pending');
}

/** apps/v1 StatefulSet. */
export function defaultStatefulSet(o: JsonObject): void {
  const spec = ensure(o, 'spec');
  if (!spec) return;
  setDefault(spec, 'replicas', 1);
  setDefault(spec, 'podManagementPolicy', 'OrderedReady');
  const us = ensure(spec, 'updateStrategy');
  if (us) {
    setDefault(us, 'type', 'RollingUpdate');
    if (us.type === 'RollingUpdate') {
      const ru = ensure(us, 'rollingUpdate');
      if (ru) setDefault(ru, 'partition', 0);
    }
  }
  setDefault(spec, 'revisionHistoryLimit', 10);
  const retention = ensure(spec, 'persistentVolumeClaimRetentionPolicy');
  if (retention) {
    setDefault(retention, 'whenDeleted', 'Retain');
    setDefault(retention, 'whenScaled', 'Retain');
  }
  for (const t of objectItems(spec, 'volumeClaimTemplates')) {
    setDefault(t, 'apiVersion', 'v1');
    setDefault(t, 'kind', 'PersistentVolumeClaim');
    defaultClaim(t);
  }
  defaultPodTemplate(child(spec, 'template'));
}

/** apps/v1 DaemonSet. */
export function defaultDaemonSet(o: JsonObject): void {
  const spec = ensure(o, 'spec');
  if (!spec) return;
  const us = ensure(spec, 'updateStrategy');
  if (us) {
    setDefault(us, 'type', 'RollingUpdate');
    if (us.type === 'RollingUpdate') {
      const ru = ensure(us, 'rollingUpdate');
      if (ru) {
        setDefault(ru, 'maxUnavailable', 1);
        setDefault(ru, 'maxSurge', 0);
      }
    }
  }
  setDefault(spec, 'revisionHistoryLimit', 10);
  defaultPodTemplate(child(spec, 'template'));
}

/** The Job spec defaults shared by Jobs (not by CronJob templates, which the API server leaves alone). */
function defaultJobSpec(spec: JsonObject): void {
  if (spec.completions === undefined && spec.parallelism === undefined) {
    spec.completions = 1;
    spec.parallelism = 1;
  }
  setDefault(spec, 'parallelism', 1);
  setDefault(spec, 'backoffLimit', 6);
  setDefault(spec, 'completionMode', 'NonIndexed');
  setDefault(spec, 'suspend', false);
  setDefault(spec, 'podReplacementPolicy', spec.podFailurePolicy ? 'Failed' : 'TerminatingOrFailed');
}

/**
 * batch/v1 Job. On create (unless `spec.manualSelector`), also the generated selector and template labels
 * (`batch.kubernetes.io/controller-uid`, `batch.kubernetes.io/job-name` and their legacy twins). This needs the
 * uid: when `metadata.uid` is absent it is assigned here (the server must keep an assigned uid).
 */
export function defaultJob(o: JsonObject, create: boolean, old?: JsonObject): void {
  const spec = ensure(o, 'spec');
  if (!spec) return;
  defaultJobSpec(spec);
  defaultPodTemplate(child(spec, 'template'));
  if (!create && old) keepGenerated(spec, child(old, 'spec'));
  if (!create || spec.manualSelector === true) return;
  const meta = ensure(o, 'metadata');
  if (!meta) return;
  if (!str(meta, 'uid')) meta.uid = randomUUID();
  const uid = str(meta, 'uid') ?? '';
  const name = str(meta, 'name');
  if (spec.selector === undefined || spec.selector === null) {
    spec.selector = { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } };
  }
  const template = child(spec, 'template');
  const tmeta = template ? ensure(template, 'metadata') : undefined;
  const labels = tmeta ? ensure(tmeta, 'labels') : undefined;
  if (labels) {
    setDefault(labels, 'batch.kubernetes.io/controller-uid', uid);
    setDefault(labels, 'controller-uid', uid);
    if (name !== undefined) {
      setDefault(labels, 'batch.kubernetes.io/job-name', name);
      setDefault(labels, 'job-name', name);
    }
  }
}

const generatedLabels = ['batch.kubernetes.io/controller-uid', 'controller-uid', 'batch.kubernetes.io/job-name', 'job-name'];

/**
 * On update, the selector and template labels the server generated at creation are kept when the new object
 * omits them (the API server generates them after field ownership is recorded, so an apply that does not
 * mention them — e.g. after kubectl's server-side-apply migration — never removes them).
 */
function keepGenerated(spec: JsonObject, old: JsonObject | undefined): void {
  if (!old || old.manualSelector === true) return;
  if ((spec.selector === undefined || spec.selector === null) && old.selector !== undefined) spec.selector = structuredClone(old.selector);
  const oldLabels = child(child(child(old, 'template'), 'metadata'), 'labels');
  const template = child(spec, 'template');
  if (!oldLabels || !template) return;
  const meta = ensure(template, 'metadata');
  const labels = meta ? ensure(meta, 'labels') : undefined;
  if (!labels) return;
  for (const k of generatedLabels) if (labels[k] === undefined && typeof oldLabels[k] === 'string') labels[k] = oldLabels[k];
}

/** batch/v1 CronJob. */
export function defaultCronJob(o: JsonObject): void {
  const spec = ensure(o, 'spec');
  if (!spec) return;
  setDefault(spec, 'concurrencyPolicy', 'Allow');
  setDefault(spec, 'suspend', false);
  setDefault(spec, 'successfulJobsHistoryLimit', 3);
  setDefault(spec, 'failedJobsHistoryLimit', 1);
  defaultPodTemplate(child(child(child(spec, 'jobTemplate'), 'spec'), 'template'));
}
