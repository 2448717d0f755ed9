// Generates the differential test trees under testdata/trees: a fixed set of hand-written cases
// plus combinatorial overlays over a shared base (deterministic PRNG, so re-running gives the same
// trees). Run: node src/render/kustomize/testdata/gen-trees.mjs
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import process from 'node:process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, 'trees');
rmSync(out, { recursive: true, force: true });

function write(path, text) {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

let seed = 42;
function rnd() {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed / 2147483648;
}
const pick = (arr) => arr[Math.floor(rnd() * arr.length)];
const chance = (p) => rnd() < p;

const BASE = {
  'deploy.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    app: web
spec:
  replicas: 1
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      serviceAccountName: web-sa
      imagePullSecrets:
      - name: regcred
      containers:
      - name: web
        image: nginx:1.25
        envFrom:
        - configMapRef:
            name: web-config
        env:
        - name: PASSWORD
          valueFrom:
            secretKeyRef:
              name: web-secret
              key: password
        volumeMounts:
        - name: data
          mountPath: /data
      initContainers:
      - name: init
        image: busybox
      volumes:
      - name: data
        persistentVolumeClaim:
          claimName: web-data
      - name: cfg
        configMap:
          name: web-config
`,
  'service.yaml': `apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
  - port: 80
    targetPort: 8080
`,
  'rbac.yaml': `apiVersion: v1
kind: ServiceAccount
metadata:
  name: web-sa
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: web-role
rules:
- apiGroups: [""]
  resources: [configmaps]
  verbs: [get]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: web-rb
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: web-role
subjects:
- kind: ServiceAccount
  name: web-sa
- kind: ServiceAccount
  name: default
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: web-reader
rules:
- apiGroups: [""]
  resources: [pods]
  verbs: [list]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: web-reader-binding
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: web-reader
subjects:
- kind: ServiceAccount
  name: web-sa
  namespace: default
`,
  'pvc.yaml': `apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: web-data
spec:
  accessModes: [ReadWriteOnce]
  resources:
    requests:
      storage: 1Gi
`,
  'ingress.yaml': `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
spec:
  tls:
  - hosts: [example.com]
    secretName: web-tls
  defaultBackend:
    service:
      name: web
      port:
        number: 80
  rules:
  - host: example.com
    http:
      paths:
      - path: /
        pathType: Prefix
        backend:
          service:
            name: web
            port:
              number: 80
`,
  'extra.yaml': `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: web
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: web
  minReplicas: 1
  maxReplicas: 3
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
spec:
  serviceName: web
  selector:
    matchLabels:
      app: db
  template:
    metadata:
      labels:
        app: db
    spec:
      containers:
      - name: db
        image: postgres:16
  volumeClaimTemplates:
  - metadata:
      name: pgdata
    spec:
      accessModes: [ReadWriteOnce]
      resources:
        requests:
          storage: 1Gi
---
apiVersion: batch/v1
kind: CronJob
metadata:
  name: backup
spec:
  schedule: "0 * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers:
          - name: backup
            image: busybox:1.36
            envFrom:
            - secretRef:
                name: web-secret
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: web
spec:
  minAvailable: 1
  selector:
    matchLabels:
      app: web
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: web
spec:
  podSelector:
    matchLabels:
      app: web
  ingress:
  - from:
    - podSelector:
        matchLabels:
          app: web
`,
  'cluster.yaml': `apiVersion: v1
kind: Namespace
metadata:
  name: apps
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  names:
    kind: Widget
    plural: widgets
  scope: Namespaced
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        x-kubernetes-preserve-unknown-fields: true
---
apiVersion: example.com/v1
kind: Widget
metadata:
  name: gadget
spec:
  size: 3
  configRef: web-config
`,
  'config.env': 'LOG_LEVEL=info\nFEATURE_X=true\n# comment\nEMPTY=\n',
  'app.properties': 'a=1\nb=two words\n',
};

const BASE_RESOURCES = ['deploy.yaml', 'service.yaml', 'rbac.yaml', 'pvc.yaml', 'ingress.yaml', 'extra.yaml', 'cluster.yaml'];

function baseKustomization(opts) {
  const lines = ['apiVersion: kustomize.config.k8s.io/v1beta1', 'kind: Kustomization', 'resources:'];
  for (const r of opts.resources ?? BASE_RESOURCES) lines.push(`- ${r}`);
  lines.push('configMapGenerator:', '- name: web-config', '  envs:', '  - config.env', '  files:', '  - app.properties');
  lines.push('secretGenerator:', '- name: web-secret', '  literals:', '  - password=s3cr3t', '- name: web-tls', '  type: kubernetes.io/tls',
    '  literals:', '  - tls.crt=CERT', '  - tls.key=KEY', '- name: regcred', '  literals:', '  - .dockerconfigjson={}');
  if (opts.baseNamespace) lines.push(`namespace: ${opts.baseNamespace}`);
  return lines.join('\n') + '\n';
}

function writeBase(dir, opts = {}) {
  for (const [f, t] of Object.entries(BASE)) write(join(dir, f), t);
  write(join(dir, 'kustomization.yaml'), baseKustomization(opts));
}

const FEATURES = {
  namespace: () => `namespace: ${pick(['prod', 'staging', 'team-a'])}\n`,
  namePrefix: () => `namePrefix: ${pick(['prod-', 'x-', 'a-b-'])}\n`,
  nameSuffix: () => `nameSuffix: ${pick(['-v2', '-east'])}\n`,
  commonLabels: () => `commonLabels:\n  env: ${pick(['prod', 'dev'])}\n  team: core\n`,
  labels: () => `labels:\n- pairs:\n    tier: ${pick(['web', 'backend'])}\n  includeSelectors: ${pick(['true', 'false'])}\n  includeTemplates: ${pick(['true', 'false'])}\n`,
  commonAnnotations: () => `commonAnnotations:\n  owner: ${pick(['alice', '"team: core"', '"1.0"'])}\n  note: |\n    multi\n    line\n`,
  images: () =>
    `images:\n- name: nginx\n${pick(['  newTag: "1.27"\n', '  newName: registry.local/nginx\n', '  digest: sha256:abc123\n', '  newName: ghcr.io/x/nginx\n  newTag: v2\n'])}- name: busybox\n  newTag: "1.37"\n`,
  replicas: () => `replicas:\n- name: web\n  count: ${pick([2, 3, 5])}\n- name: db\n  count: 2\n`,
  cmMerge: () => `configMapGenerator:\n- name: web-config\n  behavior: merge\n  literals:\n  - LOG_LEVEL=debug\n  - NEW_KEY=value\n`,
  cmReplace: () => `configMapGenerator:\n- name: web-config\n  behavior: replace\n  literals:\n  - ONLY=this\n`,
  cmNew: () => `configMapGenerator:\n- name: overlay-config\n  literals:\n  - A=1\n  - B="quoted"\n  options:\n    labels:\n      gen: overlay\n`,
  genOptions: () => `generatorOptions:\n  disableNameSuffixHash: ${pick(['true', 'false'])}\n  labels:\n    generated: "yes"\n`,
  smpInline: () =>
    `patches:\n- patch: |-\n    apiVersion: apps/v1\n    kind: Deployment\n    metadata:\n      name: web\n    spec:\n      template:\n        spec:\n          containers:\n          - name: web\n            resources:\n              limits:\n                memory: 256Mi\n`,
  smpTarget: () =>
    `patches:\n- target:\n    kind: Deployment\n  patch: |-\n    apiVersion: apps/v1\n    kind: Deployment\n    metadata:\n      name: any\n    spec:\n      template:\n        metadata:\n          annotations:\n            patched: "true"\n`,
  jsonPatch: () =>
    `patches:\n- target:\n    group: apps\n    version: v1\n    kind: Deployment\n    name: web\n  patch: |-\n    - op: replace\n      path: /spec/replicas\n      value: 4\n    - op: add\n      path: /metadata/annotations\n      value:\n        json: patched\n`,
  jsonPatchLabelSel: () =>
    `patches:\n- target:\n    labelSelector: app=web\n  patch: |-\n    - op: add\n      path: /metadata/labels/selected\n      value: "yes"\n`,
  psm: () => `patchesStrategicMerge:\n- psm.yaml\n`,
  pj: () => `patchesJson6902:\n- target:\n    version: v1\n    kind: Service\n    name: web\n  path: svc-patch.yaml\n`,
  sortFifo: () => `sortOptions:\n  order: fifo\n`,
};

const OVERLAY_FILES = {
  psm: {
    'psm.yaml': 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  type: NodePort\n',
  },
  pj: { 'svc-patch.yaml': '- op: add\n  path: /spec/sessionAffinity\n  value: ClientIP\n' },
};

// Patch fields can appear only once per kustomization: merge them.
function overlayKustomization(features, resources) {
  const patches = [];
  let text = 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n' + resources.map((r) => `- ${r}\n`).join('');
  const cm = [];
  for (const f of features) {
    const t = FEATURES[f]();
    if (t.startsWith('patches:\n')) patches.push(t.slice('patches:\n'.length));
    else if (t.startsWith('configMapGenerator:\n')) cm.push(t.slice('configMapGenerator:\n'.length));
    else text += t;
  }
  if (patches.length) text += 'patches:\n' + patches.join('');
  if (cm.length) text += 'configMapGenerator:\n' + cm.join('');
  return text;
}

function conflicts(fs) {
  return fs.includes('cmMerge') && fs.includes('cmReplace');
}

let n = 0;
const names = Object.keys(FEATURES);
// One tree per single feature, then random combinations.
const combos = names.map((f) => [f]);
while (combos.length < 150) {
  const k = 2 + Math.floor(rnd() * 5);
  const set = new Set();
  while (set.size < k) set.add(pick(names));
  const fs = [...set].sort();
  if (!conflicts(fs)) combos.push(fs);
}
for (const fs of combos) {
  const dir = join(out, `combo-${String(n++).padStart(3, '0')}-${fs.join('+')}`.slice(0, 120));
  const baseNs = chance(0.2) ? 'base-ns' : undefined;
  writeBase(join(dir, 'base'), { baseNamespace: baseNs });
  const layered = chance(0.3);
  if (layered) {
    write(join(dir, 'mid', 'kustomization.yaml'), `resources:\n- ../base\nnamePrefix: mid-\ncommonLabels:\n  layer: mid\n`);
  }
  const ov = join(dir, 'overlay');
  write(join(ov, 'kustomization.yaml'), overlayKustomization(fs, [layered ? '../mid' : '../base']));
  for (const f of fs) for (const [file, t] of Object.entries(OVERLAY_FILES[f] ?? {})) write(join(ov, file), t);
}

// Hand-written cases.
const CASES = {
  'diamond': {
    'base/kustomization.yaml': 'resources:\n- cm.yaml\n',
    'base/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: shared\ndata:\n  k: v\n',
    'a/kustomization.yaml': 'resources:\n- ../base\nnamePrefix: a-\n',
    'b/kustomization.yaml': 'resources:\n- ../base\nnamePrefix: b-\n',
    'overlay/kustomization.yaml': 'resources:\n- ../a\n- ../b\n',
  },
  'diamond-conflict': {
    'base/kustomization.yaml': 'resources:\n- cm.yaml\n',
    'base/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: shared\n',
    'a/kustomization.yaml': 'resources:\n- ../base\n',
    'overlay/kustomization.yaml': 'resources:\n- ../a\n- ../base\n',
  },
  'components-stacked': {
    'base/kustomization.yaml': 'resources:\n- d.yaml\n',
    'base/d.yaml': BASE['deploy.yaml'],
    'c1/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\ncommonLabels:\n  c1: "on"\nconfigMapGenerator:\n- name: web-config\n  literals:\n  - FROM=c1\n',
    'c2/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nconfigMapGenerator:\n- name: web-config\n  behavior: merge\n  literals:\n  - FROM=c2\n  - C2=yes\nimages:\n- name: nginx\n  newTag: c2\n',
    'overlay/kustomization.yaml': 'resources:\n- ../base\ncomponents:\n- ../c1\n- ../c2\nnamePrefix: comp-\n',
  },
  'odd-yaml': {
    'kustomization.yaml': 'resources:\n- odd.yaml\n',
    'odd.yaml': '---\n# empty first doc\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: odd\n  annotations:\n    num: 012\n    flt: 1.50\n    nul: ~\ndata:\n  base: &b hello\n  ref: *b\n  num: "123"\n  yes: "yes"\n  multi: |\n    line one\n    line two\n  folded: >\n    folded text\n    continues\n  keep: |+\n    kept\n\n  strip: |-\n    stripped\n  long: this is a very long plain string that must be folded by the go yaml emitter because it is longer than eighty columns\n  tab: "a\\tb"\n  uni: "h\\u00e9llo \\u2603"\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: odd\nspec:\n  ports:\n  - port: 0x50\n    targetPort: 1_000\n  x: 1e3\n  y: 0.00001\n  z: 1234567.5\n  <<: {merged: true}\n---\n',
  },
  'cluster-scoped-namespace': {
    'kustomization.yaml': 'namespace: target\nresources:\n- r.yaml\n',
    'r.yaml': BASE['cluster.yaml'] + '---\n' + BASE['rbac.yaml'],
  },
  'flux-generated': {
    'a.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n',
    'sub/b.yml': 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: b\nstringData:\n  x: y\n',
    'sub/notes.txt': 'ignored',
    'kus/kustomization.yaml': 'resources:\n- c.yaml\nnamePrefix: k-\n',
    'kus/c.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n',
  },
  'list-kind': {
    'kustomization.yaml': 'resources:\n- list.yaml\n',
    'list.yaml': 'apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: one\n- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: two\n',
  },
  'legacy-custom-order': {
    'kustomization.yaml': 'resources:\n- r.yaml\nsortOptions:\n  order: legacy\n  legacySortOptions:\n    orderFirst: [Service]\n    orderLast: [ConfigMap]\n',
    'r.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: s\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\n',
  },
  'smp-delete': {
    'kustomization.yaml': 'resources:\n- r.yaml\npatches:\n- patch: |\n    $patch: delete\n    apiVersion: v1\n    kind: ConfigMap\n    metadata:\n      name: gone\n',
    'r.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: gone\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: kept\n',
  },
  'secret-files': {
    'kustomization.yaml': 'secretGenerator:\n- name: files\n  files:\n  - key.txt\n  - renamed=other.txt\nconfigMapGenerator:\n- name: bin\n  files:\n  - data.bin\n',
    'key.txt': 'secret\n',
    'other.txt': 'x<y&z>',
    'data.bin': '\u00ff\u00fe',
  },
};
for (const [name, files] of Object.entries(CASES)) {
  for (const [f, t] of Object.entries(files)) write(join(out, name, f), t);
}
process.stdout.write(`wrote ${combos.length + Object.keys(CASES).length} trees\n`);
