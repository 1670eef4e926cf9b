// profile.js: the panel's title by level, its sections by the wijkpact's themes (with the
// service's summaries when it gives them), counts without a standing.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  fileBase, peerHref, peersSection, profileHtml, profileTitle, themeSections,
} from '../../crates/buurt-server/assets/js/profile.js';

const ind = (id, theme, extra = {}) => ({
  id,
  label: id,
  theme,
  unit: 'percent',
  kind: 'share',
  polarity: 'higher_is_need',
  age_group: 'totaal',
  headline: false,
  year: 2024,
  value: 12.5,
  missing_reason: null,
  benchmarks: { wijk: 11, gemeente: 10, nl: 9 },
  index_gemeente: 125,
  band: 'above',
  series: [],
  ...extra,
});

// In the service's order, which is not the display order.
const PROFILE = {
  code: 'WK034405',
  name: 'Wijk 05 Oost',
  level: 'wijk',
  parents: { wijk: null, gemeente: { code: 'GM0344', name: 'Utrecht' } },
  indicators: [
    ind('inwoners', 'demografie', { unit: 'count', kind: 'count', polarity: 'neutral', headline: true, value: 33510, benchmarks: { wijk: null, gemeente: 374238, nl: null }, index_gemeente: null, band: null }),
    ind('uitkeringen', 'sociaal_economisch'),
    ind('roken', 'leefstijl'),
    ind('jeugdzorg', 'jeugdzorg', { headline: true }),
    ind('mantelzorger', 'mantelzorg'),
    ind('eenzaam', 'zorgbehoefte', { headline: true }),
    ind('aandeel_65plus', 'demografie', { headline: true }),
  ],
  aandachtspunten: [],
  scores: null,
};

const downloads = { jsonUrl: '/x.json', csvUrl: '/x.csv' };
const order = (html) => [...html.matchAll(/data-theme="([a-z_]+)"/g)].map((m) => m[1]);

test('the title and the file names follow the level', () => {
  assert.equal(profileTitle({ level: 'buurt' }), 'Buurtprofiel');
  assert.equal(profileTitle({ level: 'wijk' }), 'Wijkprofiel');
  assert.equal(profileTitle({ level: 'gemeente' }), 'Gemeenteprofiel');
  // An area of buurten (the service calls its level wijk) is an area.
  assert.equal(profileTitle({ level: 'wijk' }, true), 'Gebiedsprofiel');
  assert.equal(fileBase(PROFILE), 'wijkprofiel-WK034405');
  assert.equal(fileBase({ level: 'buurt', code: 'BU03440111' }), 'buurtprofiel-BU03440111');
  assert.equal(fileBase({ level: 'gemeente', code: 'GM0344' }), 'gemeenteprofiel-GM0344');
  const html = profileHtml(PROFILE, { downloads });
  assert.match(html, /<p class="kicker">Wijkprofiel<\/p>/);
  assert.match(html, /download="wijkprofiel-WK034405\.csv"/);
  assert.match(html, /download="wijkprofiel-WK034405\.json"/);
  const area = profileHtml({ ...PROFILE, buurten: ['BU1', 'BU2'] }, { downloads: { jsonUrl: 'blob:x', base: 'buurt-gebied' }, isArea: true });
  assert.match(area, /Gebiedsprofiel · gebied van 2 buurten/);
  assert.match(area, /download="buurt-gebied\.json"/);
});

test('the themes in the wijkpact\'s order, leefstijl last and closed', () => {
  const sections = themeSections(PROFILE);
  assert.deepEqual(sections.map((s) => s.theme), ['demografie', 'zorgbehoefte', 'jeugdzorg', 'mantelzorg', 'sociaal_economisch', 'leefstijl']);
  assert.deepEqual(sections.map((s) => s.label), ['Demografie', 'Zorgbehoefte', 'Jeugd en jeugdzorg', 'Mantelzorg en Wmo', 'Wonen, werk en inkomen', 'Leefstijl']);
  assert.deepEqual(sections[0].indicators.map((i) => i.id), ['inwoners', 'aandeel_65plus']);
  assert.deepEqual(sections.map((s) => s.collapsed), [false, false, false, false, false, true]);
  const html = profileHtml(PROFILE, { downloads });
  // Each theme once on screen, in that order; leefstijl is a closed <details>, the others not.
  assert.deepEqual(order(html).filter((t, i, all) => all.indexOf(t) === i), sections.map((s) => s.theme));
  assert.match(html, /<details class="theme no-print" data-theme="leefstijl"><summary><h3>Leefstijl \(1\)<\/h3>/);
  assert.match(html, /<section class="theme no-print" data-theme="demografie"><h3>Demografie<\/h3>/);
  assert.doesNotMatch(html, /<details[^>]*data-theme="leefstijl"[^>]* open/);
  // The headline cards sit in their theme.
  const demografie = html.slice(html.indexOf('data-theme="demografie"><h3>'), html.indexOf('data-theme="zorgbehoefte"><h3>'));
  assert.match(demografie, /class="card" data-indicator="aandeel_65plus"/);
  assert.doesNotMatch(demografie, /data-indicator="eenzaam"/);
  assert.doesNotMatch(html, /theme-summary/, 'no summaries without sections');
});

