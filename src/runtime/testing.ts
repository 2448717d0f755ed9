/**
 * Test support for runtime users: a small `Widget` CRD (`test.lockstep.dev/v1`, status subresource,
 * schema-less spec/status) and a wait until the API server serves it.
 */
import type { KubeObject } from '../kube/object.js';
import type { KubeClient } from '../kube/client/index.js';
import { isAlreadyExists } from '../kube/client/index.js';

export const WIDGET = { apiVersion: 'test.lockstep.dev/v1', kind: 'Widget' } as const;

/** The Widget CRD. */
export function widgetCrd(): KubeObject {
  const open = { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'widgets.test.lockstep.dev' },
    spec: {
      group: 'test.lockstep.dev',
      scope: 'Namespaced',
      names: { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList' },
      versions: [{ name: 'v1', served: true, storage: true, subresources: { status: {} }, schema: { openAPIV3Schema: { type: 'object', properties: { spec: open, status: open } } } }],
    },
  };
}

/** Creates the Widget CRD (if absent) and waits until the kind resolves (up to 10 s). */
export async function installWidgetCrd(client: KubeClient): Promise<void> {
  try {
    await client.create(widgetCrd());
  } catch (err) {
    if (!isAlreadyExists(err)) throw err;
  }
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      await client.mappingFor(WIDGET);
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

/** A Widget object. */
export function widget(name: string, namespace: string, spec: Record<string, unknown> = {}): KubeObject {
  return { ...WIDGET, metadata: { name, namespace }, spec };
}
