/**
 * PersistentVolumeClaim binding (a PV `pvc-<uid>` is provisioned and both become Bound) and LoadBalancer
 * Service ingress addresses, as a provisioner and a cloud load balancer would do. `simulate: fail` or
 * `never-ready` leaves them Pending / without an address.
 */
import { isJsonObject, type JsonObject, type KubeObject } from '../../../kube/object.js';
import type { InternalClient } from '../../plugins.js';
import { R, simulateMode, specOf, statusOf, writeStatus } from '../util.js';
import { fnv32a } from './common.js';

function storageRequest(pvc: KubeObject): string {
  const res = specOf(pvc).resources;
  const req = isJsonObject(res) && isJsonObject(res.requests) ? res.requests : {};
  return typeof req.storage === 'string' ? req.storage : typeof req.storage === 'number' ? String(req.storage) : '1Gi';
}

function volumeFor(pvc: KubeObject, name: string): KubeObject {
  const spec = specOf(pvc);
  const pvSpec: JsonObject = {
    capacity: { storage: storageRequest(pvc) },
    accessModes: Array.isArray(spec.accessModes) ? spec.accessModes : ['ReadWriteOnce'],
    persistentVolumeReclaimPolicy: 'Delete',
    volumeMode: typeof spec.volumeMode === 'string' ? spec.volumeMode : 'Filesystem',
    hostPath: { path: `/var/lib/lockstep/volumes/${name}`, type: '' },
    claimRef: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', name: pvc.metadata.name ?? '', namespace: pvc.metadata.namespace ?? '', uid: pvc.metadata.uid ?? '', resourceVersion: pvc.metadata.resourceVersion ?? '' },
  };
  if (typeof spec.storageClassName === 'string') pvSpec.storageClassName = spec.storageClassName;
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name, annotations: { 'pv.kubernetes.io/provisioned-by': 'lockstep.dev/simulated' } },
    spec: pvSpec,
  };
}

/** Binds a PVC: provisions its PV, sets `spec.volumeName` and the binding annotations, then Bound statuses. */
export function reconcilePVC(api: InternalClient, pvc: KubeObject): void {
  if (pvc.metadata.deletionTimestamp || simulateMode(pvc)) return;
  const pvName = typeof specOf(pvc).volumeName === 'string' && specOf(pvc).volumeName ? String(specOf(pvc).volumeName) : `pvc-${pvc.metadata.uid ?? ''}`;
  let pv = api.get(R.pvs, pvName);
  if (!pv) pv = api.create(R.pvs, volumeFor(pvc, pvName));
  writeStatus(api, R.pvs, pv, { ...statusOf(pv), phase: 'Bound' });
  let claim = pvc;
  const ann = claim.metadata.annotations ?? {};
  if (specOf(claim).volumeName !== pvName || ann['pv.kubernetes.io/bind-completed'] !== 'yes') {
    claim = api.update(R.pvcs, {
      ...claim,
      metadata: { ...claim.metadata, annotations: { ...ann, 'pv.kubernetes.io/bind-completed': 'yes', 'pv.kubernetes.io/bound-by-controller': 'yes', 'volume.kubernetes.io/storage-provisioner': 'lockstep.dev/simulated' } },
      spec: { ...specOf(claim), volumeName: pvName },
    } as KubeObject);
  }
  const spec = specOf(claim);
  writeStatus(api, R.pvcs, claim, { ...statusOf(claim), phase: 'Bound', accessModes: Array.isArray(spec.accessModes) ? spec.accessModes : ['ReadWriteOnce'], capacity: { storage: storageRequest(claim) } });
}

/** Deletes the simulated PV of a deleted claim (reclaim policy Delete). */
export function releaseVolume(api: InternalClient, pvName: string): void {
  const pv = api.get(R.pvs, pvName);
  if (pv && specOf(pv).persistentVolumeReclaimPolicy === 'Delete') api.delete(R.pvs, pvName);
}

/** Gives a LoadBalancer Service an ingress IP (from 172.18.255.0/24); removes it when the type changes. */
export function reconcileService(api: InternalClient, svc: KubeObject): void {
  if (svc.metadata.deletionTimestamp) return;
  const st = statusOf(svc);
  const isLB = specOf(svc).type === 'LoadBalancer' && !simulateMode(svc);
  const ip = `172.18.255.${(fnv32a(`${svc.metadata.namespace ?? ''}/${svc.metadata.name ?? ''}`) % 250) + 1}`;
  const loadBalancer: JsonObject = isLB ? { ingress: [{ ip, ipMode: 'VIP' }] } : {};
  if (!isLB && (!isJsonObject(st.loadBalancer) || Object.keys(st.loadBalancer).length === 0)) return;
  writeStatus(api, R.services, svc, { ...st, loadBalancer });
}
