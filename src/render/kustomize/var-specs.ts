/** kustomize v5.5.0's built-in varReference field specs. */
import type { FieldSpec } from './fieldspec.js';

const CONTAINER_FIELDS = ['args', 'command', 'env/value', 'volumeMounts/mountPath'];

function workload(prefix: string, kind: string, nfs: string): FieldSpec[] {
  const out: FieldSpec[] = [];
  for (const c of ['containers', 'initContainers']) for (const f of CONTAINER_FIELDS) out.push({ path: `${prefix}spec/${c}/${f}`, kind });
  out.push({ path: nfs, kind });
  return out;
}

/** kustomize's varReference configuration. */
export const VAR_REFERENCE_SPECS: FieldSpec[] = [
  ...workload('spec/jobTemplate/spec/template/', 'CronJob', 'spec/jobTemplate/spec/template/volumes/nfs/server'),
  ...workload('spec/template/', 'DaemonSet', 'spec/template/spec/volumes/nfs/server'),
  ...workload('spec/template/', 'Deployment', 'spec/template/spec/volumes/nfs/server'),
  { path: 'spec/template/metadata/annotations', kind: 'Deployment' },
  { path: 'spec/rules/host', kind: 'Ingress' },
  { path: 'spec/tls/hosts', kind: 'Ingress' },
  { path: 'spec/tls/secretName', kind: 'Ingress' },
  ...workload('spec/template/', 'Job', 'spec/template/spec/volumes/nfs/server'),
  ...workload('', 'Pod', 'spec/volumes/nfs/server'),
  ...workload('spec/template/', 'ReplicaSet', 'spec/template/spec/volumes/nfs/server'),
  { path: 'spec/ports/port', kind: 'Service' },
  { path: 'spec/ports/targetPort', kind: 'Service' },
  ...workload('spec/template/', 'StatefulSet', 'spec/volumeClaimTemplates/spec/nfs/server'),
  { path: 'spec/nfs/server', kind: 'PersistentVolume' },
  { path: 'metadata/labels' },
  { path: 'metadata/annotations' },
];

