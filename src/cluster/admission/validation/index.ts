/**
 * Built-in validation: {@link validateBuiltin} returns the field errors the API server would report for an
 * object of a built-in kind on create (no `oldObject`) or update (with it). Object names are validated by the
 * server core (`src/cluster/names.ts`), not here.
 */
import { isJsonObject, type JsonObject, type KubeObject } from '../../../kube/object.js';
import type { FieldError } from '../field-errors.js';
import { validateBinding, validateConfigData, validateIngress, validatePod, validatePVC, validateService } from './core.js';
import { validateCRD } from './crd-definition.js';
import { objectMetaErrors, templateMetaErrors } from './object-meta.js';
import { deploymentStrategyErrors, volumeMountErrors } from './pod-extra.js';
import { selectorImmutable, statefulSetUpdate, validateControllerSpec, validateCronJob, validateJob } from './workloads.js';

export { selectorMatches } from './workloads.js';
export { base64ErrorOffset } from './pod-extra.js';
export { objectMetaErrors, qualifiedNameErrors, labelErrors, annotationErrors } from './object-meta.js';
export { goLabelSelector } from './go-format.js';

type Validator = (o: JsonObject, old: JsonObject | undefined) => FieldError[];

const spec = (o: JsonObject | undefined): JsonObject | undefined => (o && isJsonObject(o.spec) ? o.spec : undefined);

const table: Record<string, Validator> = {
  'apps/Deployment': (o, old) => [...validateControllerSpec(spec(o), 'deployment'), ...deploymentStrategyErrors(spec(o)), ...selectorImmutable(spec(o), spec(old))],
  'apps/ReplicaSet': (o, old) => [...validateControllerSpec(spec(o), 'replicaset'), ...selectorImmutable(spec(o), spec(old))],
  'apps/DaemonSet': (o, old) => [...validateControllerSpec(spec(o), 'daemonset'), ...selectorImmutable(spec(o), spec(old))],
  'apps/StatefulSet': (o, old) => [...validateControllerSpec(spec(o), 'statefulset'), ...statefulSetUpdate(spec(o), spec(old))],
  'batch/Job': (o, old) => validateJob(spec(o), spec(old)),
  'batch/CronJob': (o) => validateCronJob(spec(o)),
  '/Pod': (o, old) => validatePod(spec(o), spec(old)),
  '/Service': (o, old) => validateService(spec(o), spec(old)),
  '/ConfigMap': (o, old) => validateConfigData(o, old, false),
  '/Secret': (o, old) => validateConfigData(o, old, true),
  '/PersistentVolumeClaim': (o, old) => validatePVC(spec(o), spec(old)),
  'rbac.authorization.k8s.io/RoleBinding': (o, old) => validateBinding(o, old, false),
  'rbac.authorization.k8s.io/ClusterRoleBinding': (o, old) => validateBinding(o, old, true),
  'networking.k8s.io/Ingress': (o) => validateIngress(spec(o)),
  'apiextensions.k8s.io/CustomResourceDefinition': (o, old) => validateCRD(o, old),
};

const templated = new Set(['apps/Deployment', 'apps/ReplicaSet', 'apps/DaemonSet', 'apps/StatefulSet', 'batch/Job', '/ReplicationController']);

/**
 * The field errors of an object: ObjectMeta (labels, annotations, finalizers) for every kind, plus the rules
 * of built-in kinds (empty when valid).
 */
export function validateBuiltin(obj: KubeObject, oldObject?: KubeObject): FieldError[] {
  const i = obj.apiVersion.indexOf('/');
  const group = i < 0 ? '' : obj.apiVersion.slice(0, i);
  const key = `${group}/${obj.kind}`;
  const o = obj as unknown as JsonObject;
  const errs = objectMetaErrors(o.metadata);
  if (templated.has(key)) {
    errs.push(...templateMetaErrors(o));
    const t = spec(o)?.template;
    errs.push(...volumeMountErrors(isJsonObject(t) && isJsonObject(t.spec) ? t.spec : undefined, 'spec.template.spec'));
  }
  if (key === '/Pod') errs.push(...volumeMountErrors(spec(o), 'spec'));
  const v = table[key];
  if (v) errs.push(...v(o, oldObject as unknown as JsonObject | undefined));
  return errs;
}
