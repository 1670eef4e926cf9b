// What the map shows at a zoom: the gemeenten of the Netherlands when zoomed out (or when no
// gemeente is chosen), the wijken of the chosen gemeente when zoomed in, and its buurten (where
// the map has them, on a map of buurten) closer still. The class breaks and the legend follow
// what is shown. No DOM here, so it runs in Node's tests too.

import { NATIONAL } from './gemeenten.js';

/** Below this zoom the map shows the gemeenten of the Netherlands (a gemeente is then ~80 px). */
export const NATIONAL_ZOOM = 9;
/** From this zoom a map of buurten shows buurten; between NATIONAL_ZOOM and here, wijken. */
export const BUURT_ZOOM = 10;

/**
 * The view to draw: `{level, within, reason}`, `level` the regions coloured (gemeente, wijk or
 * buurt), `within` the gemeente they are classified in (null: all of the Netherlands), `reason`
 * why gemeenten are shown (`national`: no gemeente chosen, `zoom`: zoomed out, `no_regions`: the
 * map has no wijken or buurten of the gemeente) or null.
 *
 * @param {{gemeente: string, level: 'buurt'|'wijk', zoom: number, drawable: {wijk: boolean, buurt: boolean}}} s
 */
export function shownView({ gemeente, level, zoom, drawable }) {
  const national = (reason) => ({ level: 'gemeente', within: null, reason });
  if (!gemeente || gemeente === NATIONAL) return national('national');
  if (zoom < NATIONAL_ZOOM) return national('zoom');
  if (!drawable.wijk && !drawable.buurt) return national('no_regions');
  const buurten = drawable.buurt && (!drawable.wijk || (level === 'buurt' && zoom >= BUURT_ZOOM));
  return { level: buurten ? 'buurt' : 'wijk', within: gemeente, reason: null };
}

/** Whether two views draw the same (the map need not be drawn again). */
export function sameView(a, b) {
  return Boolean(a && b) && a.level === b.level && a.within === b.within;
}

/** The level a gemeente's map of `level` can show: buurten only where the map has them. */
export function fitLevel(level, drawable) {
  return level === 'buurt' && !drawable.buurt && drawable.wijk ? 'wijk' : level;
}

/** What the numbers of a view are compared with: a gemeente with Nederland, others with their gemeente. */
export function referenceOf(view) {
  return view?.level === 'gemeente' ? 'Nederland' : 'gemeente';
}

/** The legend's line for what is shown: "Buurten van Utrecht", "Gemeenten van Nederland". */
export function viewTitle(view, gemeenteName) {
  if (view.level === 'gemeente') return 'Gemeenten van Nederland';
  return `${view.level === 'buurt' ? 'Buurten' : 'Wijken'} van ${gemeenteName ?? view.within}`;
}

/** Why the map shows gemeenten while a gemeente is chosen, as a status line (or ''). */
export function viewNote(view, gemeenteName) {
  if (view.reason === 'no_regions') {
    return `Van ${gemeenteName ?? 'deze gemeente'} staan nog geen wijken of buurten op de kaart: de kaart toont de gemeenten.`;
  }
  return '';
}
