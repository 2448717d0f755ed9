/** Validation of apps/v1 and batch/v1 workloads: required selectors, selector/template agreement, immutable fields. */
import { isJsonObject, jsonEqual, type JsonObject, type JsonValue } from '../../../kube/object.js';
import { fieldErr, type FieldError } from '../field-errors.js';
import { goLabelSelector, goStringMap } from './go-format.js';
import { validatePodSpec } from './podspec.js';

function obj(v: JsonValue | undefined): JsonObject | undefined {
  return isJsonObject(v) ? v : undefined;
}

/** True when a label selector matches the labels (matchLabels and matchExpressions). */
export function selectorMatches(sel: JsonObject, labels: Record<string, JsonValue>): boolean {
  const ml = obj(sel.matchLabels) ?? {};
  for (const [k, v] of Object.entries(ml)) if (labels[k] !== v) return false;
  for (const e of Array.isArray(sel.matchExpressions) ? sel.matchExpressions : []) {
    if (!isJsonObject(e) || typeof e.key !== 'string') continue;
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    const values = Array.isArray(e.values) ? e.values : [];
    const val = labels[e.key];
    const ok =
      e.operator === 'In' ? has && values.includes(val as JsonValue)
      : e.operator === 'NotIn' ? !has || !values.includes(val as JsonValue)
      : e.operator === 'Exists' ? has
      : e.operator === 'DoesNotExist' ? !has
      : false;
    if (!ok) return false;
  }
  return true;
}

function selectorEmpty(sel: JsonObject): boolean {
  const ml = obj(sel.matchLabels);
  const me = sel.matchExpressions;
  return (!ml || Object.keys(ml).length === 0) && (!Array.isArray(me) || me.length === 0);
}

/** Selector, template and replicas of a Deployment/ReplicaSet/StatefulSet/DaemonSet. */
export function validateControllerSpec(spec: JsonObject | undefined, what: string, restartPolicies: readonly string[] = ['Always']): FieldError[] {
  if (!spec) return [fieldErr.required('spec.selector'), fieldErr.required('spec.template')];
  const errs: FieldError[] = [];
  const sel = obj(spec.selector);
  const template = obj(spec.template);
  const labels = obj(obj(template?.metadata)?.labels) ?? {};
  if (!sel) errs.push(fieldErr.required('spec.selector'));
  else if (selectorEmpty(sel)) errs.push(fieldErr.invalid('spec.selector', { goText: goLabelSelector(sel) }, `empty selector is invalid for ${what}`));
  else if (template && !selectorMatches(sel, labels)) {
    errs.push(fieldErr.invalid('spec.template.metadata.labels', { goText: goStringMap(labels) }, '`selector` does not match template `labels`'));
  }
  if (typeof spec.replicas === 'number' && spec.replicas < 0) errs.push(fieldErr.invalid('spec.replicas', spec.replicas, 'must be greater than or equal to 0'));
  if (!template) errs.push(fieldErr.required('spec.template'));
  else errs.push(...validatePodSpec(obj(template.spec), 'spec.template.spec', restartPolicies));
  return errs;
}

/** `spec.selector` may not change (Deployment, ReplicaSet, DaemonSet in apps/v1). */
export function selectorImmutable(spec: JsonObject | undefined, old: JsonObject | undefined): FieldError[] {
  if (!spec || !old || jsonEqual(spec.selector, old.selector)) return [];
  return [fieldErr.invalid('spec.selector', { goText: goLabelSelector(spec.selector) }, 'field is immutable')];
}

const stsMutable = ['replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy', 'minReadySeconds'];

/** StatefulSet: only replicas, ordinals, template, updateStrategy, PVC retention policy and minReadySeconds may change. */
export function statefulSetUpdate(spec: JsonObject | undefined, old: JsonObject | undefined): FieldError[] {
  if (!spec || !old) return [];
  const strip = (s: JsonObject): JsonObject => Object.fromEntries(Object.entries(s).filter(([k]) => !stsMutable.includes(k)));
  if (jsonEqual(strip(spec), strip(old))) return [];
  return [
    fieldErr.forbidden(
      'spec',
      "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
    ),
  ];
}

/** A Job: template with OnFailure/Never, selector matching (when given); on update selector, template and completions frozen. */
export function validateJob(spec: JsonObject | undefined, old: JsonObject | undefined): FieldError[] {
  const errs: FieldError[] = [];
  const template = obj(spec?.template);
  if (!template) errs.push(fieldErr.required('spec.template'));
  else errs.push(...validatePodSpec(obj(template.spec), 'spec.template.spec', ['OnFailure', 'Never']));
  for (const k of ['parallelism', 'completions', 'backoffLimit', 'activeDeadlineSeconds']) {
    const v = spec?.[k];
    if (typeof v === 'number' && v < 0) errs.push(fieldErr.invalid(`spec.${k}`, v, 'must be greater than or equal to 0'));
  }
  if (!spec || !old) return errs;
  if (!jsonEqual(spec.selector, old.selector)) errs.push(fieldErr.invalid('spec.selector', { goText: goLabelSelector(spec.selector) }, 'field is immutable'));
  if (!jsonEqual(spec.template, old.template)) {
    errs.push(fieldErr.invalid('spec.template', { goText: `core.PodTemplateSpec${JSON.stringify(spec.template ?? null)}` }, 'field is immutable'));
  }
  if (!jsonEqual(spec.completions, old.completions)) errs.push(fieldErr.invalid('spec.completions', spec.completions ?? null, 'field is immutable'));
  if (!jsonEqual(spec.completionMode, old.completionMode)) errs.push(fieldErr.invalid('spec.completionMode', spec.completionMode ?? null, 'field is immutable'));
  return errs;
}

/** A CronJob: schedule and job template. */
export function validateCronJob(spec: JsonObject | undefined): FieldError[] {
  const errs: FieldError[] = [];
  if (typeof spec?.schedule !== 'string' || spec.schedule === '') errs.push(fieldErr.required('spec.schedule'));
  const template = obj(obj(obj(spec?.jobTemplate)?.spec)?.template);
  if (!template) errs.push(fieldErr.required('spec.jobTemplate.spec.template'));
  else errs.push(...validatePodSpec(obj(template.spec), 'spec.jobTemplate.spec.template.spec', ['OnFailure', 'Never']));
  const policies = ['Allow', 'Forbid', 'Replace'];
  if (typeof spec?.concurrencyPolicy === 'string' && !policies.includes(spec.concurrencyPolicy)) {
    errs.push(fieldErr.notSupported('spec.concurrencyPolicy', spec.concurrencyPolicy, policies));
  }
  return errs;
}
