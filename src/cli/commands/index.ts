/** Every `lockstep` command. Add a command by importing it here. */
import type { Command } from '../command.js';
import { controllersCommand } from './controllers.js';
import { versionCommand } from './version.js';
import { clusterCommands } from './cluster.js';

export const commands: readonly Command[] = [versionCommand, controllersCommand, ...clusterCommands];
