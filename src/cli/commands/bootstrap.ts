/**
 * `lockstep bootstrap git`: as `flux bootstrap git`. Checks the cluster and the credentials first, then
 * writes `clusters/NAME/flux-system/{gotk-components,gotk-sync,kustomization}.yaml` to the branch (one
 * commit, only when something changed), pushes, applies the same objects plus the credentials Secret,
 * and waits for the GitRepository, the Kustomization and the controllers, with progress.
 */
import { readFile } from 'node:fs/promises';
import { formatDuration } from '../../api/duration.js';
import type { GitAuth } from '../../git/index.js';
import { componentsObjects, componentsYaml } from '../../install/components.js';
import { fluxSystemKustomizationYaml, normalizeRepoPath, syncObjects, syncYaml } from '../../install/sync.js';
import type { KubeClient } from '../../kube/client/index.js';
import type { JsonObject } from '../../kube/object.js';
import type { Command, CommandArgs, CommandIO } from '../command.js';
import { UsageError, durationFlag, guard, kubeFlags, list, str, withKube } from '../output/context.js';
import { CliLogger } from '../output/logger.js';
import { WaitTimeoutError, readyState, waitForObject } from '../output/wait.js';
import { describeRepoError, syncRepoFiles } from '../bootstrap/repo.js';
import { applyObjects, gitRepositoryType, kustomizationType } from '../up/apply.js';
import { lockstepAuthor } from '../up/repo.js';
import { componentFlags, componentOptions, waitForDeployments } from './install.js';
import { lockstepVersion } from './version.js';

const help = `Usage: lockstep bootstrap git --url URL --path clusters/NAME [flags]

Commits Lockstep's manifests to a git repository and makes the cluster sync from it, as "flux bootstrap
git" does: writes clusters/NAME/flux-system/gotk-components.yaml (CRDs, controllers, RBAC),
gotk-sync.yaml (GitRepository and Kustomization "flux-system" on ./clusters/NAME, with prune) and
kustomization.yaml; commits them (only when they changed) and pushes; applies the same objects and the
credentials Secret to the cluster; waits for the GitRepository, the Kustomization and the controllers.
Re-running it is idempotent and upgrades the components in place. The cluster and the credentials are
checked before anything is pushed. On the local cluster the controllers run in "lockstep up" or
"lockstep controllers"; elsewhere the Deployments run the image (see Dockerfile, --image).

Flags:
  --url URL                  repository (http, https or ssh)
  --branch NAME              branch (default main; created when missing)
  --path DIR                 cluster folder in the repository, e.g. clusters/staging
  --username NAME --password PASS   HTTP basic credentials
  --token TOKEN              HTTP token (sent as basic auth, username --username or "git")
  --private-key-file FILE    SSH private key (with --known-hosts-file)
  --known-hosts-file FILE    known_hosts for SSH URLs
  --interval DURATION        GitRepository interval (default 1m)
  --secret-name NAME         Secret holding the credentials (default flux-system)
  --author-name NAME         commit author (default ${lockstepAuthor.name})
  --author-email EMAIL       commit author email (default ${lockstepAuthor.email})
  --components LIST          components to install (default source-controller,kustomize-controller)
  --components-extra LIST    extra components (none available yet: any value is refused)
  --image REF                controller image
  --kubeconfig, --context, --timeout (default 5m)

Examples:
  lockstep bootstrap git --url https://git.example.com/fleet.git --username me --password "$PASS" --path clusters/staging
  lockstep bootstrap git --url ssh://git@git.example.com/fleet.git --private-key-file ~/.ssh/id_ed25519 \\
    --known-hosts-file ~/.ssh/known_hosts --path clusters/prod --branch main
`;

async function authFromFlags(args: CommandArgs, url: string): Promise<{ auth: GitAuth; secret?: Record<string, string> }> {
  const username = str(args, 'username');
  const password = str(args, 'password');
  const token = str(args, 'token');
  const key = str(args, 'private-key-file');
  const isSsh = url.startsWith('ssh://');
  if (key) {
    if (!isSsh) throw new UsageError('--private-key-file needs an ssh:// URL');
    const knownHostsFile = str(args, 'known-hosts-file');
    if (!knownHostsFile) throw new UsageError('--known-hosts-file is required with --private-key-file (host keys are checked strictly)');
    const identity = await readFile(key, 'utf8').catch(() => {
      throw new UsageError(`--private-key-file: cannot read ${key}`);
    });
    const knownHosts = await readFile(knownHostsFile, 'utf8').catch(() => {
      throw new UsageError(`--known-hosts-file: cannot read ${knownHostsFile}`);
    });
    return { auth: { type: 'ssh', identity, knownHosts }, secret: { identity, known_hosts: knownHosts } };
  }
  if (token) return { auth: { type: 'basic', username: username ?? 'git', password: token }, secret: { username: username ?? 'git', password: token } };
  if (username !== undefined || password !== undefined) {
    if (!username || password === undefined) throw new UsageError('--username and --password go together');
    return { auth: { type: 'basic', username, password }, secret: { username, password } };
  }
  return { auth: { type: 'none' } };
}

interface BootstrapPlan {
  url: string;
  branch: string;
  path: string;
  namespace: string;
  interval: string;
  secretName: string;
  author: { name: string; email: string };
}

