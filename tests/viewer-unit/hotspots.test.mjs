// hotspots.js: the hot spots mode's colours, legend, counts, area and Moran's I text.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { NO_DATA_COLOR } from '../../crates/buurt-server/assets/js/classes.js';
import {
  CLUSTER_CLASSES, NO_CLUSTER, areaText, clusterClass, clusterCounts, clusterFill, clusterProperty,
  formatP, hotspotArea, hotspotLegendRows, moranText,
} from '../../crates/buurt-server/assets/js/hotspots.js';

test('every label of the service has a class of its own colour; anything else has none', () => {
  // The labels /api/v1/hotspots and the tiles' <id>_cluster use.
  const labels = ['high-high', 'low-low', 'high-low', 'low-high', 'not-significant'];
  assert.deepEqual(CLUSTER_CLASSES.map((c) => c.label), labels);
  const colors = [...CLUSTER_CLASSES, NO_CLUSTER].map((c) => c.color);
  assert.equal(new Set(colors).size, colors.length, `six distinct colours: ${colors}`);
  assert.equal(NO_CLUSTER.color, NO_DATA_COLOR);
  assert.equal(clusterClass('high-high').text, 'Hoog omringd door hoog');
  assert.equal(clusterClass('low-high').text, 'Laag omringd door hoog');
  assert.equal(clusterClass(undefined), NO_CLUSTER);
  assert.equal(clusterClass('HH'), NO_CLUSTER);
  assert.equal(clusterProperty('eenzaam_65plus'), 'eenzaam_65plus_cluster');
});

/** What a MapLibre `match` expression of clusterFill gives for a feature's properties. */
function evaluateFill(expression, properties) {
  const [op, [toString, [get, property]], ...rest] = expression;
  assert.deepEqual([op, toString, get], ['match', 'to-string', 'get']);
  const raw = properties[property];
  const input = raw === undefined || raw === null ? '' : String(raw);
  for (let i = 0; i + 1 < rest.length; i += 2) if (rest[i] === input) return rest[i + 1];
  return rest[rest.length - 1];
}

test('the fill colours a feature by its cluster property, without one as no data', () => {
  const fill = clusterFill('x');
  for (const c of CLUSTER_CLASSES) assert.equal(evaluateFill(fill, { x_cluster: c.label }), c.color, c.label);
  assert.equal(evaluateFill(fill, {}), NO_DATA_COLOR);
  assert.equal(evaluateFill(fill, { x: 3 }), NO_DATA_COLOR);
  // Another indicator's cluster does not colour this map.
  assert.equal(evaluateFill(fill, { y_cluster: 'high-high' }), NO_DATA_COLOR);
});

test('the area: buurten within their gemeente, wijken and gemeenten over the Netherlands', () => {
  assert.deepEqual(hotspotArea({ level: 'buurt', within: 'GM0344' }), { level: 'buurt', within: 'GM0344' });
  assert.deepEqual(hotspotArea({ level: 'wijk', within: 'GM0344' }), { level: 'wijk', within: 'NL00' });
  assert.deepEqual(hotspotArea({ level: 'gemeente', within: null }), { level: 'gemeente', within: 'NL00' });
  assert.equal(areaText({ level: 'buurt', within: 'GM0344' }, 'Utrecht'), 'over de buurten van Utrecht');
  assert.equal(areaText({ level: 'wijk', within: 'GM0344' }, 'Utrecht'), 'over alle wijken van Nederland');
  assert.equal(areaText({ level: 'gemeente', within: null }), 'over alle gemeenten van Nederland');
});

const ANSWER = {
  regions: [
    { code: 'WK034401', cluster: 'high-high' },
    { code: 'WK034402', cluster: 'high-high' },
    { code: 'WK034403', cluster: 'not-significant' },
    { code: 'WK030701', cluster: 'low-low' },
    // An island: the service calls it not significant, the tiles give it no label.
    { code: 'WK034404', cluster: 'not-significant' },
  ],
  islands: ['WK034404'],
  left_out: [{ code: 'WK034405', reason: 'missing value' }, { code: 'WK030702', reason: 'missing value' }],
};

test('the counts are of the regions shown, islands and left-out regions without a cluster', () => {
  const utrecht = clusterCounts(ANSWER, { level: 'wijk', within: 'GM0344' });
  assert.deepEqual(utrecht, {
    'high-high': 2, 'low-low': 0, 'high-low': 0, 'low-high': 0, 'not-significant': 1, none: 2,
  });
  const all = clusterCounts(ANSWER, { level: 'gemeente', within: null });
  assert.equal(all['low-low'], 1);
  assert.equal(all.none, 3);
  const rows = hotspotLegendRows(utrecht);
  assert.deepEqual(rows.map((r) => [r.label, r.count]), [
    ['high-high', 2], ['low-low', 0], ['high-low', 0], ['low-high', 0], ['not-significant', 1], ['none', 2],
  ]);
  assert.ok(rows.every((r) => r.text && r.meaning && r.color));
  // Without an answer (the analysis failed) every class counts none.
  assert.ok(hotspotLegendRows(null).every((r) => r.count === 0));
});

test('Moran\'s I in Dutch, with what it says at α = 0.05', () => {
  const clustered = moranText({ permutations: 999, global: { moran_i: 0.3695034, p_value: 0.001 } });
  assert.equal(clustered.line, 'Moran\'s I = 0,370 (p = 0,001, 999 permutaties)');
  assert.match(clustered.meaning, /bij elkaar/);
  const tiny = moranText({ permutations: 9999, global: { moran_i: 0.5, p_value: 0.0001 } });
  assert.equal(tiny.line, 'Moran\'s I = 0,500 (p < 0,001, 9999 permutaties)');
  const dispersed = moranText({ permutations: 999, global: { moran_i: -0.21, p_value: 0.02 } });
  assert.match(dispersed.meaning, /wisselen elkaar af/);
  const none = moranText({ permutations: 999, global: { moran_i: 0.05, p_value: 0.2 } });
  assert.match(none.meaning, /Geen ruimtelijk patroon/);
  assert.equal(formatP(null), '–');
  assert.equal(formatP(0.05), '0,050');
});
