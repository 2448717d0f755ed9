/**
 * `lockstep build kustomization NAME --path DIR [--kustomization-file F] [--dry-run]`: renders a local
 * directory exactly as the kustomize controller would render the Kustomization's path — Flux's overlay
 * (generated kustomization.yaml, targetNamespace, prefix/suffix, patches, images, components), the
 * native kustomize build fenced at the repository root, post-build substitution (variables from the
 * cluster's ConfigMaps/Secrets unless `--dry-run`), commonMetadata and the owner labels — and prints the
 * objects as YAML. The enclosing repository (the closest folder with `.git`, else the directory) is
 * copied to a scratch folder first — without `.git`, `node_modules`, `.lockstep` and what its root
 * `.sourceignore` excludes — so `../base` references work and nothing on disk is modified.
 *
 * The render sequence mirrors `kustomization.reconciler.ts` (`buildManifests`); keep them in step.
 */
import { cpSync, existsSync, lstatSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { IgnoreMatcher, parseIgnorePatterns } from '../../artifact/ignore.js';
import { parseAllDocuments } from 'yaml';
import { kustomizationApiVersion, kustomizationKind, type Kustomization } from '../../api/kustomization.js';
import { dataOf } from '../../controllers/kustomize/kustomization.reconciler.js';
import { ownerLabelsOf } from '../../controllers/kustomize/reasons.js';
import type { KubeClient } from '../../kube/client/index.js';
import { isNotFound } from '../../kube/client/index.js';
import type { JsonObject, JsonValue } from '../../kube/object.js';
import { isJsonObject } from '../../kube/object.js';
import { overlayOf, renderFluxPath, setCommonMetadata } from '../../render/flux-overlay.js';
import { mergeVariables, substituteObjects, type VariableSource } from '../../render/substitute/index.js';
import { aliasOf } from '../output/kinds.js';
import type { Command, CommandArgs, CommandIO } from '../command.js';
import { UsageError, bool, guard, kubeContext, kubeFlags, kubeFlagsHelp, nameArg, namespaceOf, str } from '../output/context.js';
import { yamlStream } from '../output/yaml.js';

/** Most files copied from the local tree (a guard against pointing at a huge folder). */
const maxFiles = 20_000;

/** Reads the Kustomization from `--kustomization-file` (the document with this name). */
export function kustomizationFromFile(file: string, name: string): Kustomization {
  const docs = parseAllDocuments(readFileSync(file, 'utf8')).map((d) => d.toJS() as unknown);
  const ks = docs.find((d): d is Kustomization => isJsonObject(d) && d['kind'] === kustomizationKind && isJsonObject(d['metadata']) && d['metadata']['name'] === name);
  if (!ks) throw new Error(`${file}: no Kustomization named '${name}'`);
  return ks;
}

/** The closest folder at or above `dir` holding `.git` (the fence of the build), or `dir` itself. */
export function repoRootOf(dir: string): string {
  let d = resolve(dir);
  for (;;) {
    if (existsSync(join(d, '.git'))) return d;
    const up = dirname(d);
    if (up === d) return resolve(dir);
    d = up;
  }
}

/** Folders never copied: VCS data, dependencies, Lockstep's own state. */
const skipDirs = new Set(['.git', 'node_modules', '.lockstep']);

/**
 * Copies the tree at `from` (the fence of the build) to `to`, skipping {@link skipDirs} and what the
 * root `.sourceignore` excludes (as the source controller would leave it out of the artifact); at most
 * {@link maxFiles} entries.
 */
function copyTree(from: string, to: string): void {
  const ignoreFile = join(from, '.sourceignore');
  const matcher = new IgnoreMatcher(existsSync(ignoreFile) ? parseIgnorePatterns(readFileSync(ignoreFile, 'utf8')) : []);
  let n = 0;
  cpSync(from, to, {
    recursive: true,
    filter: (src) => {
      const rel = relative(from, src).split(sep).join('/');
      if (rel === '') return true;
      const st = lstatSync(src);
      if (st.isDirectory() && skipDirs.has(basename(src))) return false;
      if (matcher.ignored(rel, st.isDirectory())) return false;
      if (++n > maxFiles) throw new Error(`${from}: more than ${maxFiles} files to copy; point --path at a smaller tree`);
      return true;
    },
  });
}

/** Variables of `spec.postBuild`: from the cluster unless `offline` (then only the inline ones). */
async function variables(ks: Kustomization, client: KubeClient | undefined): Promise<Record<string, string>> {
  const pb = ks.spec.postBuild;
  const sources: VariableSource[] = [];
  const ns = ks.metadata.namespace ?? '';
  for (const ref of pb?.substituteFrom ?? []) {
    if (!client) break;
    const obj = await client.tryGet({ apiVersion: 'v1', kind: ref.kind, namespace: ns, name: ref.name });
    if (!obj) {
      if (ref.optional) continue;
      throw new Error(`substitute from '${ref.kind}/${ns}/${ref.name}' failed: ${ref.kind} not found`);
    }
    sources.push({ origin: `${ref.kind}/${ns}/${ref.name}`, data: dataOf(obj, ref.kind === 'Secret') });
  }
  if (pb?.substitute) sources.push({ origin: 'spec.postBuild.substitute', data: pb.substitute });
  return mergeVariables(sources);
}

/** Options of {@link renderLocal}. */
export interface RenderLocalOptions {
  ks: Kustomization;
  /** The local directory standing for `spec.path`. */
  path: string;
  /** Reads substituteFrom variables; absent = offline (`--dry-run`: inline variables only, not strict). */
  client?: KubeClient | undefined;
}

/** See the module comment. Throws with a readable message naming the file or object at fault. */
export async function renderLocal(o: RenderLocalOptions): Promise<JsonObject[]> {
  const dir = resolve(o.path);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new Error(`invalid resource path "${o.path}": not a directory`);
  const root = repoRootOf(dir);
  const scratch = mkdtempSync(join(tmpdir(), 'lockstep-build-'));
  try {
    copyTree(root, scratch);
    const spec = o.ks.spec;
    let objects = renderFluxPath({
      root: scratch,
      path: relative(root, dir) || '.',
      overlay: overlayOf(spec),
    }).objects;
    if (spec.postBuild) {
      const vars = await variables(o.ks, o.client);
      objects = substituteObjects(objects, { vars, strict: o.client !== undefined, strategy: spec.postBuild.substituteStrategy ?? 'WithVariables' });
    }
    setCommonMetadata(objects, spec.commonMetadata);
    const owner = ownerLabelsOf(o.ks);
    for (const obj of objects) {
      const md: JsonObject = isJsonObject(obj['metadata']) ? obj['metadata'] : (obj['metadata'] = {});
      md['labels'] = { ...(isJsonObject(md['labels']) ? md['labels'] : {}), ...owner };
    }
    return objects;
  } catch (err) {
    const msg = (err as Error).message.split(scratch + '/').join('').split(scratch).join('.');
    throw new Error(`build failed: ${msg}`, { cause: err });
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** The Kustomization named by the command: from `--kustomization-file`, or from the cluster. */
export async function loadKustomization(args: CommandArgs, client: KubeClient | undefined, cwd: string): Promise<Kustomization> {
  const name = nameArg(args, 'Kustomization');
  const file = str(args, 'kustomization-file');
  const ns = namespaceOf(args);
  if (file) {
    const ks = kustomizationFromFile(resolve(cwd, file), name);
    ks.metadata.namespace ??= ns;
    return ks;
  }
  if (!client) throw new UsageError('--dry-run needs --kustomization-file (the Kustomization is not read from the cluster)');
  try {
    return (await client.get({ apiVersion: kustomizationApiVersion, kind: kustomizationKind, name, namespace: ns })) as Kustomization;
  } catch (err) {
    if (isNotFound(err)) throw new Error(`Kustomization '${name}' not found in '${ns}' namespace`);
    throw err;
  }
}

async function runBuild(args: CommandArgs, io: CommandIO): Promise<number> {
  return guard(io, async () => {
    const path = str(args, 'path');
    if (!path) throw new UsageError('invalid resource path "", use --path DIR');
    const k = bool(args, 'dry-run') ? undefined : kubeContext(args, io);
    try {
      const ks = await loadKustomization(args, k?.client, io.cwd);
      const objects = await renderLocal({ ks, path: resolve(io.cwd, path), client: k?.client });
      io.stdout.write(yamlStream(objects as JsonValue[]));
      return 0;
    } finally {
      k?.close();
    }
  });
}

export const buildKustomizationCommand: Command = {
  path: ['build', 'kustomization'],
  summary: 'Build a Kustomization locally, as the controller would',
  help: `Usage: lockstep build kustomization NAME --path DIR [flags]

Renders DIR as the kustomize controller would render the Kustomization NAME (Flux overlay, kustomize
build, post-build substitution, commonMetadata, owner labels) and prints the objects as YAML. The
Kustomization is read from the cluster, or from --kustomization-file.

Flags:
  --path DIR                  local directory standing for spec.path
  --kustomization-file FILE   read the Kustomization from this file instead of the cluster
  --dry-run                   do not contact the cluster (needs --kustomization-file; substituteFrom skipped)

${kubeFlagsHelp}
Examples:
  lockstep build kustomization apps --path ./clusters/staging/apps
  lockstep build kustomization apps --path ./apps --kustomization-file ./clusters/staging/apps.yaml --dry-run
`,
  options: { ...kubeFlags, path: { type: 'string' }, 'kustomization-file': { type: 'string' }, 'dry-run': { type: 'boolean' } },
  run: (args, io) => runBuild(args, io),
};

export const buildCommands: readonly Command[] = [buildKustomizationCommand, aliasOf(buildKustomizationCommand, ['build', 'ks'])];
