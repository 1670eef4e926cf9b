// store.js: the state, its changes and who hears of them.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { createStore } from '../../crates/buurt-server/assets/js/store.js';

test('get returns the state; set merges a patch and tells the subscribers what changed', () => {
  const store = createStore({ level: 'buurt', classes: 5, region: [] });
  const heard = [];
  store.subscribe((state, changed) => heard.push([state, [...changed]]));
  const before = store.get();
  assert.deepEqual(store.set({ level: 'wijk', classes: 5 }), ['level']);
  assert.deepEqual(store.get(), { level: 'wijk', classes: 5, region: [] });
  assert.equal(heard.length, 1);
  assert.equal(heard[0][0], store.get());
  assert.deepEqual(heard[0][1], ['level']);
  // The state is replaced, never changed in place.
  assert.equal(before.level, 'buurt');
  assert.ok(Object.isFrozen(store.get()));
  assert.throws(() => { 'use strict'; store.get().level = 'x'; }, TypeError);
});

test('a patch that changes nothing tells no one; arrays compare by their elements', () => {
  const store = createStore({ region: ['BU1', 'BU2'], year: '' });
  let calls = 0;
  store.subscribe(() => { calls += 1; });
  assert.deepEqual(store.set({ region: ['BU1', 'BU2'], year: '' }), []);
  assert.equal(calls, 0);
  assert.deepEqual(store.set({ region: ['BU1'] }), ['region']);
  assert.equal(calls, 1);
  assert.deepEqual(store.set({ region: ['BU2'] }), ['region']);
  assert.equal(calls, 2);
});

test('unsubscribe stops the calls; every subscriber hears each change once', () => {
  const store = createStore({ n: 0 });
  const a = [];
  const b = [];
  const stopA = store.subscribe((s) => a.push(s.n));
  store.subscribe((s) => b.push(s.n));
  store.set({ n: 1 });
  stopA();
  store.set({ n: 2 });
  assert.deepEqual(a, [1]);
  assert.deepEqual(b, [1, 2]);
});

test('a subscriber that sets again is heard after the first change is told', () => {
  const store = createStore({ indicator: 'a', year: '2020' });
  const seen = [];
  store.subscribe((s, changed) => {
    seen.push([...changed].join());
    if (changed.has('indicator')) store.set({ year: '' });
  });
  store.set({ indicator: 'b' });
  assert.deepEqual(seen, ['indicator', 'year']);
  assert.deepEqual(store.get(), { indicator: 'b', year: '' });
});
