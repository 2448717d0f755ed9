import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { runCli } from './main.js';
import type { Command } from './command.js';

function capture() {
  const out = new PassThrough();
  const err = new PassThrough();
  const chunks = { out: '', err: '' };
  out.on('data', (d: Buffer) => (chunks.out += d.toString()));
  err.on('data', (d: Buffer) => (chunks.err += d.toString()));
  return { io: { stdout: out, stderr: err, env: {}, cwd: '/' }, chunks };
}

const seen: string[][] = [];
const fake: Command[] = [
  { path: ['get', 'sources', 'git'], summary: 'list git sources', help: 'get sources git help\n', options: { namespace: { type: 'string', short: 'n' } },
    async run(a) { seen.push(['git', String(a.values.namespace), ...a.positionals]); return 0; } },
  { path: ['get', 'kustomizations'], summary: 'list kustomizations', help: 'ks help\n', async run() { return 3; } },
];

test('cli dispatch: table of invocations', async () => {
  const cases: { argv: string[]; code: number; out?: RegExp; err?: RegExp }[] = [
    { argv: ['get', 'sources', 'git', '-n', 'ns1', 'x'], code: 0 },
    { argv: ['get', 'kustomizations'], code: 3 },
    { argv: ['get', 'sources', 'git', '--help'], code: 0, out: /get sources git help/ },
    { argv: ['get', '--help'], code: 0, out: /get sources git\s+list git sources/ },
    { argv: ['nope'], code: 2, err: /unknown command "nope"/ },
    { argv: ['get', 'kustomizations', '--bogus'], code: 2, err: /Unknown option '--bogus'/ },
    { argv: [], code: 0, out: /Commands:/ },
  ];
  for (const c of cases) {
    const { io, chunks } = capture();
    const code = await runCli(c.argv, io, fake);
    assert.equal(code, c.code, `exit code of ${c.argv.join(' ')}`);
    if (c.out) assert.match(chunks.out, c.out);
    if (c.err) assert.match(chunks.err, c.err);
  }
  assert.deepEqual(seen, [['git', 'ns1', 'x']]);
});
