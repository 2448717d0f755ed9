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
while (combos.length < 130) {
  const k = 2 + Math.floor(rnd() * 5);
  const set = new Set();
  while (set.size < k) set.add(pick(names));
  const fs = [...set].sort();
  if (!conflicts(fs)) combos.push(fs);
}
// Two shared bases (without and with a base namespace) keep the combinatorial trees small.
writeBase(join(out, '_base'), {});
writeBase(join(out, '_base-ns'), { baseNamespace: 'base-ns' });
for (const fs of combos) {
  const dir = join(out, `combo-${String(n++).padStart(3, '0')}-${fs.join('+')}`.slice(0, 120));
  const base = chance(0.2) ? '../../_base-ns' : '../../_base';
  const layered = chance(0.3);
  if (layered) {
    write(join(dir, 'mid', 'kustomization.yaml'), `resources:\n- ${base}\nnamePrefix: mid-\ncommonLabels:\n  layer: mid\n`);
  }
  const ov = join(dir, 'overlay');
  write(join(ov, 'kustomization.yaml'), overlayKustomization(fs, [layered ? '../mid' : base]));
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

const DEP = BASE['deploy.yaml'];
const SVC = BASE['service.yaml'];
const CM2 = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  host: db.example.com\n  port: "5432"\n  replicas: "3"\n  image: registry.local/app:v9\n';
Object.assign(CASES, {
  'replacements-basic': {
    'kustomization.yaml': 'resources:\n- d.yaml\n- cm.yaml\nreplacements:\n- source:\n    kind: ConfigMap\n    name: settings\n    fieldPath: data.host\n  targets:\n  - select:\n      kind: Deployment\n    fieldPaths:\n    - spec.template.spec.containers.[name=web].env.[name=PASSWORD].value\n    - metadata.annotations.db-host\n    options:\n      create: true\n',
    'd.yaml': DEP, 'cm.yaml': CM2,
  },
  'replacements-delimiter': {
    'kustomization.yaml': 'resources:\n- d.yaml\n- cm.yaml\nreplacements:\n- source:\n    kind: ConfigMap\n    name: settings\n    fieldPath: data.image\n    options:\n      delimiter: ":"\n      index: 1\n  targets:\n  - select:\n      kind: Deployment\n      name: web\n    fieldPaths:\n    - spec.template.spec.containers.0.image\n    options:\n      delimiter: ":"\n      index: 1\n',
    'd.yaml': DEP, 'cm.yaml': CM2,
  },
  'replacements-typed-and-reject': {
    'kustomization.yaml': 'resources:\n- d.yaml\n- cm.yaml\n- s.yaml\nreplacements:\n- path: repl.yaml\n',
    'repl.yaml': '- source:\n    kind: ConfigMap\n    name: settings\n    fieldPath: data.replicas\n  targets:\n  - select:\n      kind: Deployment\n    fieldPaths:\n    - spec.replicas\n- source:\n    kind: Service\n    name: web\n  targets:\n  - select:\n      kind: ConfigMap\n    reject:\n    - name: other\n    fieldPaths:\n    - data.service\n    options:\n      create: true\n',
    'd.yaml': DEP, 'cm.yaml': CM2 + '---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: other\n', 's.yaml': SVC,
  },
  'replacements-after-prefix': {
    'base/kustomization.yaml': 'resources:\n- s.yaml\n- cm.yaml\nnamePrefix: base-\n',
    'base/s.yaml': SVC, 'base/cm.yaml': CM2,
    'overlay/kustomization.yaml': 'resources:\n- ../base\nreplacements:\n- source:\n    kind: Service\n    name: web\n  targets:\n  - select:\n      kind: ConfigMap\n      name: settings\n    fieldPaths:\n    - data.host\n',
  },
  'smp-containers-env-ports': {
    'kustomization.yaml': 'resources:\n- d.yaml\n- s.yaml\npatches:\n- path: p.yaml\n',
    'd.yaml': DEP, 's.yaml': SVC,
    'p.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n      - name: sidecar\n        image: envoy:1\n      - name: web\n        env:\n        - name: NEW\n          value: "1"\n        - name: PASSWORD\n          value: plain\n        ports:\n        - containerPort: 8080\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports:\n  - port: 443\n    targetPort: 8443\n',
  },
  'smp-null-and-replace': {
    'kustomization.yaml': 'resources:\n- d.yaml\npatchesStrategicMerge:\n- |-\n  apiVersion: apps/v1\n  kind: Deployment\n  metadata:\n    name: web\n    labels:\n      app: null\n  spec:\n    replicas: null\n    template:\n      spec:\n        imagePullSecrets:\n        - $patch: replace\n        - name: other\n        volumes:\n        - name: cfg\n          $patch: delete\n',
    'd.yaml': DEP,
  },
  'smp-crd-object': {
    'kustomization.yaml': 'resources:\n- w.yaml\npatches:\n- patch: |\n    apiVersion: example.com/v1\n    kind: Widget\n    metadata:\n      name: gadget\n    spec:\n      size: 5\n      list: [c]\n      nested:\n        b: 2\n',
    'w.yaml': 'apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: gadget\nspec:\n  size: 3\n  list: [a, b]\n  nested:\n    a: 1\n',
  },
  'json6902-ops': {
    'kustomization.yaml': 'resources:\n- d.yaml\npatches:\n- target:\n    kind: Deployment\n    name: w.*\n  patch: |\n    - op: add\n      path: /spec/template/spec/containers/-\n      value: {name: extra, image: alpine}\n    - op: remove\n      path: /spec/template/spec/initContainers\n    - op: copy\n      from: /metadata/labels\n      path: /spec/template/metadata/annotations\n    - op: move\n      from: /spec/replicas\n      path: /metadata/annotations\n    - op: test\n      path: /kind\n      value: Deployment\n',
    'd.yaml': DEP.replace('  replicas: 1\n', '  replicas: {x: "1"}\n'),
  },
  'patch-target-selectors': {
    'kustomization.yaml': 'resources:\n- r.yaml\npatches:\n- target:\n    annotationSelector: team=a\n  patch: |\n    - op: add\n      path: /metadata/labels/ann-selected\n      value: "true"\n- target:\n    labelSelector: tier in (web,api),!skip\n  patch: |\n    - op: add\n      path: /metadata/annotations/label-selected\n      value: "true"\n- target:\n    kind: ConfigMap|Secret\n    namespace: ns-.*\n  patch: |\n    - op: add\n      path: /metadata/annotations/regex\n      value: "true"\n',
    'r.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  namespace: ns-1\n  labels: {tier: web}\n  annotations: {team: a}\n---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: b\n  namespace: ns-2\n  labels: {tier: api, skip: "x"}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: other\n  labels: {tier: db}\n  annotations: {team: b}\n',
  },
  'generators-variants': {
    'kustomization.yaml': 'namespace: gen\ngeneratorOptions:\n  labels:\n    all: "true"\n  annotations:\n    note: generated\nconfigMapGenerator:\n- name: from-envs\n  envs:\n  - a.env\n  - b.env\n- name: immutable\n  literals:\n  - K=V\n  options:\n    immutable: true\n    disableNameSuffixHash: true\n- name: in-ns\n  namespace: explicit\n  literals:\n  - X=1\nsecretGenerator:\n- name: tls\n  type: kubernetes.io/tls\n  files:\n  - tls.crt=cert.pem\n  - tls.key=key.pem\n- name: opts\n  literals:\n  - "odd=value with = sign"\n  - quoted=\'single\'\n  options:\n    labels:\n      own: label\n',
    'a.env': 'A=1\nSHARED=a\n', 'b.env': 'B=2\n\n# comment\nC=three words\n', 'cert.pem': '-----BEGIN CERT-----\nabc\n-----END CERT-----\n', 'key.pem': 'key\n',
  },
  'generators-three-layers': {
    'base/kustomization.yaml': 'configMapGenerator:\n- name: app\n  literals:\n  - LEVEL=base\n  - BASE=1\nsecretGenerator:\n- name: creds\n  literals:\n  - user=admin\nresources:\n- d.yaml\n',
    'base/d.yaml': DEP.replace(/web-config/g, 'app').replace(/web-secret/g, 'creds'),
    'mid/kustomization.yaml': 'resources:\n- ../base\nnamePrefix: mid-\nconfigMapGenerator:\n- name: app\n  behavior: merge\n  literals:\n  - LEVEL=mid\n  - MID=1\n',
    'overlay/kustomization.yaml': 'resources:\n- ../mid\nnameSuffix: -top\nnamespace: top\nconfigMapGenerator:\n- name: app\n  behavior: merge\n  literals:\n  - LEVEL=top\nsecretGenerator:\n- name: creds\n  behavior: replace\n  literals:\n  - user=root\n  - pass=x\n',
  },
  'generator-hash-disabled-overlay': {
    'base/kustomization.yaml': 'configMapGenerator:\n- name: app\n  literals:\n  - A=1\n',
    'overlay/kustomization.yaml': 'resources:\n- ../base\ngeneratorOptions:\n  disableNameSuffixHash: true\nconfigMapGenerator:\n- name: extra\n  literals:\n  - B=2\n',
  },
  'labels-fields': {
    'kustomization.yaml': 'resources:\n- d.yaml\n- w.yaml\nlabels:\n- pairs:\n    custom: "yes"\n  fields:\n  - path: spec/selectorLabels\n    kind: Widget\n    create: true\n- pairs:\n    plain: only-metadata\n',
    'd.yaml': DEP, 'w.yaml': 'apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\nspec: {}\n',
  },
  'images-variants': {
    'kustomization.yaml': 'resources:\n- d.yaml\nimages:\n- name: nginx\n  newName: my.registry:5000/nginx\n  newTag: "1.0"\n- name: busybox\n  digest: sha256:0123456789abcdef\n- name: postgres\n  newName: pg\n',
    'd.yaml': DEP + '---\n' + BASE['extra.yaml'].split('---\n')[1] + '---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: a\n    image: docker.io/library/nginx@sha256:aaaa\n  - name: b\n    image: localhost:5000/busybox:1.2\n  - name: c\n    image: busybox:1.2@sha256:bbbb\n',
  },
  'rbac-namespace-and-prefix': {
    'base/kustomization.yaml': 'resources:\n- rbac.yaml\n',
    'base/rbac.yaml': BASE['rbac.yaml'],
    'overlay/kustomization.yaml': 'resources:\n- ../base\nnamespace: team-x\nnamePrefix: tx-\n',
  },
  'namespace-two-layers': {
    'base/kustomization.yaml': 'resources:\n- r.yaml\nnamespace: first\n',
    'base/r.yaml': DEP + '---\n' + SVC + '---\n' + BASE['pvc.yaml'] + '---\n' + BASE['rbac.yaml'],
    'overlay/kustomization.yaml': 'resources:\n- ../base\nnamespace: second\nnameSuffix: -s\n',
  },
  'crd-and-cr-prefix': {
    'kustomization.yaml': 'resources:\n- c.yaml\nnamePrefix: p-\nnamespace: crs\ncommonLabels:\n  app: widgets\n',
    'c.yaml': BASE['cluster.yaml'],
  },
  'webhooks-apiservice': {
    'kustomization.yaml': 'resources:\n- r.yaml\nnamePrefix: hook-\nnamespace: hooks\n',
    'r.yaml': SVC + '---\napiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingWebhookConfiguration\nmetadata:\n  name: v\nwebhooks:\n- name: v.example.com\n  clientConfig:\n    service:\n      name: web\n      namespace: default\n  admissionReviewVersions: [v1]\n  sideEffects: None\n---\napiVersion: apiregistration.k8s.io/v1\nkind: APIService\nmetadata:\n  name: v1.example.com\nspec:\n  group: example.com\n  version: v1\n  service:\n    name: web\n    namespace: default\n',
  },
  'storage-priority-classes': {
    'kustomization.yaml': 'resources:\n- r.yaml\nnameSuffix: -x\n',
    'r.yaml': 'apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata:\n  name: fast\nprovisioner: x\n---\napiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata:\n  name: high\nvalue: 1000\n---\napiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: c\nspec:\n  storageClassName: fast\n  volumeName: pv\n---\napiVersion: v1\nkind: PersistentVolume\nmetadata:\n  name: pv\nspec:\n  storageClassName: fast\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  priorityClassName: high\n  containers:\n  - name: a\n    image: a\n',
  },
  'fifo-with-generators': {
    'kustomization.yaml': 'sortOptions:\n  order: fifo\nresources:\n- r.yaml\nconfigMapGenerator:\n- name: z\n  literals:\n  - a=b\n',
    'r.yaml': DEP + '---\n' + SVC + '---\n' + BASE['cluster.yaml'],
  },
  'yaml-edge-values': {
    'kustomization.yaml': 'resources:\n- r.yaml\ncommonAnnotations:\n  a: "yes"\n  b: "012"\n  c: "null"\n  d: ""\n',
    'r.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: edge\n  labels:\n    v: "1.0"\ndata:\n  on: "on"\n  y: "y"\n  tilde: "~"\n  colon: "a: b"\n  hash: "a #b"\n  lead: " x"\n  trail: "x "\n  dash: "- x"\n  q: "\'"\n  dq: \'"\'\n  bs: "a\\\\b"\n  crlf: "a\\r\\nb"\n  nbsp: "a\\u00a0b"\n  emoji: "\\U0001F600"\n  date: "2024-01-02"\n  ts: "2024-01-02T03:04:05Z"\n  hex: "0x1A"\n  oct: "0o17"\n  sci: "6.02e23"\n  dot: ".5"\n  inf: ".inf"\n  long_q: "aaaaaaaaaa bbbbbbbbbb cccccccccc dddddddddd eeeeeeeeee ffffffffff gggggggggg hhhhhhhhhh: iiii"\n  long_sp: "aaaaaaaaaa bbbbbbbbbb cccccccccc dddddddddd eeeeeeeeee ffffffffff gggggggggg  hhhhhhhhhh   iiii"\n  multi_trail: "line1\\nline2  \\n"\n  lead_nl: "\\nstarts with newline"\n  only_nl: "\\n"\n  tab_block: "a\\n\\tb\\n"\nspec:\n  nums: [0, -0, 1.0, 1.5e3, 1e-7, 123456789012, 0.1, 100000000000000000000, -12.5, 6.02e23]\n  bools: [true, false, True]\n  nulls: [null, ~, ]\n  nested: [[1, 2], [], {}, [{a: 1}]]\n  "key with space": 1\n  "123": numeric key\n  "true": bool key\n  "": empty key\n',
  },
  'anchors-and-merge': {
    'kustomization.yaml': 'resources:\n- r.yaml\n',
    'r.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: anchored\n  labels: &labels\n    app: anchored\n    tier: web\nspec:\n  selector:\n    matchLabels: *labels\n  template:\n    metadata:\n      labels:\n        <<: *labels\n        extra: "1"\n    spec:\n      containers:\n      - &c\n        name: a\n        image: img\n        resources: &res {limits: {cpu: 100m}}\n      - <<: *c\n        name: b\n        resources: *res\n',
  },
});

const POD = (name, spec) => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\nspec:\n${spec}`;
Object.assign(CASES, {
  'build-metadata': {
    'base/kustomization.yaml': 'resources:\n- a.yaml\nconfigMapGenerator:\n- name: g\n  literals: [a=b]\nsecretGenerator:\n- name: s\n  literals: [c=d]\n',
    'base/a.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n',
    'overlay/kustomization.yaml': 'resources:\n- ../base\n- local.yaml\nbuildMetadata: [originAnnotations, managedByLabel]\nnamePrefix: p-\n',
    'overlay/local.yaml': SVC,
  },
  'build-metadata-labels-only': {
    'kustomization.yaml': 'resources:\n- d.yaml\nbuildMetadata: [managedByLabel]\n',
    'd.yaml': DEP,
  },
  'component-with-resources-and-patches': {
    'base/kustomization.yaml': 'resources:\n- d.yaml\n',
    'base/d.yaml': DEP,
    'comp/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nresources:\n- extra.yaml\npatches:\n- target:\n    kind: Deployment\n  patch: |\n    - op: add\n      path: /spec/template/spec/containers/0/args\n      value: ["--with-component"]\nnamespace: comp-ns\n',
    'comp/extra.yaml': SVC,
    'overlay/kustomization.yaml': 'resources:\n- ../base\ncomponents:\n- ../comp\nnameSuffix: -c\n',
  },
  'component-in-base-and-overlay': {
    'labels/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nlabels:\n- pairs:\n    feature: on-by-component\n  includeTemplates: true\n',
    'base/kustomization.yaml': 'resources:\n- d.yaml\ncomponents:\n- ../labels\n',
    'base/d.yaml': DEP,
    'img/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nimages:\n- name: nginx\n  newTag: from-component\nreplicas:\n- name: web\n  count: 7\n',
    'overlay/kustomization.yaml': 'resources:\n- ../base\ncomponents:\n- ../img\n',
  },
  'component-generator-merge': {
    'base/kustomization.yaml': 'configMapGenerator:\n- name: feature-flags\n  literals:\n  - A=off\n  - B=off\n',
    'flag-a/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nconfigMapGenerator:\n- name: feature-flags\n  behavior: merge\n  literals:\n  - A=on\n',
    'flag-b/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nconfigMapGenerator:\n- name: feature-flags\n  behavior: merge\n  literals:\n  - B=on\n',
    'overlay/kustomization.yaml': 'resources:\n- ../base\ncomponents:\n- ../flag-a\n- ../flag-b\n',
  },
  'legacy-ingress-and-knative': {
    'kustomization.yaml': 'resources:\n- r.yaml\nnamePrefix: lg-\nconfigMapGenerator:\n- name: kn-config\n  literals: [a=b]\n',
    'r.yaml': SVC + '---\napiVersion: networking.k8s.io/v1beta1\nkind: Ingress\nmetadata:\n  name: old\nspec:\n  backend:\n    serviceName: web\n    servicePort: 80\n  rules:\n  - http:\n      paths:\n      - backend:\n          serviceName: web\n          servicePort: 80\n---\napiVersion: serving.knative.dev/v1\nkind: Service\nmetadata:\n  name: kn\nspec:\n  template:\n    spec:\n      containers:\n      - image: x\n        envFrom:\n        - configMapRef:\n            name: kn-config\n',
  },
  'pod-projected-and-sa': {
    'kustomization.yaml': 'resources:\n- r.yaml\nnameSuffix: -v1\nconfigMapGenerator:\n- name: proj-cm\n  literals: [a=b]\nsecretGenerator:\n- name: proj-secret\n  literals: [c=d]\n- name: pull\n  literals: [e=f]\n',
    'r.yaml': POD('p', '  serviceAccountName: sa\n  imagePullSecrets:\n  - name: pull\n  containers:\n  - name: a\n    image: a\n    env:\n    - name: X\n      valueFrom:\n        configMapKeyRef:\n          name: proj-cm\n          key: a\n  volumes:\n  - name: proj\n    projected:\n      sources:\n      - configMap:\n          name: proj-cm\n      - secret:\n          name: proj-secret\n') + '---\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: sa\nimagePullSecrets:\n- name: pull\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: r\nrules:\n- apiGroups: [""]\n  resources: [configmaps, secrets]\n  resourceNames: [proj-cm, proj-secret, unrelated]\n  verbs: [get]\n',
  },
  'cronjob-job-statefulset-labels': {
    'kustomization.yaml': 'resources:\n- r.yaml\ncommonLabels:\n  app.kubernetes.io/part-of: shop\ncommonAnnotations:\n  contact: ops@example.com\n',
    'r.yaml': BASE['extra.yaml'] + '---\napiVersion: batch/v1\nkind: Job\nmetadata:\n  name: once\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n      containers:\n      - name: a\n        image: a\n---\napiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: ds\nspec:\n  selector:\n    matchLabels: {app: ds}\n  template:\n    metadata:\n      labels: {app: ds}\n    spec:\n      containers:\n      - name: a\n        image: a\n---\napiVersion: v1\nkind: ReplicationController\nmetadata:\n  name: rc\nspec:\n  template:\n    spec:\n      containers:\n      - name: a\n        image: a\n',
  },
  'same-name-different-kinds': {
    'kustomization.yaml': 'resources:\n- r.yaml\nnamePrefix: sn-\n',
    'r.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\n---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: app\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: app\n---\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: app\n---\n' + POD('app', '  serviceAccountName: app\n  containers:\n  - name: a\n    image: a\n    envFrom:\n    - configMapRef:\n        name: app\n    - secretRef:\n        name: app\n'),
  },
  'same-name-different-namespaces': {
    'a/kustomization.yaml': 'resources:\n- ../res\nnamespace: ns-a\nnamePrefix: a-\n',
    'b/kustomization.yaml': 'resources:\n- ../res\nnamespace: ns-b\nnamePrefix: b-\n',
    'res/kustomization.yaml': 'resources:\n- r.yaml\nconfigMapGenerator:\n- name: cfg\n  literals: [k=v]\n',
    'res/r.yaml': POD('p', '  containers:\n  - name: a\n    image: a\n    envFrom:\n    - configMapRef:\n        name: cfg\n'),
    'overlay/kustomization.yaml': 'resources:\n- ../a\n- ../b\n',
  },
  'clusterrolebinding-prefix-namespace': {
    'kustomization.yaml': 'resources:\n- r.yaml\nnamespace: system\nnamePrefix: op-\n',
    'r.yaml': BASE['rbac.yaml'] + '---\napiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: to-clusterrole\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: web-reader\nsubjects:\n- kind: ServiceAccount\n  name: web-sa\n  namespace: elsewhere\n- kind: User\n  name: jane\n  apiGroup: rbac.authorization.k8s.io\n',
  },
  'patch-allow-name-change': {
    'kustomization.yaml': 'resources:\n- r.yaml\npatches:\n- patch: |\n    apiVersion: v1\n    kind: ConfigMap\n    metadata:\n      name: renamed\n  target:\n    kind: ConfigMap\n    name: original\n  options:\n    allowNameChange: true\n',
    'r.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: original\ndata:\n  a: b\n---\n' + POD('p', '  containers:\n  - name: a\n    image: a\n  volumes:\n  - name: v\n    configMap:\n      name: original\n'),
  },
  'crlf-bom-tabs': {
    'kustomization.yaml': 'resources:\r\n- r.yaml\r\n',
    'r.yaml': '\ufeffapiVersion: v1\r\nkind: ConfigMap\r\nmetadata:\r\n  name: crlf\r\ndata:\r\n  tab: "a\\tb"\r\n  text: |\r\n    line1\r\n    line2\r\n',
  },
  'many-docs-and-comments': {
    'kustomization.yaml': '# comment\nresources: # trailing\n- r.yaml # file\n',
    'r.yaml': Array.from({ length: 30 }, (_, i) => `# doc ${i}\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${String(i).padStart(2, '0')}\ndata:\n  index: "${i}"\n  n${i}: ${i}\n`).join('---\n'),
  },
  'images-tag-digest-mix': {
    'kustomization.yaml': 'resources:\n- r.yaml\nimages:\n- name: app\n  newTag: v2\n  digest: sha256:1111\n- name: gcr.io/proj/tool\n  newName: tool\n',
    'r.yaml': POD('p', '  containers:\n  - name: a\n    image: app:v1\n  - name: b\n    image: gcr.io/proj/tool:3@sha256:2222\n  initContainers:\n  - name: c\n    image: app\n'),
  },
  'replicas-with-prefix-layers': {
    'base/kustomization.yaml': 'resources:\n- d.yaml\nnamePrefix: b-\n',
    'base/d.yaml': DEP + '---\n' + BASE['extra.yaml'].split('---\n')[1],
    'overlay/kustomization.yaml': 'resources:\n- ../base\nreplicas:\n- name: b-web\n  count: 9\n- name: db\n  count: 4\n',
  },
  'namespace-object-renamed': {
    'kustomization.yaml': 'namespace: renamed\nresources:\n- r.yaml\n',
    'r.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: original\n---\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: default\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: crb\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: view\nsubjects:\n- kind: ServiceAccount\n  name: default\n  namespace: original\n- kind: ServiceAccount\n  name: other\n  namespace: original\n',
  },
  'generator-files-dir-keys': {
    'kustomization.yaml': 'configMapGenerator:\n- name: files\n  files:\n  - conf/app.yaml\n  - custom-key=conf/other.json\n  - conf/.hidden\n',
    'conf/app.yaml': 'server:\n  port: 8080\n',
    'conf/other.json': '{"a": [1, 2]}',
    'conf/.hidden': 'x',
  },
  'hpa-scale-target-prefix': {
    'kustomization.yaml': 'resources:\n- r.yaml\nnamePrefix: hpa-\nnameSuffix: -z\n',
    'r.yaml': DEP + '---\n' + BASE['extra.yaml'].split('---\n')[0],
  },
  'secret-stringdata-and-types': {
    'kustomization.yaml': 'resources:\n- r.yaml\nnamePrefix: s-\nsecretGenerator:\n- name: docker\n  type: kubernetes.io/dockerconfigjson\n  literals:\n  - .dockerconfigjson={"auths":{}}\n',
    'r.yaml': 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: plain\nstringData:\n  password: "p@ss: word"\ntype: Opaque\n',
  },
});

