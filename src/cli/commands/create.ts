/**
 * `lockstep create source git` and `lockstep create kustomization`: build the object from flags as
 * `flux create` does (same flags, defaults and checks), then print it with `--export` (YAML as flux
 * prints it) or create/update it in the cluster and wait until it is Ready, with a spinner.
 */
import { formatDuration } from '../../api/duration.js';
import { gitRepositoryApiVersion, gitRepositoryKind } from '../../api/gitrepository.js';
import { kustomizationApiVersion, kustomizationKind } from '../../api/kustomization.js';
import type { JsonObject, KubeObject } from '../../kube/object.js';
import { isNotFound } from '../../kube/client/index.js';
import type { Command, CommandArgs, CommandIO } from '../command.js';
import { UsageError, bool, durationFlag, guard, kubeFlags, kubeFlagsHelp, list, nameArg, namespaceOf, str, withKube } from '../output/context.js';
import { cliKindByName, successMessage } from '../output/kinds.js';
import { CliLogger } from '../output/logger.js';
import { attemptState, waitForObject } from '../output/wait.js';
import { toFluxYaml } from '../output/yaml.js';
import { gitSecretData, sshKeyFlags, sshKeyFlagsHelp } from '../secrets/git.js';

const createFlags = {
  ...kubeFlags,
  interval: { type: 'string' },
  export: { type: 'boolean' },
  label: { type: 'string', multiple: true },
} as const;

/** `--label key=value` (repeatable, comma-separated) as flux parses it. */
export function parseLabels(args: CommandArgs): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const l of list(args, 'label')) {
    const i = l.indexOf('=');
    if (i <= 0) throw new UsageError(`invalid label format '${l}', must be key=value`);
    out[l.slice(0, i)] = l.slice(i + 1);
  }
  return Object.keys(out).length ? out : undefined;
}

function metadata(args: CommandArgs, name: string): JsonObject {
  const labels = parseLabels(args);
  return { name, namespace: namespaceOf(args), ...(labels ? { labels } : {}) };
}

/** The GitRepository `flux create source git` would write for these flags (throws on bad flags). */
export function gitRepositoryFromFlags(args: CommandArgs): KubeObject {
  const name = nameArg(args, 'GitRepository');
  const url = str(args, 'url') ?? '';
  if (!url) throw new UsageError('url is required');
  let scheme: string;
  try {
    scheme = new URL(url).protocol.replace(/:$/, '');
  } catch {
    throw new UsageError(`git URL parse failed: ${url}`);
  }
  if (!['ssh', 'http', 'https'].includes(scheme)) throw new UsageError(`git URL scheme '${scheme}' not supported, can be: ssh, http and https`);
  const [branch, tag, semver, refName, commit] = ['branch', 'tag', 'tag-semver', 'ref-name', 'commit'].map((f) => str(args, f) ?? '') as [string, string, string, string, string];
  if (!branch && !tag && !semver && !commit && !refName) throw new UsageError('a Git ref is required, use one of the following: --branch, --tag, --commit, --ref-name or --tag-semver');
  let ref: JsonObject;
  if (commit) ref = branch ? { branch, commit } : { commit };
  else if (refName) ref = { name: refName };
  else if (semver) ref = { semver };
  else if (tag) ref = { tag };
  else ref = { branch };
  const spec: JsonObject = { url, interval: formatDuration(durationFlag(args, 'interval', 60_000)), ref };
  const ignore = list(args, 'ignore-paths');
  if (ignore.length) spec['ignore'] = ignore.join('\n');
  if (bool(args, 'recurse-submodules')) spec['recurseSubmodules'] = true;
  const fetchTimeout = str(args, 'fetch-timeout');
  if (fetchTimeout) spec['timeout'] = formatDuration(durationFlag(args, 'fetch-timeout', 60_000));
  const secretRef = str(args, 'secret-ref');
  if (secretRef) spec['secretRef'] = { name: secretRef };
  return { apiVersion: gitRepositoryApiVersion, kind: gitRepositoryKind, metadata: metadata(args, name), spec } as KubeObject;
}

const sourceKinds = ['GitRepository', 'OCIRepository', 'Bucket'];

