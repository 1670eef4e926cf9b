// format.js: Dutch number notation, units, labels and escaping.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  bandText, escapeHtml, formatIndex, formatNumber, formatValue, indicatorLabel, missingLabel, roundIndex, roundShown, themeLabel,
  unitLabel,
} from '../../crates/buurt-server/assets/js/format.js';

test('numbers: decimal comma, thousands dot, digits by size and unit', () => {
  assert.equal(formatNumber(12.34, 'percent'), '12,3');
  assert.equal(formatNumber(0.1234, 'percent'), '0,12');
  assert.equal(formatNumber(1234.5, 'number'), '1.235');
  assert.equal(formatNumber(1234, 'count'), '1.234');
  assert.equal(formatNumber(2.5, 'count'), '2,5');
  assert.equal(formatNumber(-3.25, 'number'), '-3,3');
  for (const none of [null, undefined, Number.NaN, Infinity]) assert.equal(formatNumber(none), '–');
});

test('values with their unit', () => {
  assert.equal(formatValue(12.34, 'percent'), '12,3 %');
  assert.equal(formatValue(1250, 'euro'), '€ 1.250');
  assert.equal(formatValue(4.2, 'per_1000'), '4,2 per 1.000');
  assert.equal(formatValue(31.5, 'thousand_euro'), '31,5 × € 1.000');
  assert.equal(formatValue(1520, 'per_km2'), '1.520 per km²');
  assert.equal(formatValue(12, 'hectare'), '12 ha');
  assert.equal(formatValue(3.4, 'km'), '3,4 km');
  assert.equal(formatValue(7, 'count'), '7');
  assert.equal(formatValue(null, 'percent'), '–');
});

test('the index is whole, and a dash without one', () => {
  assert.equal(formatIndex(112.4), '112');
  assert.equal(formatIndex(99.5), '100');
  assert.equal(formatIndex(1234.5), '1.235');
  assert.equal(formatIndex(null), '–');
  assert.equal(formatIndex(undefined), '–');
});

test('labels: units, themes, missing reasons, indicators with their age group', () => {
  assert.equal(unitLabel('percent'), '%');
  assert.equal(unitLabel('number'), '');
  assert.equal(unitLabel('furlong'), 'furlong');
  assert.equal(unitLabel(undefined), '');
  assert.equal(themeLabel('mantelzorg'), 'Mantelzorg en Wmo');
  assert.equal(themeLabel('other'), 'other');
  assert.match(missingLabel('suppressed'), /^onderdrukt/);
  assert.equal(missingLabel('something_new'), 'geen gegevens');
  assert.equal(indicatorLabel({ id: 'x', label_nl: 'Eenzaam', age_group: '65plus' }), 'Eenzaam (65plus)');
  assert.equal(indicatorLabel({ id: 'x', label_nl: 'Inwoners', age_group: 'totaal' }), 'Inwoners');
  assert.equal(indicatorLabel({ id: 'x' }), 'x');
  assert.equal(indicatorLabel(undefined), '');
});

test('escapeHtml escapes markup and quotes', () => {
  assert.equal(escapeHtml('<a href="x">\'&\'</a>'), '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  assert.equal(escapeHtml(null), '');
  assert.equal(escapeHtml(3), '3');
});

test('roundShown is the number as printed: same label, same number, in order', () => {
  // ICU rounds the shortest decimal form: 0,15 is "0,2" (toFixed would give 0,1).
  assert.equal(roundShown(0.15, 'euro'), 0.2);
  assert.equal(roundShown(12.34, 'percent'), 12.3);
  assert.equal(roundShown(99.96, 'percent'), 100);
  assert.equal(roundShown(1234.5, 'count'), 1235);
  assert.equal(roundShown(2.45, 'count'), 2.5);
  assert.equal(roundShown(-3.25, 'number'), -3.3);
  assert.equal(roundIndex(99.5), 100);
  assert.equal(roundIndex(112.4), 112);
  assert.equal(roundShown(null, 'percent'), null);
  let seed = 7;
  const random = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
  for (const unit of ['percent', 'count', 'euro', 'number']) {
    const xs = Array.from({ length: 2000 }, (_, i) => (i % 2 ? Math.round(random() * 20000) / 100 : random() * 200) - 20).sort((a, b) => a - b);
    let previous = -Infinity;
    for (const x of xs) {
      const r = roundShown(x, unit);
      assert.equal(formatNumber(r, unit), formatNumber(x, unit), `${unit} ${x}`);
      assert.ok(r >= previous, `${unit}: rounding keeps the order at ${x}`);
      previous = r;
    }
  }
});

test('a band against the gemeente, or for a gemeente against Nederland', () => {
  assert.equal(bandText('above'), 'boven het gemiddelde van de gemeente');
  assert.equal(bandText('well_below', 'Nederland'), 'ruim onder het gemiddelde van Nederland');
  assert.equal(bandText('sideways'), 'sideways', 'an unknown band as it came');
});
