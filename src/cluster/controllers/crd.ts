/**
 * CustomResourceDefinition status, as the apiextensions server's controllers write it: NamesAccepted and
 * Established conditions, `acceptedNames` and `storedVersions`. (Name conflicts between CRDs are not checked.)
 */
import { isJsonObject, type JsonObject, type JsonValue, type KubeObject } from '../../kube/object.js';
import type { ClusterController, InternalClient } from '../plugins.js';
import { WorkQueue } from './queue.js';
import { mergeConditions, R, specOf, statusOf, writeStatus } from './util.js';

/** The status a healthy CRD has. */
export function crdStatus(crd: KubeObject): JsonObject {
  const spec = specOf(crd);
  const names = isJsonObject(spec.names) ? spec.names : {};
  const accepted: JsonObject = {};
  for (const k of ['plural', 'singular', 'shortNames', 'kind', 'listKind', 'categories']) if (names[k] !== undefined) accepted[k] = names[k] as JsonValue;
  const versions = Array.isArray(spec.versions) ? spec.versions.filter(isJsonObject) : [];
  const storage = versions.find((v) => v.storage === true)?.name;
  const old = statusOf(crd);
  const stored = Array.isArray(old.storedVersions) ? old.storedVersions.filter((v): v is string => typeof v === 'string') : [];
  if (typeof storage === 'string' && !stored.includes(storage)) stored.push(storage);
  return {
    ...old,
    conditions: mergeConditions(old.conditions, [
      { type: 'NamesAccepted', status: 'True', reason: 'NoConflicts', message: 'no conflicts found' },
      { type: 'Established', status: 'True', reason: 'InitialNamesAccepted', message: 'the initial names have been accepted' },
    ]),
    acceptedNames: accepted,
    storedVersions: stored,
  };
}

/** Creates the CRD status controller. */
export function crdController(): ClusterController {
  let api: InternalClient | undefined;
  let unsubscribe: (() => void) | undefined;
  const queue = new WorkQueue({
    handle(name) {
      const crd = api?.get(R.crds, name);
      if (!api || !crd || crd.metadata.deletionTimestamp) return;
      writeStatus(api, R.crds, crd, crdStatus(crd));
    },
  });
  return {
    name: 'customresourcedefinitions',
    start(client) {
      api = client;
      const rv = client.currentResourceVersion();
      for (const c of client.list(R.crds).items) queue.add(c.metadata.name ?? '');
      unsubscribe = client.watch(R.crds, rv, (ev) => {
        if (ev.type !== 'DELETED') queue.add(ev.object.metadata.name ?? '');
      });
    },
    async stop() {
      unsubscribe?.();
      queue.stop();
      await Promise.resolve();
    },
  };
}
