// The "hot spots" mode: regions coloured by their LISA cluster (local Moran's I, computed by the
// service: the tiles' `<id>_cluster` and /api/v1/hotspots), with its own legend in Dutch and the
// global Moran's I. No DOM here, so it runs in Node's tests.

import { NO_DATA_COLOR } from './classes.js';
import { NATIONAL } from './gemeenten.js';

/** The mode's value in the URL and the Weergave control. */
export const HOTSPOTS = 'hotspots';

/**
 * The classes in legend order: the service's label, its colour (the usual LISA map colours: red
 * and blue for clusters, their light tints for outliers; colour-blind safe as a red–blue pair),
 * the legend's text and what it means.
 */
export const CLUSTER_CLASSES = [
  {
    label: 'high-high', color: '#d7191c', text: 'Hoog omringd door hoog',
    meaning: 'hot spot: een hoge waarde tussen buren met ook hoge waarden',
  },
  {
    label: 'low-low', color: '#2c7bb6', text: 'Laag omringd door laag',
    meaning: 'cold spot: een lage waarde tussen buren met ook lage waarden',
  },
  {
    label: 'high-low', color: '#fdae61', text: 'Hoog omringd door laag',
    meaning: 'uitschieter: een hoge waarde tussen buren met lage waarden',
  },
  {
    label: 'low-high', color: '#abd9e9', text: 'Laag omringd door hoog',
    meaning: 'uitschieter: een lage waarde tussen buren met hoge waarden',
  },
  {
    label: 'not-significant', color: '#ffffff', text: 'Niet significant',
    meaning: 'geen patroon dat toeval uitsluit (p ≥ 0,05)',
  },
];

/** The class of regions without a label: no published value, or no neighbour to compare with. */
export const NO_CLUSTER = {
  label: 'none', color: NO_DATA_COLOR, text: 'Geen waarde of geen buren',
  meaning: 'onderdrukt, niet gepubliceerd, of zonder aangrenzende regio (niet getoetst)',
};

/** The tile property with a region's cluster label. */
export const clusterProperty = (id) => `${id}_cluster`;

/** The class of a label (the tiles' `<id>_cluster`; absent: no cluster). */
export function clusterClass(label) {
  return CLUSTER_CLASSES.find((c) => c.label === label) ?? NO_CLUSTER;
}

/** The fill colour of a feature: its cluster's colour, or the no-data colour without one. */
export function clusterFill(id) {
  const expression = ['match', ['to-string', ['get', clusterProperty(id)]]];
  for (const c of CLUSTER_CLASSES) expression.push(c.label, c.color);
  expression.push(NO_CLUSTER.color);
  return expression;
}

/**
 * What the clusters of a view are computed over, as the tiles do it (and so the query of
 * /api/v1/hotspots for its global Moran's I): buurten within their gemeente, wijken and
 * gemeenten over all of the Netherlands (`NL00`).
 */
export function hotspotArea(view) {
  if (view.level === 'buurt') return { level: 'buurt', within: view.within };
  return { level: view.level, within: 'NL00' };
}

/** The legend's line on that area: "over de buurten van Utrecht", "over alle wijken van Nederland". */
export function areaText(view, gemeenteName) {
  if (view.level === 'buurt') return `over de buurten van ${gemeenteName ?? view.within}`;
  return `over alle ${view.level === 'wijk' ? 'wijken' : 'gemeenten'} van Nederland`;
}

/** Whether a region's code lies in the view's area of regions shown (the gemeente, or anywhere). */
function shownIn(view, code) {
  if (view.level === 'gemeente' || !view.within || view.within === NATIONAL) return true;
  return code.slice(2, 6) === view.within.slice(2, 6);
}

/**
 * How many regions of those shown fall in each class, from an answer of /api/v1/hotspots:
 * `{label: count}` with `none` for the regions left out (no value) and the islands.
 */
export function clusterCounts(answer, view) {
  const counts = Object.fromEntries([...CLUSTER_CLASSES, NO_CLUSTER].map((c) => [c.label, 0]));
  const islands = new Set(answer.islands ?? []);
  for (const r of answer.regions ?? []) {
    if (!shownIn(view, r.code)) continue;
    const label = islands.has(r.code) ? NO_CLUSTER.label : clusterClass(r.cluster).label;
    counts[label] += 1;
  }
  for (const l of answer.left_out ?? []) {
    if (shownIn(view, l.code)) counts[NO_CLUSTER.label] += 1;
  }
  return counts;
}

/** The legend's rows: `{label, color, text, meaning, count}` per class, no cluster last. */
export function hotspotLegendRows(counts) {
  return [...CLUSTER_CLASSES, NO_CLUSTER].map((c) => ({ ...c, count: counts?.[c.label] ?? 0 }));
}

const decimal = (v, digits) => new Intl.NumberFormat('nl-NL', {
  minimumFractionDigits: digits, maximumFractionDigits: digits,
}).format(v);

/** A p-value as printed: three decimals, and "< 0,001" below that. */
export function formatP(p) {
  if (p === null || p === undefined || !Number.isFinite(p)) return '–';
  return p < 0.001 ? '< 0,001' : decimal(p, 3);
}

/**
 * The global Moran's I line and what it says: "Moran's I = 0,370 (p = 0,001, 999 permutaties)"
 * and whether like values lie together (I > 0), unlike ones side by side (I < 0), or neither
 * beyond chance, at α = 0.05.
 */
export function moranText(answer) {
  const { moran_i: i, p_value: p } = answer.global;
  const line = `Moran's I = ${decimal(i, 3)} (p ${p < 0.001 ? '' : '= '}${formatP(p)}, ${answer.permutations} permutaties)`;
  let meaning;
  if (p === null || p === undefined || p >= 0.05) meaning = 'Geen ruimtelijk patroon dat toeval uitsluit.';
  else if (i > 0) meaning = 'Vergelijkbare waarden liggen bij elkaar (ruimtelijke clustering).';
  else meaning = 'Hoge en lage waarden wisselen elkaar af (ruimtelijke spreiding).';
  return { line, meaning };
}
