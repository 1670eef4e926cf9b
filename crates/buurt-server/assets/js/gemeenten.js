// The gemeenten the viewer can open: which are on the map, how the picker finds and lists them,
// where the map goes for one, and what a gemeente code from a URL turns out to be. No DOM here,
// so it runs in Node's tests too.

import { findRegions, normalize } from './search.js';

/** The viewer's gemeente when none is chosen: the national map (`?gemeente=NL`). */
export const NATIONAL = 'NL';

/** What the picker calls the national map. */
export const NATIONAL_NAME = 'Heel Nederland';

/** The Netherlands, [west, south, east, north] (WGS84): where the national map opens. */
export const NL_BBOX = [3.31, 50.75, 7.23, 53.56];

/** What people call a gemeente whose official name they would not type. */
const ALIASES = {
  GM0518: ['Den Haag'],
  GM0796: ['Den Bosch'],
  GM0737: ['Tietjerksteradeel'],
  GM1891: ['Dantumadeel'],
  GM1900: ['Zuidwest-Friesland'],
  GM1970: ['Noordoost-Friesland'],
};

const collator = new Intl.Collator('nl', { sensitivity: 'base', numeric: true });

/**
 * Whether the map draws region `g` (a gemeente, wijk or buurt): the service's `on_map`, or, from a
 * service that does not say, whether it has a place on the map at all (a region of an old
 * indeling has none).
 */
export function onMap(g) {
  return typeof g.on_map === 'boolean' ? g.on_map : Array.isArray(g.interior_point_wgs84);
}

/** The gemeenten the picker offers (those on the map), by name, each with its `aliases`. */
export function pickerGemeenten(all) {
  return all
    .filter((g) => g.level === undefined || g.level === 'gemeente')
    .filter(onMap)
    .map((g) => (ALIASES[g.code] ? { ...g, aliases: ALIASES[g.code] } : g))
    .sort((a, b) => collator.compare(a.name, b.name) || collator.compare(a.code, b.code));
}

/** The picker's entry for the national map. */
export const NATIONAL_OPTION = Object.freeze({ code: NATIONAL, name: NATIONAL_NAME, level: 'land' });

/**
 * The picker's options for `text`: the national map and every gemeente (by name) when nothing is
 * typed, else the best matches of the name (partial, without regard to case or accents, an alias
 * or the code), at most `limit`; the national map too when the text names it.
 */
export function gemeenteOptions(gemeenten, text, limit = 12) {
  const query = normalize(text);
  if (!query) return [NATIONAL_OPTION, ...gemeenten];
  const found = findRegions(gemeenten, text, limit);
  const national = ['heel nederland', 'nederland', 'nl'].some((n) => n.startsWith(query) || query === n);
  return national ? [...found, NATIONAL_OPTION].slice(0, Math.max(limit, 1)) : found;
}

/** The gemeente code of a gemeente, wijk or buurt code (GM0307, WK030712, BU03071234), or null. */
export function gemeenteOf(code) {
  const m = /^(GM|WK|BU)(\d{4})/.exec(String(code ?? ''));
  return m ? `GM${m[2]}` : null;
}

/** A gemeente code as a URL may write it ("gm0307 " is GM0307); anything else as it was. */
export function normalizeCode(text) {
  const t = String(text ?? '').trim();
  return /^(gm\d{4}|nl)$/i.test(t) ? t.toUpperCase() : t;
}

/** The region's box `[west, south, east, north]` when the service gives a usable one, else null. */
export function bboxOf(region) {
  const b = region?.bbox_wgs84;
  if (!Array.isArray(b) || b.length !== 4 || !b.every(Number.isFinite)) return null;
  const [w, s, e, n] = b;
  return w <= e && s <= n ? b : null;
}

/**
 * What gemeente `code` (from a URL, say) is among `all` (the service's gemeenten):
 * `{kind: 'national'}`, `{kind: 'ok', gemeente}`, `{kind: 'not_on_map', gemeente}` (known, but an
 * old gemeente the map does not draw) or `{kind: 'unknown'}`.
 */
export function resolveGemeente(code, all) {
  if (code === NATIONAL) return { kind: 'national' };
  const gemeente = all.find((g) => g.code === code);
  if (!gemeente) return { kind: 'unknown' };
  return { kind: onMap(gemeente) ? 'ok' : 'not_on_map', gemeente };
}

/** The message for a gemeente of a link that the map cannot open (see `resolveGemeente`). */
export function fallbackMessage(code, resolution) {
  const then = 'De kaart toont heel Nederland; kies een gemeente.';
  if (resolution.kind === 'not_on_map') {
    const g = resolution.gemeente;
    return `${g.name} (${g.code}) staat niet op de kaart: een gemeente van indeling ${g.indeling}, sindsdien opgegaan in een andere. ${then}`;
  }
  return `Gemeente "${code}" is onbekend. ${then}`;
}