function planFromFlags(args: CommandArgs): BootstrapPlan {
  if (args.positionals.length) throw new UsageError(`unexpected arguments: ${args.positionals.join(' ')}`);
  const url = str(args, 'url');
  if (!url) throw new UsageError('--url is required');
  const rawPath = str(args, 'path');
  if (!rawPath) throw new UsageError('--path is required (e.g. clusters/staging)');
  let path: string;
  try {
    path = normalizeRepoPath(rawPath);
  } catch (err) {
    throw new UsageError(`--path: ${(err as Error).message}`);
  }
  if (path === './') throw new UsageError('--path must name a folder (e.g. clusters/staging)');
  const extra = list(args, 'components-extra');
  if (extra.length) throw new UsageError(`--components-extra: no extra components are available in this version (got ${extra.join(', ')})`);
  return {
    url,
    branch: str(args, 'branch') ?? 'main',
    path,
    namespace: str(args, 'namespace') ?? 'flux-system',
    interval: formatDuration(durationFlag(args, 'interval', 60_000)),
    secretName: str(args, 'secret-name') ?? 'flux-system',
    author: { name: str(args, 'author-name') ?? lockstepAuthor.name, email: str(args, 'author-email') ?? lockstepAuthor.email },
  };
}

async function waitForSync(client: KubeClient, p: BootstrapPlan, io: CommandIO, timeoutMs: number): Promise<void> {
  const log = new CliLogger(io.stderr, io.env);
  const doneWhen = (obj: Parameters<typeof readyState>[0]): ReturnType<typeof readyState> | undefined => {
    const s = readyState(obj);
    if (s.state === 'ready') return s;
    if (s.state === 'failed' && s.reason !== 'DependencyNotReady' && s.reason !== 'ArtifactFailed') return s;
    return undefined;
  };
  for (const [type, what] of [[gitRepositoryType, 'GitRepository'], [kustomizationType, 'Kustomization']] as const) {
    const res = await waitForObject({ client, ref: { ...type, namespace: p.namespace, name: 'flux-system' }, text: `waiting for ${what} "flux-system" reconciliation`, done: doneWhen, timeoutMs, stderr: io.stderr, env: io.env }).catch((err: unknown) => {
      if (!(err instanceof WaitTimeoutError)) throw err;
      throw new Error(`${err.message} (are the controllers running? on the local cluster start "lockstep controllers" or "lockstep up")`);
    });
    if (res.state.state === 'failed') throw new Error(`${what} flux-system failed: ${res.state.message || res.state.reason}`);
    log.success(`${what} reconciled: ${res.state.message}`);
  }
}

async function run(args: CommandArgs, io: CommandIO): Promise<number> {
  const p = planFromFlags(args);
  const creds = await authFromFlags(args, p.url);
  const compOpts = componentOptions(args, p.namespace);
  const log = new CliLogger(io.stderr, io.env);
  return withKube(args, io, async (k) => {
    log.action('checking the cluster');
    await k.client.requestJson({ method: 'GET', path: '/version' }).catch((err: unknown) => {
      throw new Error(`cannot reach the cluster at ${k.client.server}: ${(err as Error).message} (check --kubeconfig/--context)`);
    });
    const sync = { name: 'flux-system', namespace: p.namespace, url: p.url, branch: p.branch, path: p.path, interval: p.interval, secretName: creds.secret ? p.secretName : undefined };
    const dir = `${p.path.replace(/^\.\//, '')}/flux-system`;
    const files = {
      [`${dir}/gotk-components.yaml`]: componentsYaml(compOpts),
      [`${dir}/gotk-sync.yaml`]: syncYaml(sync),
      [`${dir}/kustomization.yaml`]: fluxSystemKustomizationYaml(),
    };
    log.action(`cloning branch "${p.branch}" from ${p.url}`);
    let res;
    try {
      res = await syncRepoFiles({ url: p.url, branch: p.branch, auth: creds.auth, files, author: p.author, message: `Add Lockstep v${lockstepVersion()} components and sync manifests for ${dir}`, timeoutMs: k.timeoutMs });
    } catch (err) {
      throw new Error(describeRepoError(err, p.url));
    }
    if (res.pushed) log.success(`committed and pushed ${res.changed.length} file(s) to ${p.branch}: ${res.head.slice(0, 12)}`);
    else log.success(`repository already up to date at ${res.head.slice(0, 12)}: nothing committed`);
    log.action('installing components and sync objects in the cluster');
    const secret: JsonObject[] = creds.secret
      ? [{ apiVersion: 'v1', kind: 'Secret', metadata: { name: p.secretName, namespace: p.namespace }, type: 'Opaque', stringData: creds.secret }]
      : [];
    await applyObjects(k.client, [...componentsObjects(compOpts), ...secret, ...syncObjects(sync)]);
    log.success('applied components, credentials and sync objects');
    await waitForSync(k.client, p, io, k.timeoutMs);
    await waitForDeployments(k.client, { namespace: p.namespace, timeoutMs: k.timeoutMs, stderr: io.stderr, env: io.env });
    log.success('bootstrap finished');
    return 0;
  });
}

export const bootstrapGitCommand: Command = {
  path: ['bootstrap', 'git'],
  summary: 'Commit Lockstep to a git repository and sync the cluster from it',
  help,
  options: {
    ...kubeFlags,
    ...componentFlags,
    url: { type: 'string' },
    branch: { type: 'string' },
    path: { type: 'string' },
    username: { type: 'string', short: 'u' },
    password: { type: 'string', short: 'p' },
    token: { type: 'string' },
    'private-key-file': { type: 'string' },
    'known-hosts-file': { type: 'string' },
    interval: { type: 'string' },
    'secret-name': { type: 'string' },
    'author-name': { type: 'string' },
    'author-email': { type: 'string' },
    'components-extra': { type: 'string', multiple: true },
  },
  run: (args, io) => guard(io, () => run(args, io)),
};