Object.assign(CASES, {
  'vars-basic': {
    'base/kustomization.yaml': 'resources:\n- r.yaml\nvars:\n- name: SVC_NAME\n  objref:\n    kind: Service\n    name: web\n    apiVersion: v1\n- name: SVC_PORT\n  objref:\n    kind: Service\n    name: web\n    apiVersion: v1\n  fieldref:\n    fieldpath: spec.ports[0].port\n',
    'base/r.yaml': SVC + '---\n' + POD('client', '  containers:\n  - name: a\n    image: a\n    command: ["sh", "-c", "curl http://$(SVC_NAME):$(SVC_PORT)/ $$(not-a-var) $(UNKNOWN)"]\n    env:\n    - name: PORT\n      value: $(SVC_PORT)\n    - name: HOST\n      value: $(SVC_NAME).svc\n'),
    'overlay/kustomization.yaml': 'resources:\n- ../base\nnamePrefix: v-\nnamespace: vars\ncommonAnnotations:\n  svc: $(SVC_NAME)\n',
  },
  'vars-configmap-data': {
    'kustomization.yaml': 'resources:\n- r.yaml\nconfigMapGenerator:\n- name: env\n  literals:\n  - DOMAIN=example.org\nvars:\n- name: DOMAIN\n  objref:\n    kind: ConfigMap\n    name: env\n    apiVersion: v1\n  fieldref:\n    fieldpath: data.DOMAIN\n- name: CM_NAME\n  objref:\n    kind: ConfigMap\n    name: env\n    apiVersion: v1\n',
    'r.yaml': 'apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: ing\n  labels:\n    cm: $(CM_NAME)\nspec:\n  tls:\n  - hosts: [app.$(DOMAIN)]\n    secretName: tls-$(DOMAIN)\n  rules:\n  - host: app.$(DOMAIN)\n',
  },
});