/** `--source [<kind>/]<name>[.<namespace>]` (kind GitRepository by default), as flux parses it. */
export function parseSourceFlag(v: string): JsonObject {
  const slash = v.indexOf('/');
  const kind = slash >= 0 ? v.slice(0, slash) : 'GitRepository';
  const rest = slash >= 0 ? v.slice(slash + 1) : v;
  const dot = rest.indexOf('.');
  const name = dot >= 0 ? rest.slice(0, dot) : rest;
  const namespace = dot >= 0 ? rest.slice(dot + 1) : '';
  if (!name) throw new UsageError(`no source name given in "${v}", use <kind>/<name>[.<namespace>]`);
  const known = sourceKinds.find((k) => k.toLowerCase() === kind.toLowerCase());
  if (!known) throw new UsageError(`source kind '${kind}' is not supported, must be one of: ${sourceKinds.join(', ')}`);
  return { kind: known, name, ...(namespace ? { namespace } : {}) };
}

const healthCheckKinds = ['Deployment', 'DaemonSet', 'StatefulSet', 'HelmRelease'];

function healthChecks(args: CommandArgs): JsonObject[] {
  return list(args, 'health-check').map((w) => {
    const parts = w.split('/');
    if (parts.length !== 2) throw new UsageError(`invalid health check '${w}' must be in the format 'kind/name.namespace'`);
    const [kind, nameNs] = parts as [string, string];
    if (!healthCheckKinds.includes(kind)) throw new UsageError(`invalid health check kind '${kind}' can be HelmRelease, Deployment, DaemonSet or StatefulSet`);
    const nn = nameNs.split('.');
    if (nn.length !== 2) throw new UsageError(`invalid health check '${w}' must be in the format 'kind/name.namespace'`);
    return { kind, name: nn[0] as string, namespace: nn[1] as string, ...(kind === 'HelmRelease' ? { apiVersion: 'helm.toolkit.fluxcd.io/v2' } : {}) };
  });
}

/** The Kustomization `flux create kustomization` would write for these flags (throws on bad flags). */
export function kustomizationFromFlags(args: CommandArgs): KubeObject {
  const name = nameArg(args, 'Kustomization');
  const path = str(args, 'path') ?? './';
  if (!path) throw new UsageError('path is required');
  if (!path.startsWith('./')) throw new UsageError('path must begin with ./');
  if (path.split('/').includes('..')) throw new UsageError(`path "${path}" must not contain ".."`);
  const source = str(args, 'source');
  if (!source) throw new UsageError('source is required, use --source=<kind>/<name>[.<namespace>]');
  const spec: JsonObject = {
    interval: formatDuration(durationFlag(args, 'interval', 60_000)),
    path,
    prune: bool(args, 'prune'),
    sourceRef: parseSourceFlag(source),
  };
  const deps = list(args, 'depends-on').map((d): JsonObject => {
    const i = d.indexOf('/');
    return i >= 0 ? { namespace: d.slice(0, i), name: d.slice(i + 1) } : { name: d };
  });
  if (deps.length) spec['dependsOn'] = deps;
  const target = str(args, 'target-namespace');
  if (target) spec['targetNamespace'] = target;
  const healthTimeout = formatDuration(durationFlag(args, 'health-check-timeout', 120_000));
  const checks = healthChecks(args);
  if (bool(args, 'wait')) {
    spec['wait'] = true;
    spec['timeout'] = healthTimeout;
  } else if (checks.length) {
    spec['healthChecks'] = checks;
    spec['timeout'] = healthTimeout;
  }
  const sa = str(args, 'service-account');
  if (sa) spec['serviceAccountName'] = sa;
  const retry = str(args, 'retry-interval');
  if (retry) spec['retryInterval'] = formatDuration(durationFlag(args, 'retry-interval', 0));
  const kcRef = str(args, 'kubeconfig-secret-ref');
  if (kcRef) spec['kubeConfig'] = { secretRef: { name: kcRef } };
  return { apiVersion: kustomizationApiVersion, kind: kustomizationKind, metadata: metadata(args, name), spec } as KubeObject;
}