test('the service\'s sections give the order, the labels and a summary under each heading', () => {
  const sections = [
    { theme: 'demografie', label: 'Demografie', summary: 'Meer ouderen dan in Utrecht.', score: 0.67 },
    { theme: 'zorgbehoefte', label: 'Zorgbehoefte', summary: 'Een zorgbehoefte vergelijkbaar met Utrecht.', score: -0.1 },
    { theme: 'jeugdzorg', label: 'Jeugd en jeugdzorg', summary: 'Geen aandachtspunt in dit thema.', score: null },
    { theme: 'mantelzorg', label: 'Mantelzorg en Wmo', summary: 'Minder mantelzorgers <65>.', score: null },
    { theme: 'sociaal_economisch', label: 'Wonen, werk en inkomen', summary: 'Inkomen rond het gemiddelde.', score: null },
    { theme: 'leefstijl', label: 'Leefstijl', summary: 'Leefstijl staat apart.', score: 0.2 },
  ];
  const profile = { ...PROFILE, sections };
  const found = themeSections(profile);
  assert.deepEqual(found.map((s) => [s.theme, s.summary, s.score]), sections.map((s) => [s.theme, s.summary, s.score]));
  const html = profileHtml(profile, { downloads });
  assert.match(html, /<h3>Demografie<\/h3><p class="theme-summary">Meer ouderen dan in Utrecht\.<\/p>/);
  assert.match(html, /<h3>Leefstijl \(1\)<\/h3><\/summary><p class="theme-summary">Leefstijl staat apart\.<\/p>/);
  assert.match(html, /Minder mantelzorgers &lt;65&gt;\./, 'escaped');
  // The printed table of headline indicators names each theme with its summary.
  assert.match(html, /<tr class="theme-row"><th colspan="8">Demografie <span class="theme-summary">Meer ouderen dan in Utrecht\.<\/span>/);
  // Also a theme without headline indicators, for its summary.
  assert.match(html, /<tr class="theme-row"><th colspan="8">Wonen, werk en inkomen <span class="theme-summary">Inkomen rond het gemiddelde\.<\/span>/);
  // Without sections, the printed table names only the themes with headline indicators.
  const plain = profileHtml(PROFILE, { downloads });
  assert.deepEqual([...plain.matchAll(/<tr class="theme-row"><th colspan="8">([^<]+)<\/th>/g)].map((m) => m[1]), ['Demografie', 'Zorgbehoefte', 'Jeugd en jeugdzorg']);

  // Another order from the service is followed; a theme it leaves out comes after, in the
  // viewer's order; a section without indicators shows for its summary.
  const other = themeSections({
    ...PROFILE,
    sections: [
      { theme: 'zorgbehoefte', label: 'Zorg', summary: 'Eerst zorg.' },
      { theme: 'wonen', label: 'Wonen', summary: 'Nog geen indicatoren.' },
      { theme: 'demografie', label: 'Demografie', summary: null },
    ],
  });
  assert.deepEqual(other.map((s) => s.theme), ['zorgbehoefte', 'wonen', 'demografie', 'jeugdzorg', 'mantelzorg', 'sociaal_economisch', 'leefstijl']);
  assert.equal(other[0].label, 'Zorg');
  assert.equal(other[2].summary, null);
  assert.deepEqual(themeSections({ ...PROFILE, sections: [{ theme: 'leeg', label: 'Leeg', summary: '' }] }).map((s) => s.theme)[0], 'demografie');
});

