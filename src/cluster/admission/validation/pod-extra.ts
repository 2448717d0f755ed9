/** More checks GitOps users run into: Deployment strategy consistency, volume mounts naming unknown volumes, Secret base64. */
import { isJsonObject, type JsonObject, type JsonValue } from '../../../kube/object.js';
import { fieldErr, type FieldError } from '../field-errors.js';

function obj(v: JsonValue | undefined): JsonObject | undefined {
  return isJsonObject(v) ? v : undefined;
}

function isZero(v: JsonValue | undefined): boolean {
  return v === 0 || v === '0' || v === '0%';
}

function intstr(v: JsonValue | undefined): string {
  return typeof v === 'number' ? `intstr.IntOrString{Type:0, IntVal:${v}, StrVal:""}` : `intstr.IntOrString{Type:1, IntVal:0, StrVal:${JSON.stringify(String(v ?? ''))}}`;
}

/** `spec.strategy` of a Deployment: no rollingUpdate with Recreate; maxUnavailable and maxSurge not both 0. */
export function deploymentStrategyErrors(spec: JsonObject | undefined): FieldError[] {
  const strategy = obj(spec?.strategy);
  if (!strategy) return [];
  const errs: FieldError[] = [];
  const types = ['Recreate', 'RollingUpdate'];
  if (typeof strategy.type === 'string' && !types.includes(strategy.type)) errs.push(fieldErr.notSupported('spec.strategy.type', strategy.type, types));
  const ru = obj(strategy.rollingUpdate);
  if (strategy.type === 'Recreate' && ru) errs.push(fieldErr.forbidden('spec.strategy.rollingUpdate', "may not be specified when strategy `type` is 'Recreate'"));
  if (strategy.type === 'RollingUpdate' && ru && isZero(ru.maxUnavailable) && isZero(ru.maxSurge)) {
    errs.push(fieldErr.invalid('spec.strategy.rollingUpdate.maxUnavailable', { goText: intstr(ru.maxUnavailable) }, 'may not be 0 when `maxSurge` is 0'));
  }
  return errs;
}

/** Volume mounts must name a volume of the pod (`Not found: "data"`). */
export function volumeMountErrors(podSpec: JsonObject | undefined, path: string): FieldError[] {
  if (!podSpec) return [];
  const volumes = new Set((Array.isArray(podSpec.volumes) ? podSpec.volumes : []).filter(isJsonObject).map((v) => v.name));
  const errs: FieldError[] = [];
  for (const key of ['containers', 'initContainers']) {
    (Array.isArray(podSpec[key]) ? (podSpec[key] as JsonValue[]) : []).forEach((c, i) => {
      if (!isJsonObject(c)) return;
      (Array.isArray(c.volumeMounts) ? c.volumeMounts : []).forEach((m, j) => {
        if (!isJsonObject(m)) return;
        const p = `${path}.${key}[${i}].volumeMounts[${j}]`;
        if (typeof m.name !== 'string' || m.name === '') errs.push(fieldErr.required(`${p}.name`));
        else if (!volumes.has(m.name)) errs.push({ type: 'FieldValueNotFound', field: `${p}.name`, value: m.name });
        if (typeof m.mountPath !== 'string' || m.mountPath === '') errs.push(fieldErr.required(`${p}.mountPath`));
      });
    });
  }
  return errs;
}

const b64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** The offset Go's base64 decoder reports for invalid input, or undefined when the value decodes. */
export function base64ErrorOffset(s: string): number | undefined {
  for (let i = 0; i < s.length; i++) {
    const c = s[i] ?? '';
    if (!/[A-Za-z0-9+/=]/.test(c)) return i;
  }
  if (b64.test(s) && s.length % 4 === 0) {
    const pad = s.indexOf('=');
    return pad >= 0 && pad < s.length - 2 ? pad : undefined;
  }
  const pad = s.indexOf('=');
  if (pad >= 0 && pad < s.length - 2) return pad;
  return s.length - (s.length % 4);
}