async function upsertAndWait(obj: KubeObject, args: CommandArgs, io: CommandIO): Promise<number> {
  const log = new CliLogger(io.stderr, io.env);
  const kind = obj.kind;
  const cliKind = cliKindByName(kind);
  return withKube(args, io, async (k) => {
    const ref = { apiVersion: obj.apiVersion, kind, name: obj.metadata.name ?? '', namespace: obj.metadata.namespace };
    log.action(`applying ${kind}`);
    let existing: KubeObject | undefined;
    try {
      existing = await k.client.get(ref);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    if (existing) {
      const updated = { ...existing, metadata: { ...existing.metadata, labels: obj.metadata.labels }, spec: (obj as { spec?: unknown }).spec } as KubeObject;
      if (!obj.metadata.labels) delete updated.metadata.labels;
      await k.client.replace(updated);
      log.success(`${kind} updated`);
    } else {
      await k.client.create(obj);
      log.success(`${kind} created`);
    }
    const { obj: final, state } = await waitForObject({
      client: k.client,
      ref,
      text: `waiting for ${kind} reconciliation`,
      done: (o) => {
        const s = attemptState(o, { created: existing === undefined });
        return s.state === 'progressing' ? undefined : s;
      },
      timeoutMs: k.timeoutMs,
      stderr: io.stderr,
      env: io.env,
    });
    if (state.state === 'failed') throw new Error(`${kind} reconciliation failed: ${state.message}`);
    log.success(`${kind} ${ref.name} is ready`);
    if (cliKind) log.success(successMessage(cliKind, final));
    return 0;
  });
}

/**
 * Credentials for a GitRepository without `--secret-ref` (not with `--export`), as flux does: for an
 * ssh:// URL a key pair (generated, or `--private-key-file`) and the host's known_hosts (scanned, or
 * `--known-hosts-file`), printing the public key to add to the repository as a deploy key; for http(s)
 * `--username/--password` or `--bearer-token`. Upserts Secret `<name>` and points `spec.secretRef` at it.
 */
async function applyCredentials(obj: KubeObject, args: CommandArgs, io: CommandIO): Promise<void> {
  if (obj.kind !== gitRepositoryKind || str(args, 'secret-ref')) return;
  const spec = (obj as unknown as { spec: JsonObject }).spec;
  const url = String(spec['url']);
  const ssh = url.startsWith('ssh:');
  if (!ssh && !str(args, 'username') && !str(args, 'password') && !str(args, 'bearer-token')) {
    for (const f of Object.keys(sshKeyFlags)) if (str(args, f)) throw new UsageError(`--${f} is for ssh:// URLs`);
    return;
  }
  const log = new CliLogger(io.stderr, io.env);
  if (ssh) log.generate(str(args, 'private-key-file') ? 'reading the deploy key pair' : 'generating deploy key pair');
  const data = await gitSecretData(args, url, { timeoutMs: durationFlag(args, 'timeout', 60_000) });
  if (data.deployKey) {
    log.success(`deploy key: ${data.deployKey}`);
    log.waiting('add it to the repository as a read-only deploy key (the source fails with "authentication failed" until then)');
  }
  if (url.startsWith('http:')) log.warning('insecure configuration: credentials configured for an HTTP URL');
  const name = obj.metadata.name ?? '';
  const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: obj.metadata.namespace }, type: 'Opaque', stringData: data.stringData } as unknown as KubeObject;
  log.action('applying secret with repository credentials');
  await withKube(args, io, (k) => k.client.apply(secret, { fieldManager: 'lockstep', force: true }));
  spec['secretRef'] = { name };
  log.success('authentication configured');
}

async function runCreate(build: (a: CommandArgs) => KubeObject, args: CommandArgs, io: CommandIO): Promise<number> {
  return guard(io, async () => {
    const obj = build(args);
    if (bool(args, 'export')) {
      io.stdout.write(toFluxYaml(obj as unknown as JsonObject));
      return 0;
    }
    new CliLogger(io.stderr, io.env).generate(`generating ${obj.kind}`);
    await applyCredentials(obj, args, io);
    return upsertAndWait(obj, args, io);
  });
}

