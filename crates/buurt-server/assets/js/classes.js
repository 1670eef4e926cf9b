// Classes and colours: colour-blind-safe ramps (viridis for values, PuOr diverging around 100
// for the index against the gemeente), the legend rows and the MapLibre fill expression.

import {
  formatIndex, formatNumber, roundIndex, roundShown,
} from './format.js';

// Viridis, from light (low) to dark (high).
const VIRIDIS = ['#fde725', '#b5de2b', '#6ece58', '#35b779', '#1f9e89', '#26828e', '#31688e', '#3e4989', '#482878', '#440154'];
// PuOr (ColorBrewer, colour-blind safe): purple … neutral … orange.
const PUOR = ['#542788', '#998ec3', '#d8daeb', '#f7f7f7', '#fee0b6', '#f1a340', '#b35806'];

export const NO_DATA_COLOR = '#c8c8c8';

function hexToRgb(hex) {
  const n = Number.parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

function rgbToHex(rgb) {
  return `#${rgb.map((c) => Math.round(c).toString(16).padStart(2, '0')).join('')}`;
}

/** `n` colours spread evenly over a ramp, interpolating between its stops. */
export function sample(ramp, n) {
  if (n === 1) return [ramp[Math.floor(ramp.length / 2)]];
  return Array.from({ length: n }, (_, i) => {
    const t = (i / (n - 1)) * (ramp.length - 1);
    const lo = Math.floor(t);
    const hi = Math.min(lo + 1, ramp.length - 1);
    const f = t - lo;
    const a = hexToRgb(ramp[lo]);
    const b = hexToRgb(ramp[hi]);
    return rgbToHex(a.map((c, k) => c + (b[k] - c) * f));
  });
}

/**
 * Colours for classes of the index: the class holding 100 neutral, classes below and above in
 * the two hues, stronger with distance (in classes) from 100. Orange marks the side of more need
 * when the catalogue says which side that is.
 */
export function divergingColors(classes, polarity) {
  // The class an index of 100 falls in; none when every class lies above (or below) 100.
  const first = classes[0];
  const last = classes[classes.length - 1];
  let hundred = classOf(classes, 100);
  if (100 < first.low) hundred = -1;
  if (100 > last.high) hundred = classes.length;
  const side = classes.map((_, i) => Math.sign(i - hundred));
  const below = side.filter((s) => s < 0).length;
  const above = side.filter((s) => s > 0).length;
  const span = Math.max(below, above, 1);
  const flip = polarity === 'lower_is_need';
  return classes.map((_, i) => {
    if (side[i] === 0) return PUOR[3];
    const distance = side[i] < 0 ? below - i : i - (classes.length - above) + 1;
    const step = Math.max(1, Math.ceil((distance * 3) / span));
    const towardsOrange = (side[i] > 0) !== flip;
    return PUOR[towardsOrange ? 3 + step : 3 - step];
  });
}

/** How the legend and the tooltip show a number of `mode`, as a number (see format.js). */
export function shownNumber(mode, unit) {
  return mode === 'index' ? roundIndex : (x) => roundShown(x, unit);
}

/**
 * The smallest number that `shown` shows above `high` (itself a shown number): the first number
 * of the next class. Found by bisection over the doubles, so that comparing a raw number with
 * it (as MapLibre does) is exactly comparing the number as shown with `high`.
 */
function firstAbove(high, shown) {
  let lo = high;
  let hi = high + Math.max(1, Math.abs(high));
  while (!(shown(hi) > high)) hi += Math.max(1, Math.abs(hi));
  for (let k = 0; k < 200; k += 1) {
    const mid = lo + (hi - lo) / 2;
    if (mid === lo || mid === hi) break;
    if (shown(mid) > high) hi = mid;
    else lo = mid;
  }
  return hi;
}

/**
 * Classes from the API's breaks (upper bounds, the last one the maximum) and the numbers they
 * classify (the regions' values, or their indexes for `mode` index, as the API gave them):
 * `[{low, high, until, color, count}]`.
 *
 * The classes work on the numbers as the legend and the tooltip print them (`unit`'s decimals,
 * the index whole): the breaks are rounded so, a number belongs to the first class whose `high`
 * is at least the number as printed, so two regions that print the same always share a class.
 * Breaks that print the same become one class, and a class that rounding left empty (its
 * regions all print as the class below's bound) is merged into its neighbour; a class empty by
 * the breaks themselves (equal intervals) stays. `low` of the first class is the smallest number
 * as printed, `until` the smallest raw number of the next class (Infinity for the last).
 */
export function makeClasses({ breaks, numbers, mode, unit, polarity }) {
  if (!breaks.length || !numbers.length) return [];
  const shown = shownNumber(mode, unit);
  // The regions per class by the raw breaks, to tell a class emptied by rounding.
  const rawCount = breaks.map(() => 0);
  for (const x of numbers) {
    const i = breaks.findIndex((b) => x <= b);
    rawCount[i === -1 ? breaks.length - 1 : i] += 1;
  }
  let classes = [];
  breaks.forEach((b, i) => {
    const high = shown(b);
    const prev = classes[classes.length - 1];
    if (prev && high <= prev.high) prev.rawCount += rawCount[i];
    else classes.push({ high, rawCount: rawCount[i] });
  });
  const countAll = (list) => {
    list.forEach((c) => { c.count = 0; });
    for (const x of numbers) list[classOf(list, x)].count += 1;
  };
  const withBounds = (list) => list.map((c, i) => ({
    low: i === 0 ? shown(Math.min(...numbers)) : list[i - 1].high,
    high: c.high,
    until: i === list.length - 1 ? Infinity : firstAbove(c.high, shown),
    rawCount: c.rawCount,
  }));
  classes = withBounds(classes);
  countAll(classes);
  const emptied = (c) => c.count === 0 && c.rawCount > 0;
  if (classes.length > 1 && classes.some(emptied)) {
    const kept = [];
    classes.forEach((c, i) => {
      if (!emptied(c)) kept.push(c);
      // The last class has no class above: the one below takes its bound.
      else if (i === classes.length - 1 && kept.length) kept[kept.length - 1].high = c.high;
    });
    classes = withBounds(kept);
    countAll(classes);
  }
  const colors = mode === 'index' ? divergingColors(classes, polarity) : sample(VIRIDIS, classes.length);
  return classes.map(({ low, high, until, count }, i) => ({ low, high, until, count, color: colors[i] }));
}

/**
 * The class of `x`: the first whose `until` lies above it (the first class also takes anything
 * below it, the last anything above); -1 for no number.
 */
export function classOf(classes, x) {
  if (x === null || x === undefined || !Number.isFinite(x)) return -1;
  const i = classes.findIndex((c) => x < c.until);
  return i === -1 ? classes.length - 1 : i;
}

export function rangeText(c, mode, unit) {
  const f = mode === 'index' ? formatIndex : (v) => formatNumber(v, unit);
  return `${f(c.low)} – ${f(c.high)}`;
}

/** The feature property a map of `mode` classifies: the value, or its index from the tiles. */
export function featureProperty(id, mode) {
  return mode === 'index' ? `${id}_index` : id;
}

/** The fill colour of a feature: its class colour, or the no-data colour. */
export function fillExpression(id, mode, classes) {
  if (!classes.length) return NO_DATA_COLOR;
  const property = featureProperty(id, mode);
  // One class (every region the same number): its colour; MapLibre's `step` needs a stop.
  if (classes.length === 1) return ['case', ['has', property], classes[0].color, NO_DATA_COLOR];
  // `step` starts a class at its stop: the first number of that class (`until` of the one
  // before), so the map classes each raw number as `classOf` (and the legend) does.
  const steps = ['step', ['to-number', ['get', property]], classes[0].color];
  for (let i = 1; i < classes.length; i += 1) steps.push(classes[i - 1].until, classes[i].color);
  // A feature without the number (no value, or no index without a gemeente value) has no class.
  return ['case', ['has', property], steps, NO_DATA_COLOR];
}