const WIDGET = 'apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\nspec:\n  configRef:\n    name: settings\n  secretName: creds\n  image: nginx:1.0\n  selector: {}\n  replicas: 1\n  owner: someone\n';
Object.assign(CASES, {
  'configurations-custom-fields': {
    'kustomization.yaml': 'resources:\n- w.yaml\nconfigurations:\n- conf.yaml\nnamePrefix: cfg-\ncommonLabels:\n  app: widget\ncommonAnnotations:\n  note: x\nimages:\n- name: nginx\n  newTag: "2.0"\nconfigMapGenerator:\n- name: settings\n  literals: [a=b]\nsecretGenerator:\n- name: creds\n  literals: [c=d]\n',
    'conf.yaml': 'nameReference:\n- kind: ConfigMap\n  version: v1\n  fieldSpecs:\n  - path: spec/configRef/name\n    kind: Widget\n- kind: Secret\n  version: v1\n  fieldSpecs:\n  - path: spec/secretName\n    kind: Widget\ncommonLabels:\n- path: spec/selector\n  kind: Widget\n  create: true\nimages:\n- path: spec/image\n  kind: Widget\nnamePrefix:\n- path: spec/owner\n  kind: Widget\n',
    'w.yaml': WIDGET,
  },
  'configurations-in-base': {
    'base/kustomization.yaml': 'resources:\n- w.yaml\nconfigurations:\n- conf.yaml\nconfigMapGenerator:\n- name: settings\n  literals: [a=b]\n',
    'base/conf.yaml': 'nameReference:\n- kind: ConfigMap\n  version: v1\n  fieldSpecs:\n  - path: spec/configRef/name\n    kind: Widget\nvarReference:\n- path: spec/owner\n  kind: Widget\n',
    'base/w.yaml': WIDGET.replace('owner: someone', 'owner: $(CM)'),
    'overlay/kustomization.yaml': 'resources:\n- ../base\nnameSuffix: -o\nvars:\n- name: CM\n  objref:\n    apiVersion: v1\n    kind: ConfigMap\n    name: settings\n',
  },
  'crds-openapi-refs': {
    'kustomization.yaml': 'resources:\n- w.yaml\ncrds:\n- widget-openapi.json\nnamePrefix: crd-\nconfigMapGenerator:\n- name: settings\n  literals: [a=b]\n',
    'widget-openapi.json': JSON.stringify({
      'example.com.v1.Widget': {
        properties: {
          apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: { $ref: '#/definitions/io.k8s.ObjectMeta' },
          spec: { $ref: '#/definitions/example.com.v1.WidgetSpec' },
        },
      },
      'example.com.v1.WidgetSpec': {
        properties: {
          configRef: { type: 'object', 'x-kubernetes-object-ref-api-version': 'v1', 'x-kubernetes-object-ref-kind': 'ConfigMap' },
          selector: { type: 'object', 'x-kubernetes-label-selector': 'true' },
        },
      },
    }, null, 2),
    'w.yaml': WIDGET,
  },
});