const commonHelp = `  --interval DURATION  source sync interval (default 1m0s)
  --label KEY=VALUE    set labels on the resource (repeatable, or comma-separated)
  --export             print the YAML instead of applying it
`;

export const createSourceGitCommand: Command = {
  path: ['create', 'source', 'git'],
  summary: 'Create or update a GitRepository source',
  help: `Usage: lockstep create source git NAME --url URL (--branch B | --tag T | --tag-semver R | --ref-name REF | --commit SHA) [flags]

Generates a GitRepository and waits until it is Ready (or prints it with --export). Output matches
"flux create source git".

Flags:
  --url URL            git address: ssh://, http:// or https://
  --branch NAME        git branch
  --tag NAME           git tag
  --tag-semver RANGE   git tag semver range
  --ref-name REF       full git reference name (refs/...)
  --commit SHA         git commit (with --branch, the branch is cloned to find it)
  --secret-ref NAME    existing Secret with SSH or basic credentials
  -u, --username NAME  basic auth username (stored in Secret NAME; not with --export)
  -p, --password PASS  basic auth password (ssh://: the passphrase of --private-key-file)
  --bearer-token TOKEN bearer token for http(s) (stored in Secret NAME)
  -s, --silent         accepted for flux compatibility (lockstep never prompts for the deploy key)
SSH (ssh:// URL without --secret-ref; Secret NAME gets identity, identity.pub, known_hosts):
${sshKeyFlagsHelp}  --ignore-paths LIST  paths to ignore (comma-separated)
  --recurse-submodules include git submodules
  --fetch-timeout DURATION  git operation timeout
${commonHelp}
${kubeFlagsHelp}
Examples:
  # Print the YAML of a source following the main branch
  lockstep create source git podinfo --url=https://github.com/stefanprodan/podinfo --branch=main --export

  # Create a source pinned to a semver range and wait until it is ready
  lockstep create source git podinfo --url=https://github.com/stefanprodan/podinfo --tag-semver=">=6.0.0 <7.0.0"

  # Over SSH with a generated ed25519 deploy key (printed: add it to the repository)
  lockstep create source git fleet --url=ssh://git@git.example.com/org/fleet --branch=main --ssh-key-algorithm=ed25519
`,
  options: {
    ...createFlags,
    url: { type: 'string' },
    branch: { type: 'string' },
    tag: { type: 'string' },
    'tag-semver': { type: 'string' },
    'ref-name': { type: 'string' },
    commit: { type: 'string' },
    'secret-ref': { type: 'string' },
    username: { type: 'string', short: 'u' },
    password: { type: 'string', short: 'p' },
    'bearer-token': { type: 'string' },
    silent: { type: 'boolean', short: 's' },
    ...sshKeyFlags,
    'ignore-paths': { type: 'string', multiple: true },
    'recurse-submodules': { type: 'boolean' },
    'fetch-timeout': { type: 'string' },
  },
  run: (args, io) => runCreate(gitRepositoryFromFlags, args, io),
};

export const createKustomizationCommand: Command = {
  path: ['create', 'kustomization'],
  summary: 'Create or update a Kustomization',
  help: `Usage: lockstep create kustomization NAME --source [KIND/]NAME[.NAMESPACE] [flags]

Generates a Kustomization for a source and waits until it is Ready (or prints it with --export).
Output matches "flux create kustomization".

Flags:
  --source REF              source: [<kind>/]<name>[.<namespace>] (kind GitRepository by default)
  --path PATH               directory in the source, starting with ./ (default ./)
  --prune                   delete what is removed from the source
  --depends-on LIST         Kustomizations to wait for: <name> or <namespace>/<name> (repeatable)
  --target-namespace NS     namespace of every namespaced object applied
  --wait                    health check every applied object
  --health-check LIST       <kind>/<name>.<namespace> to health check (repeatable)
  --health-check-timeout D  timeout of health checks (default 2m0s)
  --service-account NAME    ServiceAccount to impersonate
  --retry-interval D        retry interval after a failure
  --kubeconfig-secret-ref NAME  Secret with a kubeconfig for a remote cluster
${commonHelp}
${kubeFlagsHelp}
Examples:
  # Print the YAML of a Kustomization applying ./kustomize from the podinfo source
  lockstep create kustomization podinfo --source=GitRepository/podinfo --path=./kustomize --prune --export

  # Create one that waits for its objects and depends on another
  lockstep create kustomization apps --source=flux-system --path=./apps --prune --wait --depends-on=infra
`,
  options: {
    ...createFlags,
    source: { type: 'string' },
    path: { type: 'string' },
    prune: { type: 'boolean' },
    'depends-on': { type: 'string', multiple: true },
    'target-namespace': { type: 'string' },
    wait: { type: 'boolean' },
    'health-check': { type: 'string', multiple: true },
    'health-check-timeout': { type: 'string' },
    'service-account': { type: 'string' },
    'retry-interval': { type: 'string' },
    'kubeconfig-secret-ref': { type: 'string' },
  },
  run: (args, io) => runCreate(kustomizationFromFlags, args, io),
};

