import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { withCluster } from '../../../test/harness/cluster.js';
import { eventually } from '../../../test/harness/eventually.js';
import { runCli } from '../main.js';
import type { CommandIO } from '../command.js';
import { controllersCommand, startControllers } from './controllers.js';
import { ReconcileController, getCondition, type ControllerFactory } from '../../runtime/index.js';
import { WIDGET, installWidgetCrd, widget } from '../../runtime/testing.js';
import { KubeClient, loadKubeConfig } from '../../kube/client/index.js';

function io(): CommandIO & { out: () => string; err: () => string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  return { stdout, stderr, env: {}, cwd: process.cwd(), out: () => out, err: () => err };
}

const widgetFactory: ControllerFactory = {
  name: 'widget',
  description: 'test widgets',
  create: (ctx) => [
    new ReconcileController(ctx, {
      definition: {
        type: WIDGET,
        controllerName: 'widget-controller',
        summary: { negativePolarity: [] },
        readyMessage: () => ({ message: `concurrency ${ctx.options.concurrent}, storage ${ctx.options.storageDir ?? '-'}` }),
        interval: () => undefined,
        steps: [],
      },
    }),
  ],
};

test('usage errors exit 2 with a message', async () => {
  const rows: Array<{ args: string[]; want: RegExp }> = [
    { args: ['controllers', '--only', 'nope'], want: /unknown controller "nope"/ },
    { args: ['controllers', '--concurrent', 'zero'], want: /--concurrent must be a positive integer/ },
    { args: ['controllers', '--bogus'], want: /Unknown option '--bogus'/ },
    { args: ['controllers', '--events-api', 'v2'], want: /--events-api must be events.k8s.io\/v1 or v1/ },
  ];
  for (const r of rows) {
    const o = io();
    const code = await runCli(r.args, o, [controllersCommand]);
    assert.equal(code, 2, r.args.join(' '));
    assert.match(o.err(), r.want);
  }
});

test('controllers command runs registered controllers against a cluster with its flags', async () => {
  await withCluster(async (c) => {
    const client = new KubeClient(loadKubeConfig({ kubeconfig: c.kubeconfigPath }));
    await installWidgetCrd(client);
    const o = io();
    const running = await startControllers(
      { values: { kubeconfig: c.kubeconfigPath, only: 'widget', concurrent: '2', 'storage-dir': '/tmp/x', 'metrics-addr': '127.0.0.1:0', 'log-level': 'silent' }, positionals: [] },
      o,
      [async () => widgetFactory],
    );
    try {
      assert.match(o.err(), /running widget against https:\/\/127\.0\.0\.1:\d+\/; probes on http:\/\/127\.0\.0\.1:\d+/);
      await client.create(widget('w', 'default'));
      await eventually(async () => {
        const w = await client.get({ ...WIDGET, name: 'w', namespace: 'default' });
        assert.equal(getCondition(w, 'Ready')?.message, 'concurrency 2, storage /tmp/x');
      });
      const url = /probes on (\S+)/.exec(o.err())?.[1] ?? '';
      assert.equal((await fetch(`${url}/healthz`)).status, 200);
      assert.match(await (await fetch(`${url}/metrics`)).text(), /gotk_reconcile_duration_seconds_bucket/);
    } finally {
      await running.stop();
      client.close();
    }
  });
});
