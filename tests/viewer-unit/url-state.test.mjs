// url-state.js: the view in the query string, read back as it was written.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { DEFAULTS, read, toSearch, write } from '../../crates/buurt-server/assets/js/url-state.js';

test('an empty query string is the default view', () => {
  const state = read('');
  assert.deepEqual(state, DEFAULTS);
  state.region.push('BU1');
  assert.deepEqual(DEFAULTS.region, [], 'the defaults are not shared');
});

test('a shared link is read, anything not allowed falls back to the default', () => {
  const state = read('?indicator=eenzaam_65plus&year=2022&level=wijk&mode=index&method=jenks&classes=4&region=WK034403,BU03440111&gemeente=GM0363');
  assert.deepEqual(state, {
    gemeente: 'GM0363',
    indicator: 'eenzaam_65plus',
    year: '2022',
    level: 'wijk',
    mode: 'index',
    method: 'jenks',
    classes: 4,
    region: ['WK034403', 'BU03440111'],
  });
  const bad = read('?level=stad&mode=ratio&method=kmeans&classes=9&year=twee&region=,,');
  assert.deepEqual(bad, DEFAULTS);
  assert.equal(read('?classes=2').classes, 5);
  assert.equal(read('?classes=7').classes, 7);
  assert.equal(read('?year=23').year, '');
});

test('written and read back, the view is the same', () => {
  const views = [
    { ...DEFAULTS, region: [] },
    { ...DEFAULTS, indicator: 'jeugdzorg', year: '2023', level: 'wijk', mode: 'index', method: 'equal', classes: 3, region: ['WK034405'] },
    { ...DEFAULTS, gemeente: 'GM0363', region: ['BU03440111', 'BU03440112'] },
    // The hot spots mode is kept too.
    { ...DEFAULTS, indicator: 'eenzaam_65plus', year: '2020', mode: 'hotspots' },
  ];
  for (const view of views) assert.deepEqual(read(`?${toSearch(view)}`), view);
});

test('the query string is readable: commas between regions, the default gemeente left out', () => {
  const search = toSearch({ ...DEFAULTS, indicator: 'eenzaam_65plus', level: 'wijk', mode: 'index', region: ['BU03440111', 'BU03440112'] });
  assert.equal(search, 'indicator=eenzaam_65plus&level=wijk&mode=index&method=quantile&classes=5&region=BU03440111,BU03440112');
  assert.match(toSearch({ ...DEFAULTS, gemeente: 'GM0363' }), /gemeente=GM0363/);
  assert.match(toSearch({ ...DEFAULTS, year: '2021' }), /year=2021/);
});

test('the gemeente of a link: any case, the national map as NL, an unknown code kept to report', () => {
  assert.equal(read('?gemeente=GM0307').gemeente, 'GM0307');
  assert.equal(read('?gemeente=gm0307').gemeente, 'GM0307');
  assert.equal(read('?gemeente=nl').gemeente, 'NL');
  assert.equal(read('?gemeente=GM9999').gemeente, 'GM9999', 'the page says it does not know it');
  assert.equal(read('?gemeente=').gemeente, DEFAULTS.gemeente);
  assert.equal(toSearch({ ...DEFAULTS, gemeente: 'NL' }), 'indicator=aandeel_65plus&level=buurt&mode=value&method=quantile&classes=5&gemeente=NL');
  const amersfoort = { ...DEFAULTS, gemeente: 'GM0307', level: 'wijk', region: ['WK030701'] };
  assert.deepEqual(read(`?${toSearch(amersfoort)}`), amersfoort);
});

test('another gemeente is a new history entry, other changes replace the current one', () => {
  const calls = [];
  const location = { pathname: '/', search: '?indicator=aandeel_65plus&level=buurt&mode=value&method=quantile&classes=5', hash: '#11/52.09/5.11' };
  const history = {
    pushState: (_s, _t, url) => calls.push(['push', url]),
    replaceState: (_s, _t, url) => calls.push(['replace', url]),
  };
  const saved = globalThis.window;
  globalThis.window = { location, history };
  try {
    write({ ...DEFAULTS });
    assert.deepEqual(calls, [], 'the address already says it');
    write({ ...DEFAULTS, gemeente: 'GM0307' }, { push: true });
    write({ ...DEFAULTS, level: 'wijk' });
    assert.deepEqual(calls, [
      ['push', '/?indicator=aandeel_65plus&level=buurt&mode=value&method=quantile&classes=5&gemeente=GM0307#11/52.09/5.11'],
      ['replace', '/?indicator=aandeel_65plus&level=wijk&mode=value&method=quantile&classes=5#11/52.09/5.11'],
    ]);
  } finally {
    globalThis.window = saved;
  }
});