CASES['crds-openapi-direct'] = {
  'kustomization.yaml': 'resources:\n- w.yaml\ncrds:\n- widget-openapi.yaml\nnamePrefix: crd-\ncommonLabels:\n  team: t\nconfigMapGenerator:\n- name: settings\n  literals: [a=b]\n',
  'widget-openapi.yaml': 'example.com.v1.Widget:\n  Schema:\n    properties:\n      apiVersion: {type: string}\n      kind: {type: string}\n      metadata: {type: object}\n      spec:\n        $ref: example.com.v1.WidgetSpec\nexample.com.v1.WidgetSpec:\n  Schema:\n    properties:\n      configRef:\n        type: object\n        x-kubernetes-object-ref-api-version: v1\n        x-kubernetes-object-ref-kind: ConfigMap\n      selector:\n        type: object\n        x-kubernetes-label-selector: "true"\n',
  'w.yaml': WIDGET,
};

const RICH = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: rich\nspec:\n  selector:\n    matchLabels: {app: rich}\n  template:\n    metadata:\n      labels: {app: rich}\n    spec:\n      tolerations:\n      - key: a\n        operator: Exists\n      containers:\n      - name: main\n        image: main:1\n        args: [--a, --b]\n        ports:\n        - containerPort: 80\n          name: http\n        - containerPort: 443\n          name: https\n        volumeMounts:\n        - name: data\n          mountPath: /data\n        resources:\n          limits: {cpu: "1", memory: 1Gi}\n      - name: side\n        image: side:1\n      volumes:\n      - name: data\n        emptyDir: {}\n';
const smpCase = (patch) => ({ 'kustomization.yaml': 'resources:\n- d.yaml\npatches:\n- path: patch.yaml\n', 'd.yaml': RICH, 'patch.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: rich\nspec:\n  template:\n    spec:\n' + patch });
Object.assign(CASES, {
  'smp-tolerations-replace': smpCase('      tolerations:\n      - key: b\n        operator: Equal\n        value: x\n'),
  'smp-args-replace': smpCase('      containers:\n      - name: main\n        args: [--c]\n'),
  'smp-ports-merge': smpCase('      containers:\n      - name: main\n        ports:\n        - containerPort: 8080\n          name: alt\n        - containerPort: 80\n          name: web\n'),
  'smp-volume-mounts': smpCase('      containers:\n      - name: main\n        volumeMounts:\n        - name: cache\n          mountPath: /cache\n      volumes:\n      - name: cache\n        emptyDir: {}\n'),
  'smp-delete-container': smpCase('      containers:\n      - name: side\n        $patch: delete\n'),
  'smp-replace-resources-map': smpCase('      containers:\n      - name: main\n        resources:\n          $patch: replace\n          requests: {cpu: 100m}\n'),
  'smp-new-container-first': smpCase('      initContainers:\n      - name: init\n        image: init:1\n      containers:\n      - name: new\n        image: new:1\n'),
  'smp-null-removes-field': smpCase('      containers:\n      - name: main\n        resources: null\n        args: null\n'),
  'smp-multi-doc-file': {
    'kustomization.yaml': 'resources:\n- d.yaml\n- s.yaml\npatches:\n- path: patches.yaml\n',
    'd.yaml': RICH, 's.yaml': SVC,
    'patches.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: rich\nspec:\n  replicas: 3\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  annotations:\n    patched: "yes"\nspec:\n  type: LoadBalancer\n',
  },
  'smp-label-selector-target': {
    'kustomization.yaml': 'resources:\n- d.yaml\n- d2.yaml\npatches:\n- target:\n    kind: Deployment\n    labelSelector: app=rich\n  patch: |\n    apiVersion: apps/v1\n    kind: Deployment\n    metadata:\n      name: ignored\n    spec:\n      minReadySeconds: 5\n',
    'd.yaml': RICH.replace('name: rich\nspec', 'name: rich\n  labels: {app: rich}\nspec'), 'd2.yaml': DEP,
  },
});

