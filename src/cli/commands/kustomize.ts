import { resolve } from 'node:path';
import type { Command } from '../command.js';
import { ExitCode } from '../command.js';
import { build } from '../../render/kustomize/index.js';

export const kustomizeBuildCommand: Command = {
  path: ['kustomize', 'build'],
  summary: 'Build a kustomization in process and print it as kubectl kustomize does',
  help:
    'Usage: lockstep kustomize build DIR [--root DIR] [--load-restrictor RootOnly|None]\n\n' +
    'Prints the objects of the kustomization in DIR, like `kubectl kustomize DIR` (kustomize v5.5.0).\n' +
    'A directory without kustomization.yaml is built as Flux does: every manifest in it, recursively.\n' +
    'No file outside --root (default: the current directory when DIR is inside it, else DIR) is read;\n' +
    'remote bases, Helm charts and plugins are refused.\n\nExample:\n  lockstep kustomize build overlays/prod\n',
  options: {
    root: { type: 'string' },
    'load-restrictor': { type: 'string' },
  },
  async run(args, io) {
    const dir = args.positionals[0];
    if (!dir) {
      io.stderr.write('error: missing DIR\n');
      return ExitCode.usage;
    }
    const abs = resolve(io.cwd, dir);
    const rootFlag = args.values.root;
    const fenceRoot = typeof rootFlag === 'string' ? resolve(io.cwd, rootFlag) : abs.startsWith(io.cwd) ? io.cwd : abs;
    const restrictor = args.values['load-restrictor'] === 'None' ? 'None' : 'RootOnly';
    try {
      const r = build(abs, { fenceRoot, restrictor });
      io.stdout.write(r.yaml);
      return ExitCode.ok;
    } catch (err) {
      io.stderr.write(`error: ${(err as Error).message}\n`);
      return ExitCode.failed;
    }
  },
};
