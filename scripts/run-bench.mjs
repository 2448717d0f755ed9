#!/usr/bin/env node
// Runs every compiled benchmark (dist/bench/*/index.js, or the ones named) in turn; each prints its figures.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const names = process.argv.slice(2);
const all = existsSync('dist/bench') ? readdirSync('dist/bench').filter((n) => existsSync(join('dist/bench', n, 'index.js'))) : [];
const chosen = names.length ? names : all;
let failed = 0;
for (const n of chosen) {
  console.log(`\n== bench/${n}`);
  const r = spawnSync(process.execPath, ['--expose-gc', join('dist/bench', n, 'index.js')], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