// Timestamps: go-yaml reads unquoted ones as time.Time, and kustomize's JSON step writes RFC 3339
// (`2001-12-14` → "2001-12-14T00:00:00Z"); quoted ones, invalid dates, block scalars and annotations
// (kept as source text) stay as written.
const TS_CM = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ts\n  annotations:\n    a1: 2001-12-14\n    a2: 2001-12-14T21:59:43.10-05:00\n  labels:\n    l1: 2001-12-14\ndata:\n  date: 2001-12-14\n  short: 2001-1-2\n  zoned: 2001-12-14T21:59:43.10-05:00\n  utc: 2001-12-14T21:59:43Z\n  lower: 2001-12-14t21:59:43.000+00:00\n  spaced: 2001-12-14 21:59:43.10\n  nanos: 2001-12-14T21:59:43.123456789+01:30\n  double: "2001-12-14"\n  single: \'2001-12-14T21:59:43Z\'\n  tagged: !!timestamp 2001-12-14\n  badmonth: 2001-13-14\n  badday: 2001-02-30\n  block: |\n    2001-12-14\nlist:\n- 2001-12-14\n- {k: 2002-01-01}\n';
Object.assign(CASES, {
  'timestamps-forms': { 'kustomization.yaml': 'resources:\n- cm.yaml\n', 'cm.yaml': TS_CM },
  'timestamps-through-patches': {
    'kustomization.yaml': 'resources:\n- cm.yaml\npatches:\n- target: {kind: ConfigMap}\n  patch: |\n    - op: add\n      path: /data/fromJson\n      value: 2003-04-05\n    - op: replace\n      path: /data/date\n      value: "2004-05-06"\n- patch: |\n    apiVersion: v1\n    kind: ConfigMap\n    metadata:\n      name: ts\n    data:\n      fromSmp: 2005-06-07T08:09:10+02:00\n      short: 2006-7-8\n      spaced: 2006-07-08 01:02:03.50\n',
    // A fresh ConfigMap: kustomize re-reads annotations through JSON after a JSON 6902 patch (see README).
    'cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ts\ndata:\n  date: 2001-12-14\n',
  },
  'timestamps-in-kustomization': {
    'kustomization.yaml': 'resources:\n- d.yaml\ncommonAnnotations:\n  released: 2007-08-09\nlabels:\n- pairs:\n    day: 2008-09-10\nconfigMapGenerator:\n- name: gen\n  literals:\n  - day=2009-10-11\n',
    'd.yaml': DEP,
  },
});

