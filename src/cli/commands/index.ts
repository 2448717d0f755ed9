/** Every `lockstep` command. Add a command by importing it here. */
import type { Command } from '../command.js';
import { controllersCommand } from './controllers.js';
import { versionCommand } from './version.js';
import { clusterCommands } from './cluster.js';
import { kustomizeBuildCommand } from './kustomize.js';
import { createCommands } from './create.js';

export const commands: readonly Command[] = [kustomizeBuildCommand, versionCommand, controllersCommand, ...clusterCommands, ...createCommands];
