// The view in the URL's query string (indicator, year, level, mode, method, classes, region,
// gemeente), so that a link reopens it; MapLibre keeps the map position in the hash. A new
// gemeente is a new entry in the browser's history (back returns to the one before); other
// changes replace the current entry. Only `write` (and `read` without an argument) touch `window`.

import { normalizeCode } from './gemeenten.js';

export const DEFAULTS = {
  gemeente: 'GM0344',
  indicator: 'aandeel_65plus',
  year: '',
  level: 'buurt',
  mode: 'value',
  method: 'quantile',
  classes: 5,
  region: [],
};

const CHOICES = {
  level: ['buurt', 'wijk'],
  mode: ['value', 'index', 'hotspots'],
  method: ['quantile', 'jenks', 'equal'],
};

/** The state in a query string; anything missing or not allowed is the default. */
export function read(search = window.location.search) {
  const q = new URLSearchParams(search);
  const state = { ...DEFAULTS, region: [] };
  for (const key of ['gemeente', 'indicator', 'year']) {
    const v = q.get(key);
    if (v) state[key] = v.trim();
  }
  for (const [key, allowed] of Object.entries(CHOICES)) {
    const v = q.get(key);
    if (allowed.includes(v)) state[key] = v;
  }
  const classes = Number.parseInt(q.get('classes'), 10);
  if (classes >= 3 && classes <= 7) state.classes = classes;
  if (!/^\d{4}$/.test(state.year)) state.year = '';
  // "gm0307" is GM0307 and "nl" the national map; an unknown code stays, for the page to report.
  state.gemeente = normalizeCode(state.gemeente);
  state.region = (q.get('region') ?? '').split(',').map((c) => c.trim()).filter(Boolean);
  return state;
}

/** The query string of `state` (without `?`); the gemeente only when not the default. */
export function toSearch(state) {
  const q = new URLSearchParams();
  q.set('indicator', state.indicator);
  if (state.year) q.set('year', state.year);
  q.set('level', state.level);
  q.set('mode', state.mode);
  q.set('method', state.method);
  q.set('classes', String(state.classes));
  if (state.gemeente !== DEFAULTS.gemeente) q.set('gemeente', state.gemeente);
  if (state.region.length) q.set('region', state.region.join(','));
  return q.toString().replaceAll('%2C', ',');
}

/**
 * Puts `state` in the address bar (keeping the hash, MapLibre's map position): as a new history
 * entry with `push` (another gemeente), else in place of the current one. Nothing when the
 * address already says it.
 */
export function write(state, { push = false } = {}) {
  const url = `${window.location.pathname}?${toSearch(state)}${window.location.hash}`;
  if (url === `${window.location.pathname}${window.location.search}${window.location.hash}`) return;
  if (push) window.history.pushState(null, '', url);
  else window.history.replaceState(null, '', url);
}
