/**
 * `lockstep export source git|kustomization [NAME | --all]`: the objects as clean YAML, as `flux export`
 * prints them — apiVersion, kind, metadata (name, namespace, labels, annotations only) and spec, keys
 * sorted, each document after `---`. Ready to commit to git.
 */
import type { JsonObject, KubeObject } from '../../kube/object.js';
import type { Command, CommandArgs, CommandIO } from '../command.js';
import { guard, kubeFlags, kubeFlagsHelp, withKube } from '../output/context.js';
import { cliKinds, type CliKind, aliasOf } from '../output/kinds.js';
import { CliLogger } from '../output/logger.js';
import { toFluxYaml } from '../output/yaml.js';
import { targets } from './suspend.js';

/** The exported form of an object (see the module comment). */
export function exportObject(obj: KubeObject): JsonObject {
  const md: JsonObject = { name: obj.metadata.name ?? '', namespace: obj.metadata.namespace ?? '' };
  if (obj.metadata.labels && Object.keys(obj.metadata.labels).length) md['labels'] = { ...obj.metadata.labels };
  if (obj.metadata.annotations && Object.keys(obj.metadata.annotations).length) md['annotations'] = { ...obj.metadata.annotations };
  const out: JsonObject = { apiVersion: obj.apiVersion, kind: obj.kind, metadata: md };
  const spec = (obj as { spec?: unknown }).spec;
  if (spec !== undefined) out['spec'] = structuredClone(spec) as JsonObject;
  return out;
}

async function runExport(k: CliKind, args: CommandArgs, io: CommandIO): Promise<number> {
  return guard(io, () =>
    withKube(args, io, async (ctx) => {
      const objs = (await targets(k, args, ctx)).sort((a, b) => ((a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : 1));
      if (objs.length === 0) new CliLogger(io.stderr, io.env).failure(`no ${k.kind} objects found in "${ctx.namespace}" namespace`);
      for (const o of objs) io.stdout.write(toFluxYaml(exportObject(o)));
      return 0;
    }),
  );
}

function exportCommandFor(k: CliKind, words: readonly string[]): Command {
  const w = words.join(' ');
  return {
    path: ['export', ...words],
    summary: `Export ${k.kind} objects as YAML`,
    help: `Usage: lockstep export ${w} [NAME | --all] [flags]

Prints ${k.kind} objects as clean YAML (no status, no server metadata), like "flux export ${w}".

Flags:
  --all   every ${k.kind} in the namespace

${kubeFlagsHelp}
Examples:
  lockstep export ${w} --all > ${k.def.plural}.yaml
  lockstep export ${w} podinfo -n apps
`,
    options: { ...kubeFlags, all: { type: 'boolean' } },
    run: (args, io) => runExport(k, args, io),
  };
}

export const exportCommands: readonly Command[] = cliKinds.flatMap((k) => [exportCommandFor(k, k.words), ...k.aliases.map((a) => aliasOf(exportCommandFor(k, k.words), ['export', ...a]))]);
