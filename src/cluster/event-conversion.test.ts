import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../kube/object.js';
import { convertEventFor, toCoreEvent, toEventsEvent } from './event-conversion.js';

const core: KubeObject = {
  apiVersion: 'v1',
  kind: 'Event',
  metadata: { name: 'web.1', namespace: 'team' },
  involvedObject: { kind: 'Deployment', name: 'web', namespace: 'team' },
  reason: 'ScalingReplicaSet',
  message: 'Scaled up',
  type: 'Normal',
  source: { component: 'deployment-controller' },
  firstTimestamp: '2026-01-01T00:00:00Z',
  lastTimestamp: '2026-01-01T00:01:00Z',
  count: 2,
  reportingComponent: 'deployment-controller',
  reportingInstance: 'node-1',
  eventTime: null,
  action: 'Scale',
};

test('Events convert between core v1 and events.k8s.io field by field, and back', () => {
  const ev = toEventsEvent(core);
  assert.deepEqual(ev, {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: 'web.1', namespace: 'team' },
    regarding: { kind: 'Deployment', name: 'web', namespace: 'team' },
    reason: 'ScalingReplicaSet',
    note: 'Scaled up',
    type: 'Normal',
    deprecatedSource: { component: 'deployment-controller' },
    deprecatedFirstTimestamp: '2026-01-01T00:00:00Z',
    deprecatedLastTimestamp: '2026-01-01T00:01:00Z',
    deprecatedCount: 2,
    reportingController: 'deployment-controller',
    reportingInstance: 'node-1',
    eventTime: null,
    action: 'Scale',
  });
  // the shape is decided by the stored apiVersion: an events.k8s.io object converts back to the same core object
  assert.deepEqual(toCoreEvent({ ...ev, apiVersion: 'events.k8s.io/v1' }), { ...core, apiVersion: 'events.k8s.io/v1' });
  // already in the wanted shape: unchanged
  assert.equal(toCoreEvent(core), core);
  const stored = { ...ev, apiVersion: 'events.k8s.io/v1' };
  assert.equal(convertEventFor('events.k8s.io', stored), stored);
  assert.equal((convertEventFor('', stored) as { message?: string }).message, 'Scaled up');
});