// JSON 6902 loose forms: kustomize applies them with evanphx/json-patch v4, as kubectl does.
const J_DEP = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 1\n  template:\n    spec:\n      containers:\n      - name: a\n        image: a\n        args: [x, y, z]\n';
const jCase = (ops) => ({ 'kustomization.yaml': 'resources:\n- d.yaml\npatches:\n- target: {kind: Deployment}\n  patch: |\n' + ops.map((o) => o.replace(/^/gm, '    ')).join('\n') + '\n', 'd.yaml': J_DEP });
const ARGS = '/spec/template/spec/containers/0/args';
Object.assign(CASES, {
  'json6902-loose-missing-members': jCase([
    '- op: replace\n  path: /spec/minReadySeconds\n  value: 5',
    '- op: test\n  path: /spec/paused\n  value: null',
    '- op: add\n  path: /spec/progressDeadlineSeconds',
    '- op: replace\n  path: /spec/replicas',
    '- op: copy\n  from: /spec/nothing\n  path: /spec/revisionHistoryLimit',
  ]),
  'json6902-loose-indices': jCase([
    `- op: replace\n  path: ${ARGS}/01\n  value: zero-padded`,
    `- op: replace\n  path: ${ARGS}/+2\n  value: signed`,
    `- op: replace\n  path: ${ARGS}/-1\n  value: last`,
    `- op: add\n  path: ${ARGS}/-1\n  value: add-negative`,
    `- op: add\n  path: ${ARGS}/-\n  value: appended`,
    `- op: add\n  path: ${ARGS}/5\n  value: at-length`,
  ]),
  'json6902-loose-pointer-without-slash': jCase([
    '- op: add\n  path: spec/minReadySeconds\n  value: 3',
    '- op: add\n  path: x/spec/paused\n  value: true',
  ]),
  'fail-json6902-test-missing-member': jCase(['- op: test\n  path: /spec/paused\n  value: false']),
  'fail-json6902-remove-missing-member': jCase(['- op: remove\n  path: /spec/nothing']),
  'fail-json6902-replace-dash': jCase([`- op: replace\n  path: ${ARGS}/-\n  value: w`]),
  'fail-json6902-add-past-end': jCase([`- op: add\n  path: ${ARGS}/4\n  value: w`]),
});