/** The Secret `create secret git` writes (stringData, as flux prints it). */
async function gitSecretFromFlags(args: CommandArgs): Promise<{ secret: JsonObject; deployKey?: string | undefined }> {
  const name = nameArg(args, 'Secret');
  const url = str(args, 'url');
  if (!url) throw new UsageError('url is required');
  const data = await gitSecretData(args, url, { timeoutMs: durationFlag(args, 'timeout', 60_000) });
  const labels = parseLabels(args);
  return {
    secret: { apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: namespaceOf(args), ...(labels ? { labels } : {}) }, stringData: data.stringData },
    deployKey: data.deployKey,
  };
}

export const createSecretGitCommand: Command = {
  path: ['create', 'secret', 'git'],
  summary: 'Create or update a Secret with git credentials',
  help: `Usage: lockstep create secret git NAME --url URL [flags]

Creates or updates a Secret a GitRepository can reference with spec.secretRef (or prints it with
--export), as "flux create secret git": for an ssh:// URL a key pair (generated, or --private-key-file;
the public key is printed: add it to the repository as a deploy key) and the host's known_hosts
(ssh-keyscan of the URL's host, or --known-hosts-file); for http(s) --username/--password or
--bearer-token, and --ca-crt-file.

Flags:
  --url URL                 git address: ssh://, http:// or https://
  -u, --username NAME       basic auth username
  -p, --password PASS       basic auth password (ssh://: the passphrase of --private-key-file)
  --bearer-token TOKEN      bearer token
  --ca-crt-file FILE        CA certificate for https
${sshKeyFlagsHelp}  --label KEY=VALUE         set labels on the Secret (repeatable)
  --export                  print the Secret (YAML) instead of applying it

${kubeFlagsHelp}
Examples:
  lockstep create secret git fleet-auth --url=ssh://git@git.example.com/org/fleet --export
  lockstep create secret git fleet-auth --url=ssh://git@git.example.com/org/fleet --private-key-file=./id_ed25519
  lockstep create secret git fleet-auth --url=https://git.example.com/org/fleet -u git -p "$TOKEN"
`,
  options: {
    ...kubeFlags,
    url: { type: 'string' },
    username: { type: 'string', short: 'u' },
    password: { type: 'string', short: 'p' },
    'bearer-token': { type: 'string' },
    'ca-crt-file': { type: 'string' },
    label: { type: 'string', multiple: true },
    export: { type: 'boolean' },
    ...sshKeyFlags,
  },
  run: (args, io) =>
    guard(io, async () => {
      const { secret, deployKey } = await gitSecretFromFlags(args);
      if (bool(args, 'export')) {
        io.stdout.write(toFluxYaml(secret));
        return 0;
      }
      const log = new CliLogger(io.stderr, io.env);
      if (deployKey) log.success(`deploy key: ${deployKey}`);
      await withKube(args, io, (k) => k.client.apply(secret as unknown as KubeObject, { fieldManager: 'lockstep', force: true }));
      const meta = secret['metadata'] as { name: string; namespace: string };
      log.success(`git secret '${meta.name}' created in '${meta.namespace}' namespace`);
      return 0;
    }),
};

export const createCommands: readonly Command[] = [createSourceGitCommand, createKustomizationCommand, createSecretGitCommand];
