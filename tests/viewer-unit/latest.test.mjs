// latest.js: a newer request of the same key cancels the older one.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { createLatest, isAbort } from '../../crates/buurt-server/assets/js/latest.js';

/** A fetch stand-in: resolves with `value` after `ms`, rejects as fetch does when aborted. */
function slowFetch(value, ms, signal) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => resolve(value), ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason);
    });
  });
}

test('a newer request of the same key aborts the older one', async () => {
  const latest = createLatest();
  const signals = [];
  const first = latest('values', (signal) => { signals.push(signal); return slowFetch('old', 50, signal); });
  const second = latest('values', (signal) => { signals.push(signal); return slowFetch('new', 5, signal); });
  await assert.rejects(first, (e) => isAbort(e));
  assert.equal(await second, 'new');
  assert.equal(signals[0].aborted, true);
  assert.equal(signals[1].aborted, false);
});

test('requests of other keys run on', async () => {
  const latest = createLatest();
  const a = latest('profile', (signal) => slowFetch('profile', 10, signal));
  const b = latest('values', (signal) => slowFetch('values', 1, signal));
  assert.deepEqual(await Promise.all([a, b]), ['profile', 'values']);
});

test('an answer that comes after a newer request started is dropped too', async () => {
  const latest = createLatest();
  let release;
  // A run that does not listen to its signal (work between fetches, say).
  const first = latest('k', () => new Promise((resolve) => { release = resolve; }));
  const second = latest('k', async () => 'newer');
  release('stale');
  await assert.rejects(first, (e) => isAbort(e));
  assert.equal(await second, 'newer');
});

test('a failure of the newest request is its own error', async () => {
  const latest = createLatest();
  await assert.rejects(latest('k', async () => { throw new Error('404 not found'); }), /404 not found/);
  await assert.rejects(latest('k', () => { throw new TypeError('sync throw'); }), TypeError);
  assert.equal(await latest('k', async () => 7), 7, 'the key is free again');
  assert.equal(isAbort(new Error('x')), false);
  assert.equal(isAbort(undefined), false);
  assert.equal(isAbort(new DOMException('stop', 'AbortError')), true);
});

test('the signal reaches fetch: a cancelled fetch rejects with an AbortError', async () => {
  const latest = createLatest();
  const seen = [];
  const fakeFetch = (url, { signal }) => { seen.push(url); return slowFetch({ url }, 30, signal); };
  const first = latest('regions', (signal) => fakeFetch('/a', { signal }));
  const second = latest('regions', (signal) => fakeFetch('/b', { signal }));
  const results = await Promise.allSettled([first, second]);
  assert.equal(results[0].status, 'rejected');
  assert.equal(results[0].reason.name, 'AbortError');
  assert.deepEqual(results[1], { status: 'fulfilled', value: { url: '/b' } });
  assert.deepEqual(seen, ['/a', '/b']);
});
