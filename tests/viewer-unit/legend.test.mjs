// legend.js: the legend's rows, and which end says "meer zorgbehoefte".

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { makeClasses, NO_DATA_COLOR } from '../../crates/buurt-server/assets/js/classes.js';
import { legendRows, legendUnit, needEnds } from '../../crates/buurt-server/assets/js/legend.js';

test('which end of the classes is more need, by the catalogue\'s polarity', () => {
  assert.deepEqual(needEnds('higher_is_need'), { low: 'minder zorgbehoefte', high: 'meer zorgbehoefte' });
  assert.deepEqual(needEnds('lower_is_need'), { low: 'meer zorgbehoefte', high: 'minder zorgbehoefte' });
  for (const polarity of ['neutral', 'context', undefined, 'something_new']) assert.equal(needEnds(polarity), null, polarity);
});

test('the rows: the need of each end around the classes, the regions without a number last', () => {
  const classes = makeClasses({ breaks: [10, 20, 30], numbers: [5, 15, 25, 30], mode: 'value', unit: 'percent' });
  const rows = legendRows({ classes, mode: 'value', unit: 'percent', polarity: 'higher_is_need', missingCount: 3 });
  assert.deepEqual(rows.map((r) => r.text), [
    'minder zorgbehoefte', '5 – 10 (1)', '10 – 20 (1)', '20 – 30 (2)', 'meer zorgbehoefte', 'geen gegevens / onderdrukt (3)',
  ]);
  assert.deepEqual(rows.map((r) => r.need ?? r.klass ?? 'none'), ['low', 0, 1, 2, 'high', 'none']);
  assert.equal(rows[1].color, classes[0].color);
  assert.equal(rows[5].color, NO_DATA_COLOR);
  assert.equal(rows[5].noData, true);

  // Lower is need (an income, say): the low end is more need, for values and for the index.
  const index = makeClasses({ breaks: [90, 110, 150], numbers: [60, 100, 150], mode: 'index', polarity: 'lower_is_need' });
  const flipped = legendRows({ classes: index, mode: 'index', unit: 'euro', polarity: 'lower_is_need', missingCount: 0 });
  assert.equal(flipped[0].text, 'meer zorgbehoefte');
  assert.equal(flipped[flipped.length - 2].text, 'minder zorgbehoefte');
  assert.equal(flipped[1].text, '60 – 90 (1)');

  // Neutral and context indicators say nothing of need, in either mode.
  for (const [polarity, mode] of [['neutral', 'value'], ['context', 'index'], ['neutral', 'index']]) {
    const plain = legendRows({ classes, mode, unit: 'percent', polarity, missingCount: 0 });
    assert.ok(plain.every((r) => !r.need && !/zorgbehoefte/.test(r.text)), `${polarity} ${mode}`);
    assert.equal(plain.length, classes.length + 1);
  }
  // No classes (nothing to colour): no ends either.
  assert.deepEqual(legendRows({ classes: [], mode: 'value', unit: 'percent', polarity: 'higher_is_need', missingCount: 4 }).map((r) => r.text), ['geen gegevens / onderdrukt (4)']);
});

test('the unit line: the unit, or the index\'s reference', () => {
  assert.equal(legendUnit('value', 'percent'), '%');
  assert.equal(legendUnit('value', 'number'), '');
  assert.equal(legendUnit('index', 'percent'), 'index, gemeente = 100');
  assert.equal(legendUnit('index', 'percent', 'Nederland'), 'index, Nederland = 100', 'the gemeenten against Nederland');
  assert.equal(legendUnit('value', 'percent', 'Nederland'), '%');
});
