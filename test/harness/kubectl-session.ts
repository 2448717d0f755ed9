/**
 * A describe() block's local cluster, scratch directory and kubectl oracle in one: `kubectlSession(prefix)` registers
 * `before`/`after` hooks in the current suite that start a test cluster and a temp dir, and stop/remove them.
 * Call it at the top of a `describe` body; use `cluster` and `dir` only inside tests (they exist after `before`).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import type { LocalClusterOptions } from '../../src/cluster/server.js';
import { startTestCluster, type TestCluster } from './cluster.js';
import { runTool, type ToolResult } from './tools.js';

/** What a kubectl-driven suite needs. */
export interface KubectlSession {
  /** The running cluster (after `before`). */
  readonly cluster: TestCluster;
  /** The scratch directory (after `before`), removed after the suite. */
  readonly dir: string;
  /** Runs the kubectl oracle against the cluster; never throws on a non-zero exit. */
  k(...args: string[]): Promise<ToolResult>;
  /** Runs kubectl and asserts it exited 0 (the message carries its stderr); returns stdout. */
  ok(...args: string[]): Promise<string>;
  /** Writes `text` to `dir/name` and returns the path. */
  file(name: string, text: string): string;
}

/** Registers the hooks and returns the session (see the module comment). */
export function kubectlSession(prefix: string, opts: LocalClusterOptions = {}): KubectlSession {
  let cluster: TestCluster | undefined;
  let dir: string | undefined;
  const session: KubectlSession = {
    get cluster(): TestCluster {
      assert.ok(cluster, 'the cluster starts in before()');
      return cluster;
    },
    get dir(): string {
      assert.ok(dir, 'the scratch dir is made in before()');
      return dir;
    },
    k: (...args) => runTool('kubectl', args, { env: session.cluster.env }),
    ok: async (...args) => {
      const r = await session.k(...args);
      assert.equal(r.code, 0, `kubectl ${args.join(' ')} failed: ${r.stderr}`);
      return r.stdout;
    },
    file: (name, text) => {
      const p = join(session.dir, name);
      writeFileSync(p, text);
      return p;
    },
  };
  before(async () => {
    cluster = await startTestCluster(opts);
    dir = mkdtempSync(join(tmpdir(), prefix));
  });
  after(async () => {
    await cluster?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  return session;
}
