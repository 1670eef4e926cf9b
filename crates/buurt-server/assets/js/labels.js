// Which names the map shows: gemeenten around the gemeente when zoomed out (all of them, the
// chosen one too, on the map of the Netherlands), wijken at middle zoom, buurten only when zoomed
// in (and only on a map of buurten); of those, no two that overlap. No DOM here, so it runs in
// Node's tests; map.js measures and places the labels.

import { NATIONAL_ZOOM } from './view.js';

/** The zoom from which buurt names show on a map of buurten (where wijk names stop). */
export const BUURT_LABEL_ZOOM = 14;
/** The zoom from which wijk names show. */
export const WIJK_LABEL_ZOOM = 10;
/** The zoom up to which the names of the gemeenten around show. */
export const GEMEENTE_LABEL_ZOOM = 12.5;

/**
 * Whether a region of `level` is named at `zoom` on a map of `mapLevel` (buurt, wijk, or gemeente:
 * the map of the Netherlands); `current`: the chosen gemeente, which the legend names when its
 * own regions are shown.
 */
export function labelShown(level, mapLevel, zoom, current = false) {
  switch (level) {
    case 'gemeente':
      if (mapLevel === 'gemeente') return true;
      return zoom < (current ? NATIONAL_ZOOM : GEMEENTE_LABEL_ZOOM);
    case 'wijk': return mapLevel !== 'gemeente' && zoom >= WIJK_LABEL_ZOOM && (mapLevel === 'wijk' || zoom < BUURT_LABEL_ZOOM);
    case 'buurt': return mapLevel === 'buurt' && zoom >= BUURT_LABEL_ZOOM;
    default: return false;
  }
}

const LEVEL_RANK = { buurt: 2, wijk: 1, gemeente: 0 };

/**
 * Which label wins a place first: the selected regions, then the finer level (at a zoom where
 * wijk and gemeente names both show, the wijken of the gemeente), then the larger region.
 */
export function labelPriority(region, selected) {
  return [selected.has(region.code) ? 1 : 0, LEVEL_RANK[region.level] ?? -1, region.area_m2 ?? 0];
}

function comparePriority(a, b) {
  for (let i = 0; i < a.length; i += 1) {
    if (a[i] !== b[i]) return b[i] - a[i];
  }
  return 0;
}

const overlap = (a, b, gap) => a.x < b.x + b.width + gap && b.x < a.x + a.width + gap
  && a.y < b.y + b.height + gap && b.y < a.y + a.height + gap;

/**
 * The keys of the labels to show: in order of `priority` (arrays, compared element by element,
 * higher first), each label whose box (`{x, y, width, height}`, screen pixels) keeps `gap`
 * pixels from every label already shown.
 */
export function declutter(labels, gap = 2) {
  const kept = [];
  for (const label of [...labels].sort((a, b) => comparePriority(a.priority, b.priority))) {
    if (!kept.some((k) => overlap(k.box, label.box, gap))) kept.push(label);
  }
  return new Set(kept.map((l) => l.key));
}

/** `text` in lines of at most `maxWidth` (by `measure`), broken between words, as CSS wraps it. */
export function wrapLines(text, maxWidth, measure) {
  const lines = [];
  for (const word of String(text).split(/\s+/).filter(Boolean)) {
    const last = lines[lines.length - 1];
    if (last !== undefined && measure(`${last} ${word}`) <= maxWidth) lines[lines.length - 1] = `${last} ${word}`;
    else lines.push(word);
  }
  return lines;
}
