// gemeenten.js: which gemeenten the picker offers, how it finds them by (part of) their name,
// where the map goes for one, and what a gemeente code from a link turns out to be.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  NATIONAL, NATIONAL_NAME, bboxOf, fallbackMessage, gemeenteOf, gemeenteOptions, normalizeCode, onMap,
  pickerGemeenten, resolveGemeente,
} from '../../crates/buurt-server/assets/js/gemeenten.js';

const point = [5.4, 52.1];
const gemeente = (code, name, extra = {}) => ({
  code, name, level: 'gemeente', indeling: 2024, interior_point_wgs84: point, ...extra,
});

// As /api/v1/regions?level=gemeente answers once it says which are on the map: today's
// gemeenten, and one of 2020 that merged since.
const ALL = [
  gemeente('GM0003', 'Appingedam', { indeling: 2020, interior_point_wgs84: null, on_map: false, bbox_wgs84: null }),
  gemeente('GM0307', 'Amersfoort', { on_map: true, bbox_wgs84: [5.31, 52.12, 5.48, 52.22] }),
  gemeente('GM0344', 'Utrecht', { on_map: true, bbox_wgs84: [4.97, 52.03, 5.2, 52.14] }),
  gemeente('GM0355', 'Zeist', { on_map: true, bbox_wgs84: null }),
  gemeente('GM0356', 'Nieuwegein', { on_map: true }),
  gemeente('GM0518', "'s-Gravenhage", { on_map: true }),
  gemeente('GM0796', "'s-Hertogenbosch", { on_map: true }),
  gemeente('GM1900', 'Súdwest-Fryslân', { on_map: true }),
  gemeente('GM1581', 'Utrechtse Heuvelrug', { on_map: true }),
  gemeente('GM0373', 'Bergen (NH.)', { on_map: true }),
  gemeente('GM0893', 'Bergen (L.)', { on_map: true }),
  gemeente('GM0748', 'Bergen op Zoom', { on_map: true }),
];
const PICKER = pickerGemeenten(ALL);
const names = (options) => options.map((o) => o.name);

test('the picker offers the gemeenten on the map, by name', () => {
  assert.equal(PICKER.length, ALL.length - 1, 'not the merged Appingedam');
  assert.ok(!PICKER.some((g) => g.code === 'GM0003'));
  assert.deepEqual(names(PICKER).slice(0, 5), ["'s-Gravenhage", "'s-Hertogenbosch", 'Amersfoort', 'Bergen (L.)', 'Bergen (NH.)']);
  // Without `on_map` (a service from before it), a gemeente with a place on the map is on it.
  assert.equal(onMap({ code: 'GM0307', interior_point_wgs84: point }), true);
  assert.equal(onMap({ code: 'GM0003', interior_point_wgs84: null }), false);
  assert.equal(onMap({ code: 'GM0003', interior_point_wgs84: point, on_map: false }), false);
});

test('part of a name finds the gemeente, whatever its case or accents', () => {
  for (const text of ['amersf', 'Amersfoort', 'AMERSF', ' amers ', 'GM0307', 'gm0307']) {
    assert.equal(gemeenteOptions(PICKER, text)[0]?.code, 'GM0307', text);
  }
  assert.equal(gemeenteOptions(PICKER, 'sudwest')[0].code, 'GM1900', 'accents ignored');
  assert.equal(gemeenteOptions(PICKER, 'SÚDWEST-FRYSLÂN')[0].code, 'GM1900');
  assert.equal(gemeenteOptions(PICKER, 'hertogenbosch')[0].code, 'GM0796', 'a word of the name');
  assert.equal(gemeenteOptions(PICKER, 'den haag')[0].code, 'GM0518', 'what people call it');
  assert.equal(gemeenteOptions(PICKER, 'den bosch')[0].code, 'GM0796');
  assert.deepEqual(gemeenteOptions(PICKER, 'qqq'), []);
  assert.deepEqual(gemeenteOptions(PICKER, 'appingedam'), [], 'not on the map: not offered');
});

test('an exact name first, then names that start with it, then names that hold it', () => {
  assert.deepEqual(names(gemeenteOptions(PICKER, 'utrecht')), ['Utrecht', 'Utrechtse Heuvelrug']);
  // "Bergen" is a name of none exactly: the shorter names first.
  assert.deepEqual(names(gemeenteOptions(PICKER, 'bergen')), ['Bergen (L.)', 'Bergen (NH.)', 'Bergen op Zoom']);
  assert.deepEqual(names(gemeenteOptions(PICKER, 'bergen nh')), ['Bergen (NH.)']);
  assert.equal(gemeenteOptions(PICKER, 'e', 3).length, 3, 'at most the limit');
});

test('the national map: first of the full list, and found by its name', () => {
  const all = gemeenteOptions(PICKER, '');
  assert.equal(all.length, PICKER.length + 1);
  assert.deepEqual([all[0].code, all[0].name], [NATIONAL, NATIONAL_NAME]);
  assert.equal(gemeenteOptions(PICKER, 'nederland').at(-1).code, NATIONAL);
  assert.equal(gemeenteOptions(PICKER, 'heel').at(-1).code, NATIONAL);
  assert.ok(!gemeenteOptions(PICKER, 'amersf').some((o) => o.code === NATIONAL));
});

test('the gemeente of a region code, and a code as a link may write it', () => {
  assert.equal(gemeenteOf('GM0307'), 'GM0307');
  assert.equal(gemeenteOf('WK030712'), 'GM0307');
  assert.equal(gemeenteOf('BU03440111'), 'GM0344');
  assert.equal(gemeenteOf('NL01'), null);
  assert.equal(gemeenteOf(undefined), null);
  assert.equal(normalizeCode(' gm0307 '), 'GM0307');
  assert.equal(normalizeCode('nl'), NATIONAL);
  assert.equal(normalizeCode('Amersfoort'), 'Amersfoort', 'anything else stays, to be reported');
});

test('the service\'s box when it gives a usable one', () => {
  assert.deepEqual(bboxOf(ALL[1]), [5.31, 52.12, 5.48, 52.22]);
  assert.equal(bboxOf(ALL[3]), null, 'null');
  assert.equal(bboxOf(ALL[4]), null, 'absent (a service from before bbox_wgs84)');
  assert.equal(bboxOf({ bbox_wgs84: [5.4, 52.2, 5.3, 52.1] }), null, 'upside down');
  assert.equal(bboxOf({ bbox_wgs84: [5.3, 52.1, 5.4] }), null);
  assert.equal(bboxOf(null), null);
});

test('a gemeente code from a link: on the map, an old one, unknown, or the national map', () => {
  assert.deepEqual(resolveGemeente('GM0307', ALL), { kind: 'ok', gemeente: ALL[1] });
  assert.deepEqual(resolveGemeente(NATIONAL, ALL), { kind: 'national' });
  const old = resolveGemeente('GM0003', ALL);
  assert.equal(old.kind, 'not_on_map');
  assert.match(fallbackMessage('GM0003', old), /Appingedam \(GM0003\) staat niet op de kaart.*heel Nederland/);
  const unknown = resolveGemeente('GM9999', ALL);
  assert.deepEqual(unknown, { kind: 'unknown' });
  assert.match(fallbackMessage('GM9999', unknown), /^Gemeente "GM9999" is onbekend\. De kaart toont heel Nederland/);
});
