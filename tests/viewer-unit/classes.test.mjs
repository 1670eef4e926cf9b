// classes.js: class ranges and counts from the API's breaks, the ramps, and the MapLibre fill
// expression agreeing with the legend.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  NO_DATA_COLOR, classOf, divergingColors, featureProperty, fillExpression, makeClasses, rangeText, sample,
} from '../../crates/buurt-server/assets/js/classes.js';
import { formatIndex, formatNumber } from '../../crates/buurt-server/assets/js/format.js';

/** What MapLibre's `step` in a fill expression gives for a feature with `props`. */
function evaluateFill(expression, props) {
  if (typeof expression === 'string') return expression;
  const [, [, property], steps, noData] = expression;
  if (!(property in props)) return noData;
  if (typeof steps === 'string') return steps;
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

test('classOf: inclusive upper bounds as printed, the last class above the maximum, -1 without a number', () => {
  const classes = makeClasses({ breaks: [10, 20, 30], numbers: [1, 30], mode: 'value', unit: 'percent' });
  assert.equal(classOf(classes, 1), 0);
  assert.equal(classOf(classes, 10), 0);
  // 10,04 prints as "10", the bound of the first class; 10,05 as "10,1".
  assert.equal(classOf(classes, 10.04), 0);
  assert.equal(classOf(classes, 10.05), 1);
  assert.equal(classOf(classes, 30), 2);
  assert.equal(classOf(classes, 99), 2);
  for (const none of [null, undefined, Number.NaN, Infinity]) assert.equal(classOf(classes, none), -1);
});

/** The printed label of each number, and the classes the numbers with that label fall in. */
function classesByLabel(classes, numbers, mode, unit) {
  const f = mode === 'index' ? formatIndex : (v) => formatNumber(v, unit);
  const byLabel = new Map();
  for (const x of numbers) {
    if (!byLabel.has(f(x))) byLabel.set(f(x), new Set());
    byLabel.get(f(x)).add(classOf(classes, x));
  }
  return byLabel;
}

test('two regions that print the same share a class, in the legend, the tooltip and on the map', () => {
  // Quantile breaks are values of the data: 12,34 % and 12,30 % both print as "12,3".
  const numbers = [5.1, 8.26, 12.3, 12.34, 12.36, 15, 20.05, 20.1, 31.2];
  const classes = makeClasses({ breaks: [8.26, 12.34, 20.05, 31.2], numbers, mode: 'value', unit: 'percent' });
  assert.equal(classOf(classes, 12.3), classOf(classes, 12.34), '12,3 and 12,3');
  // 12,36 prints as "12,4", above the bound "12,3": the next class.
  assert.equal(classOf(classes, 12.36), classOf(classes, 12.34) + 1);
  // 20,05 and 20,1 both print as "20,1".
  assert.equal(classOf(classes, 20.05), classOf(classes, 20.1));
  for (const [label, set] of classesByLabel(classes, numbers, 'value', 'percent')) assert.equal(set.size, 1, label);
  const fill = fillExpression('x', 'value', classes);
  for (const x of numbers) assert.equal(evaluateFill(fill, { x }), classes[classOf(classes, x)].color, `${x}`);
  assert.deepEqual(classes.map((c) => c.count), [2, 2, 4, 1]);
  assert.equal(classes.reduce((n, c) => n + c.count, 0), numbers.length);

  // The index prints whole: 99,6 and 100,4 are both "100".
  const indexes = [60, 80, 99.6, 100.4, 120, 180];
  const byIndex = makeClasses({ breaks: [80, 99.6, 120, 180], numbers: indexes, mode: 'index', polarity: 'higher_is_need' });
  assert.equal(classOf(byIndex, 99.6), classOf(byIndex, 100.4));
  assert.deepEqual(byIndex.map((c) => c.high), [80, 100, 120, 180]);
  assert.equal(byIndex[1].color, '#f7f7f7', 'the class of 100 is neutral');
  assert.notEqual(byIndex[2].color, '#f7f7f7', 'the class above it is not');
});

test('breaks that print the same make one class; a class emptied by rounding merges, one empty by its breaks stays', () => {
  // 10,02 and 10,045 both print as "10": two classes "… – 10" and "10 – 10" would say the same.
  const numbers = [9, 10.02, 10.045, 15, 20];
  const classes = makeClasses({ breaks: [10.02, 10.045, 20], numbers, mode: 'value', unit: 'percent' });
  const ranges = classes.map((c) => rangeText(c, 'value', 'percent'));
  assert.deepEqual(ranges, ['9 – 10', '10 – 20']);
  assert.deepEqual(classes.map((c) => c.count), [3, 2]);

  // The class up to 10,06 held only 10,04, which prints as "10": it would show "10 – 10,1 (0)".
  const emptied = makeClasses({ breaks: [10.02, 10.06, 20], numbers: [9, 10.02, 10.04, 15, 20], mode: 'value', unit: 'percent' });
  assert.deepEqual(emptied.map((c) => [rangeText(c, 'value', 'percent'), c.count]), [['9 – 10', 3], ['10 – 20', 2]]);
  // The last class emptied: the class below takes its bound.
  const top = makeClasses({ breaks: [10, 20.02, 20.04], numbers: [5, 20.02, 20.04], mode: 'value', unit: 'percent' });
  assert.deepEqual(top.map((c) => [rangeText(c, 'value', 'percent'), c.count]), [['5 – 10', 1], ['10 – 20', 2]]);

  // Equal intervals may leave a class empty: it stays, with its count 0.
  const equal = makeClasses({ breaks: [10, 20, 30], numbers: [5, 25, 30], mode: 'value', unit: 'percent' });
  assert.deepEqual(equal.map((c) => c.count), [1, 0, 2]);

  // Counts print whole from 10 up: 11 classes of one count each collapse to distinct labels.
  const counts = makeClasses({ breaks: [2.5, 2.54, 3, 3.04], numbers: [1, 2.5, 2.54, 3, 3.04], mode: 'value', unit: 'count' });
  const countRanges = counts.map((c) => rangeText(c, 'value', 'count'));
  assert.equal(new Set(countRanges).size, countRanges.length, countRanges.join(' | '));
});

test('on any data: no two legend classes alike, and a printed label never in two classes', () => {
  // A pseudo-random sample (fixed seed) of values of every unit, classified by quantile-like
  // breaks (values of the data) and by equal intervals (not values of the data).
  let seed = 12;
  const random = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
  for (let round = 0; round < 300; round += 1) {
    const unit = ['percent', 'count', 'euro', 'number', 'per_1000'][round % 5];
    const mode = round % 7 === 0 ? 'index' : 'value';
    const scale = [0.5, 5, 50, 500, 5000][Math.floor(random() * 5)];
    const numbers = Array.from({ length: 5 + Math.floor(random() * 60) }, () => {
      const x = random() * scale;
      return round % 3 === 0 ? Math.round(x * 100) / 100 : x;
    }).sort((a, b) => a - b);
    const k = 3 + (round % 5);
    const breaks = round % 2
      ? Array.from({ length: k }, (_, i) => numbers[Math.min(numbers.length - 1, Math.ceil(((i + 1) * numbers.length) / k) - 1)])
      : Array.from({ length: k }, (_, i) => numbers[0] + ((numbers[numbers.length - 1] - numbers[0]) * (i + 1)) / k);
    const classes = makeClasses({ breaks, numbers, mode, unit });
    const ranges = classes.map((c) => rangeText(c, mode, unit));
    assert.equal(new Set(ranges).size, ranges.length, `${unit} ${mode}: ${ranges.join(' | ')}`);
    for (let i = 1; i < classes.length; i += 1) assert.ok(classes[i].high > classes[i - 1].high);
    for (const [label, set] of classesByLabel(classes, numbers, mode, unit)) assert.equal(set.size, 1, `${unit} ${mode} ${label}: ${ranges.join(' | ')}`);
    assert.equal(classes.reduce((n, c) => n + c.count, 0), numbers.length);
    const fill = fillExpression('x', mode, classes);
    for (const x of numbers) {
      const props = mode === 'index' ? { x: 1, x_index: x } : { x };
      assert.equal(evaluateFill(fill, props), classes[classOf(classes, x)].color);
    }
  }
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

test('one class (all regions the same number) is a valid MapLibre expression of its colour', () => {
  const classes = makeClasses({ breaks: [12.5], numbers: [12.5, 12.5], mode: 'value', unit: 'percent', polarity: 'higher_is_need' });
  assert.equal(classes.length, 1);
  const fill = fillExpression('x', 'value', classes);
  // `step` needs at least one stop (4 arguments), so one class is a `case` with its colour.
  assert.ok(fill[0] !== 'step' && !JSON.stringify(fill).includes('"step"'), JSON.stringify(fill));
  assert.equal(evaluateFill(fill, { x: 12.5 }), classes[0].color);
  assert.equal(evaluateFill(fill, {}), NO_DATA_COLOR);
});
