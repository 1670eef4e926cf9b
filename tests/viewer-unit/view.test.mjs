// view.js: what the map shows at a zoom (the gemeenten of the Netherlands, or the wijken or
// buurten of the chosen gemeente) and what that view is called and compared with.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  BUURT_ZOOM, NATIONAL_ZOOM, fitLevel, referenceOf, sameView, shownView, viewNote, viewTitle,
} from '../../crates/buurt-server/assets/js/view.js';

const UTRECHT = { wijk: true, buurt: true };
const AMERSFOORT = { wijk: true, buurt: false }; // wijken on the map, no buurten
const NOTHING = { wijk: false, buurt: false }; // a gemeente the map has no regions of
const at = (zoom, gemeente = 'GM0344', level = 'buurt', drawable = UTRECHT) => shownView({ gemeente, level, zoom, drawable });
const brief = (v) => `${v.level}|${v.within ?? 'NL'}`;

test('gemeenten of the Netherlands zoomed out, then the wijken, then the buurten of the gemeente', () => {
  assert.ok(NATIONAL_ZOOM < BUURT_ZOOM);
  assert.deepEqual(at(7), { level: 'gemeente', within: null, reason: 'zoom' });
  assert.equal(brief(at(NATIONAL_ZOOM - 0.01)), 'gemeente|NL');
  assert.equal(brief(at(NATIONAL_ZOOM)), 'wijk|GM0344');
  assert.equal(brief(at(BUURT_ZOOM - 0.01)), 'wijk|GM0344');
  assert.deepEqual(at(BUURT_ZOOM), { level: 'buurt', within: 'GM0344', reason: null });
  assert.equal(brief(at(11.3)), 'buurt|GM0344', 'the whole of Utrecht in view: its buurten');
  assert.equal(brief(at(16)), 'buurt|GM0344');
  // A map of wijken stays one at every zoom from NATIONAL_ZOOM.
  assert.equal(brief(at(14, 'GM0344', 'wijk')), 'wijk|GM0344');
});

test('no gemeente chosen: the gemeenten at every zoom', () => {
  for (const zoom of [6, 9, 12, 15]) assert.deepEqual(at(zoom, 'NL'), { level: 'gemeente', within: null, reason: 'national' });
  assert.equal(at(12, '').level, 'gemeente');
});

test('buurten only where the map has them; a gemeente without regions on the map shows the gemeenten', () => {
  assert.equal(brief(at(12, 'GM0307', 'buurt', AMERSFOORT)), 'wijk|GM0307');
  assert.deepEqual(at(12, 'GM0307', 'wijk', NOTHING), { level: 'gemeente', within: null, reason: 'no_regions' });
  assert.equal(brief(at(12, 'GM0307', 'wijk', { wijk: false, buurt: true })), 'buurt|GM0307', 'buurten, the only regions there');
  assert.equal(fitLevel('buurt', AMERSFOORT), 'wijk');
  assert.equal(fitLevel('buurt', UTRECHT), 'buurt');
  assert.equal(fitLevel('wijk', UTRECHT), 'wijk');
  assert.equal(fitLevel('buurt', NOTHING), 'buurt', 'nothing to fit to: the choice stays');
});

test('views compare by what they draw; titles, references and notes', () => {
  assert.ok(sameView(at(11), at(12)));
  assert.ok(sameView(at(7), at(12, 'NL')), 'the gemeenten, zoomed out or with no gemeente');
  assert.ok(!sameView(at(9.5), at(11)));
  assert.ok(!sameView(at(12, 'GM0344'), at(12, 'GM0307', 'buurt', AMERSFOORT)));
  assert.ok(!sameView(null, at(12)));
  assert.equal(viewTitle(at(12), 'Utrecht'), 'Buurten van Utrecht');
  assert.equal(viewTitle(at(9.5), 'Utrecht'), 'Wijken van Utrecht');
  assert.equal(viewTitle(at(7), 'Utrecht'), 'Gemeenten van Nederland');
  assert.equal(referenceOf(at(7)), 'Nederland', 'a gemeente\'s index is against Nederland');
  assert.equal(referenceOf(at(12)), 'gemeente');
  assert.equal(viewNote(at(7), 'Utrecht'), '');
  assert.match(viewNote(at(12, 'GM0307', 'wijk', NOTHING), 'Amersfoort'), /^Van Amersfoort staan nog geen wijken of buurten op de kaart/);
});
