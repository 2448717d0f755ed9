/** The one simulated Node the workload simulation schedules pods on (`lockstep-control-plane`, Ready). */
import type { JsonObject, KubeObject } from '../../../kube/object.js';
import type { InternalClient } from '../../plugins.js';
import { gvr, isRace, mergeConditions, statusOf, writeStatus } from '../util.js';

/** Name of the simulated node. */
export const simulatedNodeName = 'lockstep-control-plane';

const nodes = gvr('', 'v1', 'nodes');

function nodeStatus(node: KubeObject): JsonObject {
  const resources = { cpu: '4', memory: '8Gi', pods: '110', 'ephemeral-storage': '100Gi' };
  const ok = (type: string, reason: string, message: string) => ({ type, status: 'False' as const, reason, message });
  return {
    ...statusOf(node),
    conditions: mergeConditions(statusOf(node).conditions, [
      ok('MemoryPressure', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
      ok('DiskPressure', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
      ok('PIDPressure', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
      { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' },
    ]),
    addresses: [
      { type: 'InternalIP', address: '172.18.0.2' },
      { type: 'Hostname', address: simulatedNodeName },
    ],
    capacity: resources,
    allocatable: resources,
    nodeInfo: {
      architecture: 'amd64',
      bootID: '',
      containerRuntimeVersion: 'containerd://1.7.24',
      kernelVersion: '6.1.0',
      kubeProxyVersion: 'v1.32.3',
      kubeletVersion: 'v1.32.3',
      machineID: '',
      operatingSystem: 'linux',
      osImage: 'Lockstep simulated node',
      systemUUID: '',
    },
  };
}

/** Creates the node when the cluster serves Nodes and it is missing, and keeps it Ready. */
export function ensureSimulatedNode(api: InternalClient): void {
  if (!api.resourceInfo(nodes)) return;
  let node = api.get(nodes, simulatedNodeName);
  try {
    node ??= api.create(nodes, {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: {
        name: simulatedNodeName,
        labels: {
          'kubernetes.io/hostname': simulatedNodeName,
          'kubernetes.io/os': 'linux',
          'kubernetes.io/arch': 'amd64',
          'node-role.kubernetes.io/control-plane': '',
        },
      },
      spec: { podCIDR: '10.244.0.0/24', podCIDRs: ['10.244.0.0/24'] },
    });
    writeStatus(api, nodes, node, nodeStatus(node));
  } catch (e) {
    if (!isRace(e)) throw e;
  }
}
