/**
 * `lockstep diff kustomization NAME --path DIR`: renders DIR as the controller would (see build.ts),
 * dry-runs every object against the cluster with the controller's field manager (the SSA resource
 * manager's `diff`), and prints per object `► Kind/ns/name created|drifted|deleted` plus a coloured unified
 * diff, Secret values masked. Objects of the Kustomization's inventory no longer rendered are reported
 * `deleted` when `spec.prune` is on. Exit codes as flux: 0 no changes, 1 changes, 2 error.
 */
import { resolve } from 'node:path';
import { kustomizeControllerName, ownerLabelsOf } from '../../controllers/kustomize/reasons.js';
import { ResourceManager, inventoryOf, staleEntries, type VersionedRef } from '../../kube/ssa/index.js';
import type { KubeObject } from '../../kube/object.js';
import { aliasOf } from '../output/kinds.js';
import type { Command, CommandArgs, CommandIO } from '../command.js';
import { UsageError, describeError, kubeContext, kubeFlags, kubeFlagsHelp, str } from '../output/context.js';
import { colourEnabled, palette, type Palette } from '../output/colour.js';
import { CliLogger } from '../output/logger.js';
import { loadKustomization, renderLocal } from './build.js';

/** Colours a unified diff: headers bold, hunks cyan, removals red, additions green. */
export function colourDiff(text: string, p: Palette): string {
  return text
    .split('\n')
    .map((l) => (l.startsWith('---') || l.startsWith('+++') ? p.bold(l) : l.startsWith('@@') ? p.cyan(l) : l.startsWith('-') ? p.red(l) : l.startsWith('+') ? p.green(l) : l))
    .join('\n');
}

function apiVersionOf(ref: VersionedRef): string {
  return ref.group ? `${ref.group}/${ref.version}` : ref.version;
}

function subjectOf(ref: VersionedRef): string {
  return ref.namespace ? `${ref.kind}/${ref.namespace}/${ref.name}` : `${ref.kind}/${ref.name}`;
}

async function runDiff(args: CommandArgs, io: CommandIO): Promise<number> {
  const log = new CliLogger(io.stderr, io.env);
  let k: ReturnType<typeof kubeContext> | undefined;
  try {
    const path = str(args, 'path');
    if (!path) throw new UsageError('invalid resource path "", use --path DIR');
    k = kubeContext(args, io);
    const ks = await loadKustomization(args, k.client, io.cwd);
    const objects = (await renderLocal({ ks, path: resolve(io.cwd, path), client: k.client })) as unknown as KubeObject[];
    const owner = ownerLabelsOf(ks);
    const rm = new ResourceManager({ client: k.client, fieldManager: kustomizeControllerName });
    const diffs = await rm.diff(objects, { ownerLabels: owner });
    const p = palette(colourEnabled(io.stdout, io.env));
    let changes = 0;
    for (const d of diffs) {
      if (d.action === 'created') {
        changes++;
        io.stdout.write(`► ${d.subject} created\n`);
      } else if (d.action === 'configured' && d.diff.trim() !== '') {
        // A `configured` object without a visible difference only needs a managedFields clean-up (a
        // foreign manager's entry): nothing the user would see changes, so it is not reported as drift.
        changes++;
        io.stdout.write(`► ${d.subject} drifted\n`);
        if (d.diff) io.stdout.write(colourDiff(d.diff.endsWith('\n') ? d.diff : d.diff + '\n', p));
      }
    }
    if (ks.spec.prune) {
      for (const ref of staleEntries(ks.status?.inventory, inventoryOf(objects))) {
        const live = await k.client.tryGet({ apiVersion: apiVersionOf(ref), kind: ref.kind, name: ref.name, namespace: ref.namespace || undefined });
        const labels = live?.metadata.labels ?? {};
        if (!live || !Object.entries(owner).every(([key, v]) => labels[key] === v)) continue;
        changes++;
        io.stdout.write(`► ${subjectOf(ref)} deleted\n`);
      }
    }
    if (changes > 0) log.warning('identified at least one change, exiting with non-zero exit code');
    else log.success('no changes');
    return changes > 0 ? 1 : 0;
  } catch (err) {
    io.stderr.write(`${err instanceof UsageError ? 'Error: ' : '✗ '}${describeError(err)}\n`);
    return 2;
  } finally {
    k?.close();
  }
}

export const diffKustomizationCommand: Command = {
  path: ['diff', 'kustomization'],
  summary: 'Diff a local Kustomization path against the cluster',
  help: `Usage: lockstep diff kustomization NAME --path DIR [flags]

Renders DIR as the controller would render the Kustomization NAME, dry-runs each object against the
cluster and prints what would be created, changed (a unified diff, Secret values masked) or pruned.

Exit codes: 0 no changes, 1 changes found, 2 an error (the reason is on stderr).

Flags:
  --path DIR                  local directory standing for spec.path
  --kustomization-file FILE   read the Kustomization from this file instead of the cluster

${kubeFlagsHelp}
Examples:
  lockstep diff kustomization apps --path ./clusters/staging/apps
  lockstep diff ks apps --path ./apps && echo "cluster is in sync"
`,
  options: { ...kubeFlags, path: { type: 'string' }, 'kustomization-file': { type: 'string' } },
  run: (args, io) => runDiff(args, io),
};

export const diffCommands: readonly Command[] = [diffKustomizationCommand, aliasOf(diffKustomizationCommand, ['diff', 'ks'])];
