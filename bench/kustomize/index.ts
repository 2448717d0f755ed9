/**
 * Benchmark: the in-process kustomize engine vs a `kubectl kustomize` process (kustomize v5.5.0) on
 * the same generated trees: a 10-resource base+overlay, a 300-resource three-layer tree and a
 * 1,000-resource tree. Prints the median of several runs (the engine warm, as in the long-running
 * controller; its cold first build shown beside) and the ratio, in wall and CPU time. Warm builds hit the
 * engine's parse cache (files unchanged between builds, as when a controller rebuilds a revision); the CPU
 * figure without it is printed too. Targets: >= 10x, 1,000 resources < 250 ms.
 * Run: npm run bench, or node --import tsx bench/kustomize/index.ts
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { build } from '../../src/render/kustomize/index.js';
import { kubectlPath } from '../../test/harness/tools.js';

function deployment(i: number): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-${i}
  labels:
    app: app-${i}
spec:
  selector:
    matchLabels:
      app: app-${i}
  template:
    metadata:
      labels:
        app: app-${i}
    spec:
      containers:
      - name: main
        image: nginx:1.25
        envFrom:
        - configMapRef:
            name: shared
`;
}
function service(i: number): string {
  return `apiVersion: v1\nkind: Service\nmetadata:\n  name: app-${i}\nspec:\n  selector:\n    app: app-${i}\n  ports:\n  - port: 80\n`;
}

/** Writes a tree of `layers` kustomizations with about `count` resources; returns the top dir. */
function makeTree(root: string, count: number, layers: number): string {
  const base = join(root, 'layer0');
  mkdirSync(base, { recursive: true });
  const docs: string[] = [];
  for (let i = 0; docs.length < count - 1; i++) {
    docs.push(deployment(i));
    if (docs.length < count - 1) docs.push(service(i));
  }
  writeFileSync(join(base, 'resources.yaml'), docs.join('---\n'));
  writeFileSync(join(base, 'kustomization.yaml'), 'resources:\n- resources.yaml\nconfigMapGenerator:\n- name: shared\n  literals:\n  - A=1\n');
  let top = base;
  for (let l = 1; l < layers; l++) {
    const dir = join(root, `layer${l}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'kustomization.yaml'),
      `resources:\n- ../layer${l - 1}\nnamePrefix: l${l}-\nlabels:\n- pairs:\n    layer: "${l}"\n  includeSelectors: true\nimages:\n- name: nginx\n  newTag: "1.${l}"\n` +
        (l === layers - 1 ? 'namespace: bench\npatches:\n- target:\n    kind: Deployment\n  patch: |\n    - op: add\n      path: /spec/replicas\n      value: 2\n' : ''),
    );
    top = dir;
  }
  return top;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

function time(fn: () => void, runs: number): number {
  const t: number[] = [];
  for (let i = 0; i < runs; i++) {
    const s = performance.now();
    fn();
    t.push(performance.now() - s);
  }
  return median(t);
}

/** CPU milliseconds (user + system) of one engine build, median of `runs`. */
function engineCpu(fn: () => void, runs: number): number {
  const t: number[] = [];
  for (let i = 0; i < runs; i++) {
    const c = process.cpuUsage();
    fn();
    const d = process.cpuUsage(c);
    t.push((d.user + d.system) / 1000);
  }
  return median(t);
}

/** CPU milliseconds of one kubectl run, measured by /usr/bin/time (undefined when it is not installed). */
function binaryCpu(kubectl: string, dir: string, runs: number): number | undefined {
  if (!existsSync('/usr/bin/time')) return undefined;
  const t: number[] = [];
  for (let i = 0; i < runs; i++) {
    const r = spawnSync('/usr/bin/time', ['-f', 'cpu %U %S', kubectl, 'kustomize', dir], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
    const m = /cpu ([\d.]+) ([\d.]+)\s*$/.exec(r.stderr);
    if (!m) return undefined;
    t.push((Number(m[1]) + Number(m[2])) * 1000);
  }
  return median(t);
}

const scratch = mkdtempSync(join(tmpdir(), 'lockstep-bench-kustomize-'));
try {
  const trees = [
    { name: '10-resource base+overlay', count: 10, layers: 2 },
    { name: '300-resource three-layer', count: 300, layers: 3 },
    { name: '1,000-resource tree', count: 1000, layers: 3 },
  ];
  const kubectl = kubectlPath();
  for (const t of trees) {
    const root = join(scratch, String(t.count));
    const top = makeTree(root, t.count, t.layers);
    const engineOut = build(top, { fenceRoot: root }).yaml;
    const oracleOut = execFileSync(kubectl, ['kustomize', top], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, stdio: ['ignore', 'pipe', 'ignore'] });
    const same = engineOut === oracleOut;
    // The controller is a long-running process: measure the engine warm (after JIT), and report the cold first build too.
    const coldStart = performance.now();
    build(top, { fenceRoot: root });
    const coldMs = performance.now() - coldStart;
    for (let i = 0; i < 5; i++) build(top, { fenceRoot: root });
    const engineMs = time(() => build(top, { fenceRoot: root }), 15);
    const binaryMs = time(() => execFileSync(kubectl, ['kustomize', top], { maxBuffer: 256 * 1024 * 1024, stdio: ['ignore', 'pipe', 'ignore'] }), 5);
    // Wall time suffers when other processes share the cores; CPU time is the steadier comparison.
    const engineCpuMs = engineCpu(() => build(top, { fenceRoot: root }), 9);
    // Without the parse cache every file is parsed again (a first build, or changed files).
    for (let i = 0; i < 20; i++) build(top, { fenceRoot: root, parseCache: false });
    const uncachedCpuMs = engineCpu(() => build(top, { fenceRoot: root, parseCache: false }), 9);
    const binaryCpuMs = binaryCpu(kubectl, top, 3);
    const cpu =
      binaryCpuMs === undefined
        ? ''
        : `   cpu: engine ${engineCpuMs.toFixed(1)} ms vs ${binaryCpuMs.toFixed(0)} ms, ratio ${(binaryCpuMs / engineCpuMs).toFixed(1)}x` +
          ` (no parse cache: ${uncachedCpuMs.toFixed(1)} ms, ${(binaryCpuMs / uncachedCpuMs).toFixed(1)}x)`;
    console.log(
      `${t.name.padEnd(28)} engine ${engineMs.toFixed(1).padStart(7)} ms (cold ${coldMs.toFixed(0)} ms)   kubectl kustomize ${binaryMs.toFixed(1).padStart(7)} ms   ` +
        `ratio ${(binaryMs / engineMs).toFixed(1)}x${cpu}   identical output: ${same}`,
    );
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
