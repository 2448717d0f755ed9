/** Entry point of the source controller process (GitRepository and its artifact server). */
import { runSingleController } from './controller-main.js';

await runSingleController('source');