// go-yaml v3 details: !!binary is decoded; a flow mapping's missing or empty values are "" (not null).
Object.assign(CASES, {
  'odd-yaml-binary-and-flow-empty-values': {
    'kustomization.yaml': 'resources:\n- cm.yaml\n',
    'cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: odd\ndata:\n  b: !!binary aGVsbG8=\nspec:\n  flow: {x, y: , z: 1}\n  block:\n    y:\n',
  },
  // go-yaml v2 key order puts a non-letter before a letter even after digits; integers keep every digit.
  'odd-yaml-key-order-and-big-integers': {
    'kustomization.yaml': 'resources:\n- cm.yaml\n',
    'cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: keys\ndata:\n  "1e3": b\n  "1:20": a\n  a1b: d\n  a1_: c\n  "<<x": e\nspec:\n  big: 1063984039813012352\n  neg: -1063984039813012352\n  u64: 9223372036854775808\n  flt: 1.0e+18\n  lt: "<<"\n  "\\n": newline key\n',
  },
  'fail-numeric-map-key': { 'kustomization.yaml': 'resources:\n- cm.yaml\n', 'cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: k\ndata:\n  1: a\n' },
});

// Trees kustomize refuses: the engine must refuse them too (the suite checks both fail).
Object.assign(CASES, {
  'fail-merge-without-base': { 'kustomization.yaml': 'configMapGenerator:\n- name: nope\n  behavior: merge\n  literals: [a=b]\n' },
  'fail-create-existing': { 'kustomization.yaml': 'resources:\n- cm.yaml\nconfigMapGenerator:\n- name: x\n  literals: [a=b]\n', 'cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n' },
  'fail-component-as-resource': { 'kustomization.yaml': 'resources:\n- comp\n', 'comp/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\n' },
  'fail-unknown-generator-field': { 'kustomization.yaml': 'configMapGenerator:\n- name: x\n  literal: [a=b]\n' },
  'fail-smp-no-match': { 'kustomization.yaml': 'resources:\n- d.yaml\npatches:\n- patch: |\n    apiVersion: apps/v1\n    kind: Deployment\n    metadata:\n      name: other\n', 'd.yaml': DEP },
  'fail-json-patch-bad-path': { 'kustomization.yaml': 'resources:\n- d.yaml\npatches:\n- target: {kind: Deployment}\n  patch: |\n    - op: replace\n      path: /spec/does/not/exist\n      value: 1\n', 'd.yaml': DEP },
  'fail-replacement-no-source': { 'kustomization.yaml': 'resources:\n- d.yaml\nreplacements:\n- source:\n    kind: ConfigMap\n    name: missing\n  targets:\n  - select: {kind: Deployment}\n    fieldPaths: [metadata.name]\n', 'd.yaml': DEP },
  'fail-replacement-missing-target-field': { 'kustomization.yaml': 'resources:\n- d.yaml\n- s.yaml\nreplacements:\n- source:\n    kind: Service\n    name: web\n  targets:\n  - select: {kind: Deployment}\n    fieldPaths: [spec.nothing.here]\n', 'd.yaml': DEP, 's.yaml': SVC },
  'fail-var-unresolvable': { 'kustomization.yaml': 'resources:\n- s.yaml\nvars:\n- name: X\n  objref:\n    kind: Service\n    name: absent\n    apiVersion: v1\n', 's.yaml': SVC },
  'fail-duplicate-key-yaml': { 'kustomization.yaml': 'resources:\n- r.yaml\n', 'r.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  name: b\n' },
  'env-file-line-without-value': { 'kustomization.yaml': 'configMapGenerator:\n- name: e\n  envs: [bad.env]\n', 'bad.env': 'GOOD=1\nthis line has no equals sign\n' },
  'fail-namespace-conflict': { 'kustomization.yaml': 'namespace: one\nresources:\n- r.yaml\n', 'r.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  namespace: x\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  namespace: y\n' },
});
for (const [name, files] of Object.entries(CASES)) {
  for (const [f, t] of Object.entries(files)) write(join(out, name, f), t);
}
process.stdout.write(`wrote ${combos.length + Object.keys(CASES).length} trees\n`);
