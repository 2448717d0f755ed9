import { readFileSync } from 'node:fs';
import type { Command } from '../command.js';
import { packageRoot } from '../../util/paths.js';

/** The version of this package, read from its package.json. */
export function lockstepVersion(): string {
  const pkg = JSON.parse(readFileSync(`${packageRoot()}/package.json`, 'utf8')) as { version: string };
  return pkg.version;
}

export const versionCommand: Command = {
  path: ['version'],
  summary: 'Print the lockstep version',
  help: 'Usage: lockstep version\n\nPrints the version of the lockstep CLI and controllers.\n\nExample:\n  lockstep version\n',
  async run(_args, io) {
    io.stdout.write(`lockstep: v${lockstepVersion()}\n`);
    return 0;
  },
};
