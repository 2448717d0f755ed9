/**
 * The Lockstep kinds as the CLI names them (generic over `src/api/kinds.ts`): the words after a verb
 * (`source git`, `kustomization`), the plural words of `get`, and what each kind reports as its
 * revision and success message (`fetched revision …` for sources, `applied revision …` for appliers).
 */
import { kindDefinitions, type KindDefinition } from '../../api/kinds.js';
import type { KubeObject } from '../../kube/object.js';
import { isJsonObject } from '../../kube/object.js';

/** A kind as the CLI sees it. */
export interface CliKind {
  def: KindDefinition;
  apiVersion: string;
  kind: string;
  /** Words after a verb: `['source', 'git']`. */
  words: readonly string[];
  /** Words after `get`: `['sources', 'git']`. */
  getWords: readonly string[];
  /** Other words accepted after `get` (`ks`). */
  getAliases: readonly (readonly string[])[];
  /** Other words accepted after a verb (`ks`). */
  aliases: readonly (readonly string[])[];
  /** Whether it produces artifacts (a source) rather than applying them. */
  isSource: boolean;
}

const special: Record<string, Pick<CliKind, 'words' | 'getWords' | 'getAliases' | 'aliases'>> = {
  GitRepository: { words: ['source', 'git'], getWords: ['sources', 'git'], getAliases: [], aliases: [] },
  Kustomization: { words: ['kustomization'], getWords: ['kustomizations'], getAliases: [['ks']], aliases: [['ks']] },
};

function cliKindOf(def: KindDefinition): CliKind {
  const names = special[def.kind] ?? { words: [def.singular], getWords: [def.plural], getAliases: def.shortNames.map((s) => [s]), aliases: def.shortNames.map((s) => [s]) };
  return { def, apiVersion: `${def.group}/${def.version}`, kind: def.kind, ...names, isSource: def.group.startsWith('source.') };
}

/** Every kind, in registry order. */
export const cliKinds: readonly CliKind[] = kindDefinitions.map(cliKindOf);

/** The CLI kind of a kind name (`GitRepository`), if Lockstep defines it. */
export function cliKindByName(kind: string): CliKind | undefined {
  return cliKinds.find((k) => k.kind.toLowerCase() === kind.toLowerCase());
}

function status(obj: KubeObject): Record<string, unknown> {
  const st = (obj as { status?: unknown }).status;
  return isJsonObject(st) ? st : {};
}

function spec(obj: KubeObject): Record<string, unknown> {
  const sp = (obj as { spec?: unknown }).spec;
  return isJsonObject(sp) ? sp : {};
}

/** The revision an object reports: its artifact's (sources) or its last applied one (appliers). */
export function revisionOf(obj: KubeObject): string {
  const st = status(obj);
  const art = st['artifact'];
  if (isJsonObject(art) && typeof art['revision'] === 'string') return art['revision'];
  if (typeof st['lastAppliedRevision'] === 'string') return st['lastAppliedRevision'];
  return '';
}

/** Whether `spec.suspend` is true. */
export function isSuspended(obj: KubeObject): boolean {
  return spec(obj)['suspend'] === true;
}

/** `status.lastHandledReconcileAt`. */
export function lastHandledReconcileAt(obj: KubeObject): string | undefined {
  const v = status(obj)['lastHandledReconcileAt'];
  return typeof v === 'string' ? v : undefined;
}

/** The line printed after a successful reconcile: `fetched revision …` or `applied revision …`. */
export function successMessage(k: CliKind, obj: KubeObject): string {
  return `${k.isSource ? 'fetched' : 'applied'} revision ${revisionOf(obj)}`;
}

/** A copy of `cmd` under other words (`get ks` for `get kustomizations`), summarised as an alias. */
export function aliasOf<C extends { path: readonly string[]; summary: string }>(cmd: C, path: readonly string[]): C {
  return { ...cmd, path, summary: `Alias of "${cmd.path.join(' ')}"` };
}