test('a count has no index, no band and no bars against the wijk, gemeente or Nederland', () => {
  const html = profileHtml(PROFILE, { downloads });
  const card = (id) => html.slice(html.indexOf(`class="card" data-indicator="${id}"`), html.indexOf('</article>', html.indexOf(`class="card" data-indicator="${id}"`)));
  assert.doesNotMatch(card('inwoners'), /class="bars"/);
  assert.doesNotMatch(card('inwoners'), /class="band/);
  assert.match(card('aandeel_65plus'), /class="bars"/);
  assert.match(card('aandeel_65plus'), /class="band band-above"/);
  const row = (id) => [...html.matchAll(/<tr data-indicator="([a-z_0-9]+)">[\s\S]*?<\/tr>/g)].find((m) => m[1] === id)[0];
  const cells = (id) => [...row(id).matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((m) => m[1].trim());
  assert.deepEqual(cells('inwoners').slice(1), ['33.510', '374.238', '', '2024', '']);
  assert.equal(cells('aandeel_65plus')[3], '125');
  assert.match(cells('aandeel_65plus')[5], /band-above/);
});

test('vergelijkbare wijken: the note, each peer with a link, its distance, shared indicators and largest difference', () => {
  const peers = {
    code: 'WK030705',
    name: 'Schothorst',
    level: 'wijk',
    within: 'NL',
    indicators: [
      { id: 'eenzaam_18plus', label: 'Eenzaam (18+)', unit: 'percent', used: true },
      { id: 'aandeel_65plus', label: 'Aandeel 65+', unit: 'percent', used: true },
      { id: 'eenpersoonshuishoudens', label: 'Eenpersoonshuishoudens', unit: 'percent', used: false, reason: 'geen eigen waarde' },
    ],
    required_shared: 1,
    peers: [
      {
        code: 'WK034405', name: 'Oost <x>', gemeente: { code: 'GM0344', name: 'Utrecht' }, distance: 0.123, shared: 2, missing: [],
        contributions: [{ indicator: 'eenzaam_18plus', value: 44.2, subject_value: 40, z_difference: 0.5, share: 0.8 }],
      },
      {
        code: 'BU00340101', name: 'Stad', gemeente: { code: 'GM0034', name: 'Almere' }, distance: 0.5, shared: 1, missing: ['aandeel_65plus'], contributions: [],
      },
    ],
    note: 'Vergeleken op 2 van 3 indicatoren.',
  };
  const html = peersSection(peers);
  assert.match(html, /<h3>Vergelijkbare wijken<\/h3><p class="note">Vergeleken op 2 van 3 indicatoren\.<\/p>/);
  assert.match(html, /<a href="\?gemeente=GM0344&amp;level=wijk&amp;region=WK034405">Oost &lt;x&gt;<\/a>/);
  assert.match(html, /<td class="num">0,12<\/td>/);
  assert.match(html, />2 van 2<\/td><td>Eenzaam \(18\+\): 44,2 % tegen 40 %<\/td>/);
  assert.match(html, /title="zonder waarde: Aandeel 65\+">1 van 2<\/td><td>–<\/td>/);
  assert.equal(peerHref({ code: 'BU00340101', gemeente: { code: 'GM0034' } }), '?gemeente=GM0034&level=buurt&region=BU00340101');
  // In the panel after the themes; an area has none.
  const withPeers = profileHtml({ ...PROFILE, peers }, { downloads });
  assert.ok(withPeers.indexOf('class="peers no-print"') > withPeers.indexOf('data-theme="leefstijl"'));
  assert.equal(peersSection(undefined), '');
  assert.doesNotMatch(profileHtml(PROFILE, { downloads }), /class="peers/);
});

test('a trend over values carried over from an older indeling marks them and says how', () => {
  const note = 'reeks loopt door: 2018–2021 omgerekend van de indeling 2021 naar die van 2022 (bevolkingsgewogen, dekking ten minste 97 %)';
  const carried = (year, value) => ({
    year, value, missing_reason: null, comparable: true,
    harmonised: { from_indeling: 2021, method: 'population-weighted', weight: 'inwoners_0_14', coverage: 0.97, sources: [{ code: 'WK003401', share: 0.97 }] },
  });
  const jeugdzorg = ind('jeugdzorg', 'jeugdzorg', {
    headline: true,
    series: [carried(2020, 9.1), carried(2021, 9.3), { year: 2022, value: 10.1, missing_reason: null, comparable: true }],
    trend: { direction: 'stijgend', from_year: 2020, to_year: 2022, break_note: note },
  });
  const html = profileHtml({ ...PROFILE, indicators: [jeugdzorg] }, { downloads });
  // Two carried points, in the card's sparkline and in the printed table's.
  assert.equal([...html.matchAll(/<circle [^>]*class="harmonised"/g)].length, 4);
  assert.equal([...html.matchAll(/<circle /g)].length, 6);
  assert.match(html, /2021: 9,3 %? ?\(omgerekend van indeling 2021, dekking 97 %\)/);
  assert.match(html, /<p class="note harmonised-note">reeks loopt door: 2018–2021 omgerekend/);
  // The region's own values are plain dots, and without carried points there is no note.
  const own = ind('jeugdzorg', 'jeugdzorg', { headline: true, series: [{ year: 2022, value: 10.1, comparable: true }, { year: 2023, value: 10.4, comparable: true }], trend: { direction: 'stijgend', break_note: null } });
  const plain = profileHtml({ ...PROFILE, indicators: [own] }, { downloads });
  assert.doesNotMatch(plain, /harmonised/);
  // A series that starts late says why, though nothing was carried over.
  const split = ind('jeugdzorg', 'jeugdzorg', {
    headline: true,
    series: [{ year: 2022, value: 10.1, comparable: true }, { year: 2023, value: 10.4, comparable: true }],
    trend: { direction: 'stijgend', break_note: 'reeks breekt: tot en met 2021 alleen bekend voor een groter gebied van de indeling 2021 (WK003401), waarvan dit gebied 2 % is; niet omgerekend' },
  });
  const late = profileHtml({ ...PROFILE, indicators: [split] }, { downloads });
  assert.match(late, /<p class="note trend-note">reeks breekt: tot en met 2021 alleen bekend voor een groter gebied/);
  assert.doesNotMatch(late, /harmonised/);
});
