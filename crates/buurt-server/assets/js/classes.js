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
 * Classes from the API's breaks (upper bounds, the last one the maximum) and the smallest value:
 * `[{low, high, color, count}]`. For the index, breaks are scaled by 100 / gemeente value (every
 * method classifies the same regions the same under a positive scale).
 */
export function makeClasses({ breaks, numbers, mode, gemeenteValue, polarity }) {
  if (!breaks.length || !numbers.length) return [];
  const scale = mode === 'index' ? 100 / gemeenteValue : 1;
  const min = Math.min(...numbers) * scale;
  const highs = breaks.map((b) => b * scale);
  const classes = highs.map((high, i) => ({ low: i === 0 ? min : highs[i - 1], high, count: 0 }));
  for (const v of numbers) {
    const x = v * scale;
    const i = classes.findIndex((c) => x <= c.high * (1 + 1e-12) + 1e-12);
    classes[i === -1 ? classes.length - 1 : i].count += 1;
  }
  const colors = mode === 'index' ? divergingColors(classes, polarity) : sample(VIRIDIS, classes.length);
  classes.forEach((c, i) => { c.color = colors[i]; });
  return classes;
}

export function classOf(classes, x) {
  if (x === null || x === undefined || !Number.isFinite(x)) return -1;
  const i = classes.findIndex((c) => x <= c.high * (1 + 1e-12) + 1e-12);
  return i === -1 ? classes.length - 1 : i;
}

export function rangeText(c, mode, unit) {
  const f = mode === 'index' ? formatIndex : (v) => formatNumber(v, unit);
  return `${f(c.low)} – ${f(c.high)}`;
}

/**
 * The number a feature is classified by: the value, or its index against the gemeente
 * (`<id>_index` from the tiles, else computed from the gemeente value).
 */
export function featureNumber(id, mode, gemeenteValue) {
  if (mode !== 'index') return ['get', id];
  const computed = gemeenteValue
    ? ['*', 100, ['/', ['to-number', ['get', id]], gemeenteValue]]
    : null;
  return computed ? ['coalesce', ['get', `${id}_index`], computed] : ['get', `${id}_index`];
}

/** The fill colour of a feature: its class colour, or the no-data colour. */
export function fillExpression(id, mode, gemeenteValue, classes) {
  if (!classes.length) return NO_DATA_COLOR;
  const input = featureNumber(id, mode, gemeenteValue);
  // Breaks are inclusive upper bounds; `step` starts a class at its stop, so each stop sits just
  // above the previous class's upper bound.
  const steps = ['step', ['to-number', input], classes[0].color];
  for (let i = 1; i < classes.length; i += 1) {
    const h = classes[i - 1].high;
    steps.push(h + Math.abs(h) * 1e-12 + 1e-12, classes[i].color);
  }
  return ['case', ['has', id], steps, NO_DATA_COLOR];
}
