// search.js: a buurt or wijk found by code or (part of) its name, best match first.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  bestRegion, codeIn, findRegions, normalize, searchOptions,
} from '../../crates/buurt-server/assets/js/search.js';

const wijk = (code, name) => ({ code, name, level: 'wijk' });
const buurt = (code, name, w) => ({ code, name, level: 'buurt', wijk: w });

// A hand-made part of Utrecht, in the service's order (wijken, then buurten by code).
const REGIONS = [
  wijk('WK034401', 'Wijk 01 West'),
  wijk('WK034402', 'Wijk 02 Noordwest'),
  wijk('WK034404', 'Wijk 04 Noordoost'),
  wijk('WK034405', 'Wijk 05 Oost'),
  wijk('WK034410', 'Wijk 10 Vleuten-De Meern'),
  buurt('BU03440112', 'Oog in Al', 'WK034401'),
  buurt('BU03440121', 'Lombok-Oost', 'WK034401'),
  buurt('BU03440123', 'Lombok-West', 'WK034401'),
  buurt('BU03440211', 'Egelantierstraat, Mariëndaalstraat e.o.', 'WK034402'),
  buurt('BU03440231', 'Zuilen-Noord', 'WK034402'),
  buurt('BU03440441', 'Wittevrouwen', 'WK034404'),
  buurt('BU03440442', 'Buiten Wittevrouwen', 'WK034404'),
  buurt('BU03441042', 'Haarzuilens en omgeving', 'WK034410'),
  buurt('BU03441051', 'Vleuten', 'WK034410'),
];

const codes = (list) => list.map((r) => r.code);

test('normalize: case, accents and punctuation do not matter', () => {
  assert.equal(normalize('Mariëndaalstraat'), 'mariendaalstraat');
  assert.equal(normalize('  Lombok-Oost '), 'lombok oost');
  assert.equal(normalize('Egelantierstraat, Mariëndaalstraat e.o.'), 'egelantierstraat mariendaalstraat e o');
  assert.equal(normalize(null), '');
});

test('a partial name finds the region, whatever its case or accents', () => {
  for (const text of ['Lombok', 'lombok', 'LOMBOK ', 'lomb']) {
    assert.deepEqual(codes(findRegions(REGIONS, text)), ['BU03440121', 'BU03440123'], text);
    assert.equal(bestRegion(REGIONS, text).name, 'Lombok-Oost', text);
  }
  assert.equal(bestRegion(REGIONS, 'lombok west').code, 'BU03440123');
  assert.equal(bestRegion(REGIONS, 'Lombok-West').code, 'BU03440123');
  assert.equal(bestRegion(REGIONS, 'mariendaal').code, 'BU03440211');
  assert.equal(bestRegion(REGIONS, 'MARIËNDAALSTRAAT').code, 'BU03440211');
  assert.equal(bestRegion(REGIONS, 'oog al').code, 'BU03440112', 'every word of the text');
  assert.equal(bestRegion(REGIONS, 'xyz'), null);
  assert.equal(bestRegion(REGIONS, '  '), null);
});

test('an exact name or code first, then a prefix, then a word, then a part of a name', () => {
  // "Zuilen-Noord" starts with it, "Haarzuilens" only holds it.
  assert.deepEqual(codes(findRegions(REGIONS, 'Zuilen')), ['BU03440231', 'BU03441042']);
  // "Wittevrouwen" is the name; "Buiten Wittevrouwen" has it as a word.
  assert.deepEqual(codes(findRegions(REGIONS, 'wittevrouw')), ['BU03440441', 'BU03440442']);
  assert.deepEqual(codes(findRegions(REGIONS, 'Buiten Wittevrouwen')), ['BU03440442']);
  // The buurt named Vleuten before the wijk Vleuten-De Meern, which only starts with it.
  assert.deepEqual(codes(findRegions(REGIONS, 'vleuten')), ['BU03441051', 'WK034410']);
  // A wijk is also found by its name without the number, and by its number.
  assert.equal(bestRegion(REGIONS, 'Oost').code, 'WK034405', 'the wijk Oost, not Lombok-Oost');
  assert.equal(bestRegion(REGIONS, 'wijk 05').code, 'WK034405');
  assert.equal(bestRegion(REGIONS, 'Wijk 05 Oost').code, 'WK034405');
  // Codes, in any case, and the search list's "Name (CODE)".
  assert.equal(bestRegion(REGIONS, 'bu03440123').code, 'BU03440123');
  assert.equal(bestRegion(REGIONS, 'WK034402').code, 'WK034402');
  assert.equal(bestRegion(REGIONS, 'Oog in Al (BU03440112)').code, 'BU03440112');
  assert.deepEqual(codes(findRegions(REGIONS, 'BU034401')), ['BU03440112', 'BU03440121', 'BU03440123'], 'a code prefix');
  assert.equal(codeIn('Lombok-Oost (BU03440121)'), 'BU03440121');
  assert.equal(codeIn('Lombok-Oost'), null);
});

test('within one kind of match wijken come before buurten, then the shorter name', () => {
  // "Noord…" starts two wijk names (without their number, both as long: by number) and a
  // word of one buurt name.
  assert.deepEqual(codes(findRegions(REGIONS, 'noord')), ['WK034402', 'WK034404', 'BU03440231']);
  // A prefix of a wijk and of a buurt: the wijk first.
  assert.deepEqual(codes(findRegions([buurt('BU1', 'Westpark', 'WK1'), wijk('WK1', 'Wijk 01 Westen')], 'west')), ['WK1', 'BU1']);
  assert.equal(findRegions(REGIONS, 'o', 3).length, 3, 'at most the limit');
});

test('the search list: every region when nothing is typed, else the best matches, with what each is', () => {
  const all = searchOptions(REGIONS, '');
  assert.equal(all.length, REGIONS.length);
  assert.deepEqual(all[0], { value: 'Wijk 01 West (WK034401)', label: 'wijk' });
  const lombok = searchOptions(REGIONS, 'lombok');
  assert.deepEqual(lombok, [
    { value: 'Lombok-Oost (BU03440121)', label: 'buurt in West' },
    { value: 'Lombok-West (BU03440123)', label: 'buurt in West' },
  ]);
  assert.equal(searchOptions(REGIONS, 'o', 4).length, 4);
  assert.deepEqual(searchOptions(REGIONS, 'qqq'), []);
});

test('a region is also found by its aliases', () => {
  const regions = [{ code: 'GM0518', name: "'s-Gravenhage", level: 'gemeente', aliases: ['Den Haag'] }, ...REGIONS];
  assert.equal(bestRegion(regions, 'den haag').code, 'GM0518');
  assert.equal(bestRegion(regions, 'Den Haag').code, 'GM0518');
  assert.equal(bestRegion(regions, 'gravenhage').code, 'GM0518', 'a word of the name');
  assert.equal(bestRegion(regions, 'haag').code, 'GM0518', 'a word of an alias');
});
