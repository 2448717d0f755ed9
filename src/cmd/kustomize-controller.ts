/** Entry point of the kustomize controller process (Kustomization). */
import { runSingleController } from './controller-main.js';

await runSingleController('kustomize');
