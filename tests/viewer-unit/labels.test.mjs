// labels.js: which names the map shows at which zoom, and no two that overlap.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  BUURT_LABEL_ZOOM, declutter, labelPriority, labelShown, wrapLines,
} from '../../crates/buurt-server/assets/js/labels.js';

test('gemeenten when zoomed out, wijken at middle zoom, buurten only zoomed in on a map of buurten', () => {
  const shown = (mapLevel, zoom) => ['gemeente', 'wijk', 'buurt'].filter((l) => labelShown(l, mapLevel, zoom));
  assert.deepEqual(shown('buurt', 9), ['gemeente']);
  assert.deepEqual(shown('buurt', 11.3), ['gemeente', 'wijk'], 'the whole gemeente in view');
  assert.deepEqual(shown('buurt', 13), ['wijk']);
  assert.deepEqual(shown('buurt', BUURT_LABEL_ZOOM - 0.01), ['wijk']);
  assert.deepEqual(shown('buurt', BUURT_LABEL_ZOOM), ['buurt'], 'a found buurt (zoom 14) is named');
  assert.deepEqual(shown('buurt', 16), ['buurt']);
  // A map of wijken names its wijken at every zoom from 10, never the buurten it does not draw.
  assert.deepEqual(shown('wijk', 11.3), ['gemeente', 'wijk']);
  assert.deepEqual(shown('wijk', 15), ['wijk']);
  assert.equal(labelShown('nederland', 'buurt', 12), false);
});

test('the map of the Netherlands names every gemeente, the chosen one too; zoomed in the legend names that one', () => {
  for (const zoom of [6, 8.9, 12, 15]) {
    assert.equal(labelShown('gemeente', 'gemeente', zoom), true, `zoom ${zoom}`);
    assert.equal(labelShown('gemeente', 'gemeente', zoom, true), true, `the chosen one at ${zoom}`);
    assert.equal(labelShown('wijk', 'gemeente', zoom), false, 'no wijk names over the gemeenten');
    assert.equal(labelShown('buurt', 'gemeente', zoom), false);
  }
  // With the gemeente's own regions shown, the gemeente around it are named up to 12.5, itself not.
  assert.equal(labelShown('gemeente', 'buurt', 11.3), true);
  assert.equal(labelShown('gemeente', 'buurt', 11.3, true), false);
  assert.equal(labelShown('gemeente', 'wijk', 9.5, true), false);
});

test('declutter: in order of priority, a label that overlaps one already shown is left out', () => {
  const box = (x, y, width = 40, height = 12) => ({ x, y, width, height });
  const labels = [
    { key: 'small', box: box(10, 10), priority: [0, 2, 100] },
    { key: 'big', box: box(30, 14), priority: [0, 2, 900] },
    { key: 'apart', box: box(200, 10), priority: [0, 2, 50] },
    { key: 'touching', box: box(241, 10), priority: [0, 2, 10] },
    { key: 'selected', box: box(220, 20), priority: [1, 2, 1] },
  ];
  assert.deepEqual([...declutter(labels, 2)].sort(), ['big', 'selected']);
  assert.deepEqual([...declutter(labels.slice(0, 4), 2)].sort(), ['apart', 'big']);
  assert.deepEqual([...declutter(labels.slice(0, 4), 0)].sort(), ['apart', 'big', 'touching'], 'without a gap, touching is no overlap');
  assert.equal(declutter([]).size, 0);
});

test('priority: the selected first, then the finer level, then the larger region', () => {
  const regions = [
    { code: 'GM1', level: 'gemeente', area_m2: 9e7 },
    { code: 'BU1', level: 'buurt', area_m2: 5e5 },
    { code: 'WK1', level: 'wijk', area_m2: 8e6 },
    { code: 'BU2', level: 'buurt', area_m2: 1e5 },
    { code: 'BU3', level: 'buurt', area_m2: 9e5 },
  ];
  // All in one place: only the first by priority shows.
  const first = (selected, list = regions) => [...declutter(list.map((r) => ({ key: r.code, box: { x: 0, y: 0, width: 10, height: 10 }, priority: labelPriority(r, selected) })))];
  assert.deepEqual(first(new Set(['BU2'])), ['BU2']);
  assert.deepEqual(first(new Set()), ['BU3']);
  assert.deepEqual(first(new Set(), regions.filter((r) => r.level !== 'buurt')), ['WK1'], 'a wijk before a gemeente around');
});

test('wrapLines breaks a long name between words within the width', () => {
  const measure = (t) => t.length * 6;
  assert.deepEqual(wrapLines('Nieuw Engeland, Th. a. Kempisplantsoen en omgeving', 100, measure), ['Nieuw Engeland,', 'Th. a.', 'Kempisplantsoen', 'en omgeving']);
  assert.deepEqual(wrapLines('Lombok-Oost', 100, measure), ['Lombok-Oost']);
  assert.deepEqual(wrapLines('', 100, measure), []);
});
