import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backoffDelay, jitter } from './backoff.js';
import { WorkQueue, type QueueResult } from './queue.js';

const none: QueueResult = { kind: 'none' };
const tick = (ms = 5) => new Promise((r) => setTimeout(r, ms));

test('backoff schedule: 750 ms doubling, capped at 15 min', () => {
  const rows: Array<[number, number]> = [
    [0, 750],
    [1, 1500],
    [2, 3000],
    [3, 6000],
    [6, 48_000],
    [10, 768_000],
    [11, 900_000],
    [50, 900_000],
    [5000, 900_000],
  ];
  for (const [n, want] of rows) assert.equal(backoffDelay(n), want, `failures=${n}`);
  assert.equal(backoffDelay(2, { minDelayMs: 10, maxDelayMs: 25 }), 25);
});

test('jitter stays within ±fraction and spans the range', () => {
  const rows: Array<{ r: number; want: number }> = [
    { r: 0, want: 95_000 },
    { r: 0.5, want: 100_000 },
    { r: 0.999999, want: 105_000 },
  ];
  for (const { r, want } of rows) assert.equal(jitter(100_000, 0.05, () => r), want, `random=${r}`);
  let seed = 1;
  const lcg = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < 2000; i++) {
    const v = jitter(60_000, 0.05, lcg);
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  assert.ok(min >= 57_000 && max <= 63_000, `range ${min}..${max}`);
  assert.ok(min < 57_500 && max > 62_500, 'jitter uses the whole range');
  assert.equal(jitter(1000, 0), 1000);
});

test('dedupe: a key added many times while queued runs once', async () => {
  const runs: string[] = [];
  const q = new WorkQueue(async (k) => {
    runs.push(k);
    return none;
  });
  for (let i = 0; i < 5; i++) q.add('a');
  q.add('b');
  q.add('a');
  assert.equal(q.depth, 2);
  q.start();
  await q.idle();
  assert.deepEqual(runs, ['a', 'b']);
});

test('one reconcile per key at a time; an add during a run re-runs once afterwards', async () => {
  let running = 0;
  let maxParallelSameKey = 0;
  let calls = 0;
  let release: () => void = () => undefined;
  const q = new WorkQueue(
    async () => {
      calls++;
      running++;
      maxParallelSameKey = Math.max(maxParallelSameKey, running);
      if (calls === 1) await new Promise<void>((r) => (release = r));
      running--;
      return none;
    },
    { concurrency: 4 },
  );
  q.start();
  q.add('k');
  await tick();
  q.add('k');
  q.add('k');
  q.add('k');
  await tick();
  assert.equal(calls, 1, 'no second run while the first is in flight');
  release();
  await q.idle();
  assert.equal(calls, 2, 'dirty key runs exactly once more');
  assert.equal(maxParallelSameKey, 1);
});

test('concurrency bounds parallel keys', async () => {
  let active = 0;
  let peak = 0;
  const q = new WorkQueue(
    async () => {
      active++;
      peak = Math.max(peak, active);
      await tick(10);
      active--;
      return none;
    },
    { concurrency: 3 },
  );
  for (let i = 0; i < 12; i++) q.add(`k${i}`);
  q.start();
  await q.idle();
  assert.equal(peak, 3);
});

test('failures back off exponentially per key and success forgets them', async () => {
  const times: number[] = [];
  let fail = 3;
  const q = new WorkQueue(
    async () => {
      times.push(Date.now());
      if (fail-- > 0) return { kind: 'backoff' };
      return none;
    },
    { minDelayMs: 20, maxDelayMs: 1000 },
  );
  q.start();
  q.add('x');
  const deadline = Date.now() + 3000;
  while (times.length < 4 && Date.now() < deadline) await tick(5);
  assert.equal(times.length, 4);
  const gaps = times.slice(1).map((t, i) => t - (times[i] as number));
  // 20, 40, 80 ms (timers may fire a little late, never early)
  const want = [20, 40, 80];
  gaps.forEach((g, i) => assert.ok(g >= (want[i] as number) - 2 && g < (want[i] as number) + 300, `gap ${i}: ${g}`));
  assert.equal(q.failuresOf('x'), 0, 'success forgets the failures');
  await q.shutDown();
});

test('a throwing handler is retried with backoff and reported', async () => {
  const errors: string[] = [];
  let calls = 0;
  const q = new WorkQueue(
    async () => {
      calls++;
      if (calls === 1) throw new Error('boom');
      return none;
    },
    { minDelayMs: 5, onError: (k, e) => errors.push(`${k}:${(e as Error).message}`) },
  );
  q.start();
  q.add('y');
  const deadline = Date.now() + 2000;
  while (calls < 2 && Date.now() < deadline) await tick(5);
  assert.equal(calls, 2);
  assert.deepEqual(errors, ['y:boom']);
  await q.shutDown();
});

test('addAfter: the earlier timer wins; add cancels the timer; shutDown drops pending keys', async () => {
  const runs: number[] = [];
  const q = new WorkQueue(async () => {
    runs.push(Date.now());
    return none;
  }, { jitterFraction: 0 });
  q.start();
  const t0 = Date.now();
  q.addAfter('k', 200);
  q.addAfter('k', 30);
  q.addAfter('k', 500);
  assert.equal(q.delayed, 1);
  const deadline = Date.now() + 2000;
  while (runs.length < 1 && Date.now() < deadline) await tick(5);
  assert.ok((runs[0] as number) - t0 >= 28 && (runs[0] as number) - t0 < 190, `ran after ${(runs[0] as number) - t0} ms`);
  await tick(250);
  assert.equal(runs.length, 1, 'the later timers were replaced, not added');
  q.addAfter('k', 50);
  q.add('k');
  await q.idle();
  assert.equal(runs.length, 2);
  assert.equal(q.delayed, 0);
  q.addAfter('z', 20);
  await q.shutDown();
  await tick(40);
  assert.equal(runs.length, 2);
});

test('requeue after success uses the (jittered) delay', async () => {
  let calls = 0;
  const q = new WorkQueue(
    async () => {
      calls++;
      return calls === 1 ? { kind: 'after', delayMs: 400 } : none;
    },
    { jitterFraction: 0.5, random: () => 0 },
  );
  q.start();
  const t0 = Date.now();
  q.add('r');
  while (calls < 2 && Date.now() - t0 < 2000) await tick(2);
  const took = Date.now() - t0;
  assert.equal(calls, 2);
  assert.ok(took >= 195 && took < 390, `jitter -50 % gives ~200 ms, took ${took}`);
  await q.shutDown();
});
