// Classes and colours: colour-blind-safe ramps (viridis for values, PuOr diverging around 100
// for the index against the gemeente), the legend rows and the MapLibre fill expression.

import { formatIndex, formatNumber } from './format.js';

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
  const side = classes.map((c) => (c.low <= 100 && 100 <= c.high ? 0 : c.high < 100 ? -1 : 1));
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

/**
 * Classes from the API's breaks (upper bounds, the last one the maximum) and the numbers they
 * classify (the regions' values, or their indexes for `mode` index, as the API gave them):
 * `[{low, high, color, count}]`, `low` of the first class the smallest number.
 */
export function makeClasses({ breaks, numbers, mode, polarity }) {
  if (!breaks.length || !numbers.length) return [];
  const min = Math.min(...numbers);
  const classes = breaks.map((high, i) => ({ low: i === 0 ? min : breaks[i - 1], high, count: 0 }));
  for (const x of numbers) classes[classOf(classes, x)].count += 1;
  const colors = mode === 'index' ? divergingColors(classes, polarity) : sample(VIRIDIS, classes.length);
  classes.forEach((c, i) => { c.color = colors[i]; });
  return classes;
}

// A break with room for rounding: the API's breaks are numbers of the data, which must fall in
// the class they close.
const upTo = (high) => high + Math.abs(high) * 1e-12 + 1e-12;

/** The class of `x` (breaks are inclusive upper bounds; above the last, the last); -1 for no number. */
export function classOf(classes, x) {
  if (x === null || x === undefined || !Number.isFinite(x)) return -1;
  const i = classes.findIndex((c) => x <= upTo(c.high));
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
  // Breaks are inclusive upper bounds; `step` starts a class at its stop, so each stop sits just
  // above the previous class's upper bound (as `classOf` has it).
  const steps = ['step', ['to-number', ['get', property]], classes[0].color];
  for (let i = 1; i < classes.length; i += 1) steps.push(upTo(classes[i - 1].high), classes[i].color);
  // A feature without the number (no value, or no index without a gemeente value) has no class.
  return ['case', ['has', property], steps, NO_DATA_COLOR];
}
