import assert from 'node:assert/strict';
import { test } from 'node:test';
import { WorkQueue } from './queue.js';

const tick = (ms = 0): Promise<void> => new Promise((r) => setTimeout(r, ms));

test('keys are de-duplicated, failures retried with backoff, requeue-after honoured, stop ends everything', async () => {
  const calls: string[] = [];
  let failuresLeft = 2;
  let again = true;
  const q = new WorkQueue({
    handle(key) {
      calls.push(key);
      if (key === 'flaky' && failuresLeft-- > 0) throw new Error('boom');
      if (key === 'later' && again) {
        again = false;
        return 20;
      }
    },
  });
  q.add('a');
  q.add('a');
  q.add('flaky');
  q.add('later');
  await tick(5);
  assert.deepEqual(calls.filter((k) => k === 'a'), ['a']);
  await tick(300);
  assert.equal(calls.filter((k) => k === 'flaky').length, 3, 'two failures then success');
  assert.equal(calls.filter((k) => k === 'later').length, 2);
  q.stop();
  q.add('a');
  await tick(5);
  assert.equal(calls.filter((k) => k === 'a').length, 1);
});
