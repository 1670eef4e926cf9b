// classes.js: class ranges and counts from the API's breaks, the ramps, and the MapLibre fill
// expression agreeing with the legend.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  NO_DATA_COLOR, classOf, divergingColors, featureProperty, fillExpression, makeClasses, rangeText, sample,
} from '../../crates/buurt-server/assets/js/classes.js';

/** What MapLibre's `step` in a fill expression gives for a feature with `props`. */
function evaluateFill(expression, props) {
  if (typeof expression === 'string') return expression;
  const [, [, property], steps, noData] = expression;
  if (!(property in props)) return noData;
  const [, [, [, name]], first, ...stops] = steps;
  const x = Number(props[name]);
  let color = first;
  for (let i = 0; i < stops.length; i += 2) {
    if (x >= stops[i]) color = stops[i + 1];
  }
  return color;
}

test('sample spreads n colours over a ramp, ends included', () => {
  const ramp = ['#000000', '#ffffff'];
  assert.deepEqual(sample(ramp, 3), ['#000000', '#808080', '#ffffff']);
  assert.equal(sample(ramp, 1).length, 1);
  assert.equal(new Set(sample(['#fde725', '#440154'], 7)).size, 7);
});

test('classes of values: ranges from the breaks, counts, one viridis colour each', () => {
  const classes = makeClasses({ breaks: [10, 20, 30], numbers: [5, 10, 15, 20, 25, 30], mode: 'value' });
  assert.deepEqual(classes.map((c) => [c.low, c.high, c.count]), [[5, 10, 2], [10, 20, 2], [20, 30, 2]]);
  assert.equal(classes[0].color, '#fde725', 'light for low values');
  assert.equal(classes[2].color, '#440154', 'dark for high values');
  assert.deepEqual(makeClasses({ breaks: [], numbers: [1], mode: 'value' }), []);
  assert.deepEqual(makeClasses({ breaks: [1], numbers: [], mode: 'value' }), []);
});

test('classes of the index use the breaks as given and diverge around 100', () => {
  // The API's breaks over the index (no scaling here): the class holding 100 is neutral.
  const numbers = [70, 85, 95, 100, 104, 120, 150];
  const classes = makeClasses({ breaks: [85, 99, 105, 150], numbers, mode: 'index', polarity: 'higher_is_worse' });
  assert.deepEqual(classes.map((c) => c.high), [85, 99, 105, 150]);
  assert.equal(classes[0].low, 70);
  assert.deepEqual(classes.map((c) => c.count), [2, 1, 2, 2]);
  assert.equal(classes[2].color, '#f7f7f7', 'the class holding 100 is neutral');
  // Orange on the side of more need: above 100 when higher is worse, below when lower is.
  const orange = new Set(['#fee0b6', '#f1a340', '#b35806']);
  assert.ok(orange.has(classes[3].color) && !orange.has(classes[0].color));
  const flipped = divergingColors(classes, 'lower_is_need');
  assert.ok(orange.has(flipped[0]) && !orange.has(flipped[3]));
});

test('classOf: inclusive upper bounds, the last class above the maximum, -1 without a number', () => {
  const classes = makeClasses({ breaks: [10, 20, 30], numbers: [1, 30], mode: 'value' });
  assert.equal(classOf(classes, 1), 0);
  assert.equal(classOf(classes, 10), 0);
  assert.equal(classOf(classes, 10.000001), 1);
  assert.equal(classOf(classes, 30), 2);
  assert.equal(classOf(classes, 99), 2);
  for (const none of [null, undefined, Number.NaN, Infinity]) assert.equal(classOf(classes, none), -1);
});

test('the fill colours each feature as the legend classes it, by value or by index', () => {
  for (const [mode, breaks, numbers] of [
    ['value', [3.2, 7.5, 12.25, 40], [0.4, 3.2, 3.3, 7.5, 8, 12.25, 39.9, 40]],
    ['index', [80.5, 100, 112.3, 250], [40, 80.5, 80.6, 99.9, 100, 100.1, 112.3, 250]],
    ['value', [-5, 0, 5], [-20, -5, -4.9, 0, 5]],
  ]) {
    const classes = makeClasses({ breaks, numbers, mode });
    const fill = fillExpression('x', mode, classes);
    const property = featureProperty('x', mode);
    assert.equal(property, mode === 'index' ? 'x_index' : 'x');
    for (const n of numbers) {
      // A feature has its value and, where the gemeente has one, its index.
      const props = mode === 'index' ? { x: 1, x_index: n } : { x: n };
      assert.equal(evaluateFill(fill, props), classes[classOf(classes, n)].color, `${mode} ${n}`);
    }
    assert.equal(evaluateFill(fill, {}), NO_DATA_COLOR);
  }
  // In the index view a value without an index (no gemeente value) has no class.
  const classes = makeClasses({ breaks: [100, 200], numbers: [50, 200], mode: 'index' });
  assert.equal(evaluateFill(fillExpression('x', 'index', classes), { x: 12 }), NO_DATA_COLOR);
  assert.equal(fillExpression('x', 'value', []), NO_DATA_COLOR);
});

test('range text in Dutch notation, the index without decimals', () => {
  assert.equal(rangeText({ low: 1.25, high: 12.5 }, 'value', 'percent'), '1,3 – 12,5');
  assert.equal(rangeText({ low: 1250, high: 20000 }, 'value', 'euro'), '1.250 – 20.000');
  assert.equal(rangeText({ low: 87.4, high: 112.6 }, 'index', 'percent'), '87 – 113');
});
