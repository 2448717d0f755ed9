/** Every `lockstep` command. Add a command by importing it here. */
import type { Command } from '../command.js';
import { controllersCommand } from './controllers.js';
import { versionCommand } from './version.js';
import { clusterCommands } from './cluster.js';
import { kustomizeBuildCommand } from './kustomize.js';
import { createCommands } from './create.js';
import { getCommands } from './get.js';
import { reconcileCommands } from './reconcile.js';
import { suspendCommands } from './suspend.js';
import { resumeCommands } from './resume.js';
import { exportCommands } from './export.js';
import { eventsCommand } from './events.js';
import { buildCommands } from './build.js';
import { diffCommands } from './diff.js';
import { treeCommands } from './tree.js';
import { traceCommand } from './trace.js';
import { logsCommand } from './logs.js';
import { upCommand } from './up.js';
import { installCommand, uninstallCommand } from './install.js';
import { checkCommand } from './check.js';
import { bootstrapGitCommand } from './bootstrap.js';

export const commands: readonly Command[] = [kustomizeBuildCommand, versionCommand, controllersCommand, ...clusterCommands,
  ...createCommands, ...getCommands, ...reconcileCommands, ...suspendCommands, ...resumeCommands, ...exportCommands, eventsCommand,
  ...buildCommands, ...diffCommands, ...treeCommands, traceCommand, logsCommand,
  upCommand, installCommand, uninstallCommand, checkCommand, bootstrapGitCommand];
