/**
 * Pod status simulation (what a kubelet would report): after the simulation delay a pod is Running and Ready
 * (Job pods: Succeeded), with IPs, start time and container statuses. `cluster.lockstep.dev/simulate: fail`
 * makes containers crash-loop (Job pods: Failed); `never-ready` keeps them running but not ready.
 */
import { isJsonObject, type JsonObject, type JsonValue, type KubeObject } from '../../../kube/object.js';
import { controllerRef, mergeConditions, nowStamp, simulateMode, specOf, statusOf, type Condition } from '../util.js';
import { fakeIP, fnv32a } from './common.js';

function containers(pod: KubeObject): JsonObject[] {
  const spec = specOf(pod);
  return Array.isArray(spec.containers) ? spec.containers.filter(isJsonObject) : [];
}

function imageID(image: string): string {
  const ref = image.includes('/') ? image : `docker.io/library/${image}`;
  const repo = ref.split('@')[0]?.replace(/:[^/:]+$/, '') ?? ref;
  const digest = (fnv32a(image).toString(16).padStart(8, '0')).repeat(8);
  return `${repo}@sha256:${digest}`;
}

type Outcome = 'ready' | 'crash' | 'unready' | 'succeeded' | 'failed';

function outcome(pod: KubeObject): Outcome {
  const mode = simulateMode(pod);
  const runsToCompletion = controllerRef(pod)?.kind === 'Job' || specOf(pod).restartPolicy === 'Never';
  if (runsToCompletion) return mode === 'fail' ? 'failed' : mode === 'never-ready' ? 'unready' : 'succeeded';
  return mode === 'fail' ? 'crash' : mode === 'never-ready' ? 'unready' : 'ready';
}

function containerStatus(c: JsonObject, pod: KubeObject, o: Outcome, started: string): JsonObject {
  const image = typeof c.image === 'string' ? c.image : '';
  const name = typeof c.name === 'string' ? c.name : '';
  const base: JsonObject = { name, image, imageID: imageID(image), containerID: `containerd://${fnv32a(`${pod.metadata.uid ?? ''}/${name}`).toString(16).padStart(8, '0').repeat(8)}` };
  const terminated = (exitCode: number, reason: string): JsonObject => ({ terminated: { exitCode, reason, startedAt: started, finishedAt: started, containerID: base.containerID as string } });
  switch (o) {
    case 'ready':
      return { ...base, ready: true, started: true, restartCount: 0, state: { running: { startedAt: started } }, lastState: {} };
    case 'unready':
      return { ...base, ready: false, started: true, restartCount: 0, state: { running: { startedAt: started } }, lastState: {} };
    case 'succeeded':
      return { ...base, ready: false, started: false, restartCount: 0, state: terminated(0, 'Completed'), lastState: {} };
    case 'failed':
      return { ...base, ready: false, started: false, restartCount: 0, state: terminated(1, 'Error'), lastState: {} };
    case 'crash':
      return {
        ...base,
        ready: false,
        started: false,
        restartCount: 1,
        state: { waiting: { reason: 'CrashLoopBackOff', message: `back-off 10s restarting failed container=${name} pod=${pod.metadata.name ?? ''}_${pod.metadata.namespace ?? ''}(${pod.metadata.uid ?? ''})` } },
        lastState: terminated(1, 'Error'),
      };
  }
}

function podConditions(o: Outcome, unready: string[]): Condition[] {
  const finished = o === 'succeeded' || o === 'failed';
  const ready = o === 'ready';
  const notReady: Condition = finished
    ? { type: 'Ready', status: 'False', reason: 'PodCompleted', message: '' }
    : { type: 'Ready', status: 'False', reason: 'ContainersNotReady', message: `containers with unready status: [${unready.join(' ')}]` };
  return [
    { type: 'PodReadyToStartContainers', status: finished ? 'False' : 'True', reason: '', message: '' },
    { type: 'Initialized', status: 'True', reason: finished ? 'PodCompleted' : '', message: '' },
    ready ? { type: 'Ready', status: 'True', reason: '', message: '' } : notReady,
    ready ? { type: 'ContainersReady', status: 'True', reason: '', message: '' } : { ...notReady, type: 'ContainersReady' },
    { type: 'PodScheduled', status: 'True', reason: '', message: '' },
  ];
}

function clean(conds: JsonObject[]): JsonObject[] {
  return conds.map((c) => {
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(c)) if (!((k === 'reason' || k === 'message') && v === '')) out[k] = v as JsonValue;
    return out;
  });
}

/** The status a simulated kubelet reports for the pod now (previous timestamps kept when nothing changed). */
export function simulatedPodStatus(pod: KubeObject, now = nowStamp()): JsonObject {
  const old = statusOf(pod);
  const o = outcome(pod);
  const started = typeof old.startTime === 'string' ? old.startTime : now;
  const statuses = containers(pod).map((c) => containerStatus(c, pod, o, started));
  const unready = statuses.filter((s) => s.ready !== true).map((s) => String(s.name));
  const phase = o === 'succeeded' ? 'Succeeded' : o === 'failed' ? 'Failed' : 'Running';
  const hostIP = '172.18.0.2';
  const podIP = fakeIP('10.244', pod.metadata.uid ?? pod.metadata.name ?? '');
  const prevConds = Array.isArray(old.conditions) ? clean(old.conditions.filter(isJsonObject)) : [];
  return {
    ...old,
    phase,
    conditions: clean(mergeConditions(prevConds, podConditions(o, unready), { now })),
    hostIP,
    hostIPs: [{ ip: hostIP }],
    podIP,
    podIPs: [{ ip: podIP }],
    startTime: started,
    containerStatuses: statuses,
  };
}
