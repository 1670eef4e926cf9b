// The web viewer in a real headless Chromium against `buurt serve` on the real data: the map
// draws coloured buurten (read from the canvas pixels), the legend and colours follow the
// indicator and mode, a clicked buurt opens its profile with the API's values, the CSV (of a
// buurt and of an area) and PNG downloads hold what they should, the print layout fits one A4,
// a shared URL reopens the same view, the gemeente picker opens another gemeente (URL and
// history follow), zoomed out the gemeenten of the Netherlands are coloured, and an unknown
// gemeente in a link says so.
// Screenshots and downloads go to tests/e2e/output/.

import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { changedShare, launch, outputDir, readCanvas, screenPoint, waitForMap, watchErrors } from './browser.mjs';
import { startServer } from './server.mjs';

// A buurt of Utrecht and one of its neighbours in the same wijk (Wijk 01 West).
const BUURT = 'BU03440111';
const NEIGHBOUR = 'BU03440112';

let server;
let browser;
let context;
let page;
const errors = [];

const api = async (p, init) => {
  const r = await fetch(`${server.base}${p}`, init);
  assert.equal(r.status, 200, `${p}: ${r.status}`);
  return r.json();
};
const shot = (name, target = page) => target.screenshot({ path: path.join(outputDir, `${name}.png`) });
const nl = (v, digits) => new Intl.NumberFormat('nl-NL', { maximumFractionDigits: digits }).format(v);

/** The legend's rows as text, top to bottom, and its class ranges. */
async function legendLines(target = page) {
  const rows = await target.locator('#legend li').evaluateAll((lis) => lis.map((li) => ({
    text: li.textContent.trim(), klass: li.dataset.class ?? null, need: li.classList.contains('need-end'),
  })));
  const ranges = rows.filter((r) => r.klass !== null && r.klass !== 'none').map((r) => r.text.replace(/ \(\d+\)$/, ''));
  return { rows, ranges };
}

/** The map labels shown on screen (not hidden, inside the map): level, text and box. */
function visibleLabels(target) {
  return target.evaluate(() => {
    const map = document.querySelector('#map').getBoundingClientRect();
    return [...document.querySelectorAll('.map-label')]
      .filter((el) => getComputedStyle(el).visibility !== 'hidden' && getComputedStyle(el).display !== 'none')
      .map((el) => {
        const r = el.getBoundingClientRect();
        return { level: /map-label-(\w+)/.exec(el.className)[1], text: el.textContent, box: { left: r.left, right: r.right, top: r.top, bottom: r.bottom } };
      })
      .filter(({ box }) => box.right > map.left && box.left < map.right && box.bottom > map.top && box.top < map.bottom);
  });
}

/** Pairs of labels whose boxes overlap. */
function overlaps(labels) {
  const pairs = [];
  for (let i = 0; i < labels.length; i += 1) {
    for (let j = i + 1; j < labels.length; j += 1) {
      const [a, b] = [labels[i].box, labels[j].box];
      if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom) pairs.push(`${labels[i].text} / ${labels[j].text}`);
    }
  }
  return pairs;
}

/** Clicks the map at a region's interior point (as a user would: a real mouse event). */
async function clickRegion(code, { shift = false } = {}) {
  const region = await api(`/api/v1/regions/${code}`);
  const p = await screenPoint(page, region.interior_point_wgs84);
  await page.mouse.move(p.x, p.y);
  if (shift) await page.keyboard.down('Shift');
  await page.mouse.click(p.x, p.y);
  if (shift) await page.keyboard.up('Shift');
  return region;
}

before(async () => {
  server = await startServer();
  browser = await launch();
  context = await browser.newContext({ viewport: { width: 1280, height: 860 }, acceptDownloads: true, locale: 'nl-NL' });
  page = await context.newPage();
  watchErrors(page, errors);
}, { timeout: 400_000 });

after(async () => {
  await context?.close();
  await browser?.close();
  await server?.stop();
});

test('the page loads without console errors and draws coloured buurten', { timeout: 180_000 }, async () => {
  const t0 = Date.now();
  await page.goto(`${server.base}/`);
  await waitForMap(page);
  const loadMs = Date.now() - t0;
  await shot('01-start');
  assert.deepEqual(errors, [], 'no console errors while loading');
  // The default view: Utrecht's buurten, a headline indicator, newest year.
  assert.match(page.url(), /indicator=aandeel_65plus/);
  assert.equal(await page.locator('#level').inputValue(), 'buurt');
  const legend = await page.locator('#legend').innerText();
  assert.match(legend, /Aandeel inwoners 65 jaar of ouder/);
  assert.match(legend, /geen gegevens \/ onderdrukt/);
  const classes = await page.locator('#legend li[data-class]:not([data-class="none"])').count();
  assert.equal(classes, 5);
  // Pixels of every class colour on the canvas: the buurten are really drawn, and coloured.
  const canvas = await readCanvas(page);
  const drawn = Object.entries(canvas.counts).filter(([k, n]) => k !== 'none' && n > 300);
  assert.ok(drawn.length >= 5, `every class colour on the map: ${JSON.stringify(canvas.counts)}`);
  const total = Object.values(canvas.counts).reduce((a, b) => a + b, 0);
  assert.ok(total > canvas.width * canvas.height * 0.15, `a fair part of the map is choropleth: ${total}`);
  console.log(`# page ready in ${loadMs} ms; class pixels ${JSON.stringify(canvas.counts)}`);
});

test('changing the indicator changes the colours and the legend', { timeout: 120_000 }, async () => {
  // The picker offers exactly the indicators with values for Utrecht's buurten.
  const offered = await page.locator('#indicator option').evaluateAll((os) => os.map((o) => o.value));
  const available = await api('/api/v1/indicators?level=buurt&within=GM0344');
  assert.deepEqual([...offered].sort(), available.map((i) => i.id).sort());
  assert.ok(available.length < (await api('/api/v1/indicators')).length);

  const before1 = await readCanvas(page);
  const legend1 = await page.locator('#legend').innerText();
  await page.locator('#indicator').selectOption('eenpersoonshuishoudens');
  await waitForMap(page, 'eenpersoonshuishoudens||buurt|value|quantile|5');
  const legend2 = await page.locator('#legend').innerText();
  assert.notEqual(legend2, legend1);
  assert.match(legend2, /Eenpersoonshuishoudens/i);
  const values = await api('/api/v1/indicators/eenpersoonshuishoudens/values?level=buurt&within=GM0344&classes=5&method=quantile');
  const top = values.breaks[values.breaks.length - 1];
  assert.ok(legend2.includes(nl(top, top >= 100 ? 0 : 1)), `legend shows the API's maximum ${top}:\n${legend2}`);
  const after1 = await readCanvas(page);
  const share = changedShare(before1, after1);
  assert.ok(share > 0.05, `map colours changed for ${(share * 100).toFixed(1)} % of the sampled pixels`);
  await shot('02-indicator-changed');

  // The index against the gemeente: a diverging ramp, other colours again.
  await page.locator('#mode').selectOption('index');
  await waitForMap(page, 'eenpersoonshuishoudens||buurt|index|quantile|5');
  const legend3 = await page.locator('#legend').innerText();
  assert.match(legend3, /index, gemeente = 100/);
  const index = await readCanvas(page);
  assert.ok(changedShare(after1, index) > 0.05, 'the index view is drawn in other colours');
  const drawn = Object.entries(index.counts).filter(([k, n]) => k !== 'none' && n > 100);
  assert.ok(drawn.length >= 4, `index classes on the map: ${JSON.stringify(index.counts)}`);
  // The legend's classes are the API's breaks over the index, its counts the API's indexes.
  const byIndex = await api('/api/v1/indicators/eenpersoonshuishoudens/values?level=buurt&within=GM0344&classes=5&method=quantile&mode=index');
  assert.equal(byIndex.mode, 'index');
  const topIndex = byIndex.breaks[byIndex.breaks.length - 1];
  assert.ok(legend3.includes(`– ${nl(topIndex, 0)} (`), `legend shows the API's largest index ${topIndex}:\n${legend3}`);
  const counts = await page.locator('#legend li[data-class]').evaluateAll((lis) => lis.map((li) => Number(/\((\d+)\)$/.exec(li.textContent)[1])));
  const withIndex = byIndex.values.filter((v) => v.index !== null).length;
  assert.equal(counts.slice(0, -1).reduce((a, b) => a + b, 0), withIndex, `classified indexes: ${counts}`);
  assert.equal(counts[counts.length - 1], byIndex.values.length - withIndex, 'regions without an index');
  await shot('03-index');
  await page.locator('#mode').selectOption('value');
  await page.locator('#indicator').selectOption('aandeel_65plus');
  await waitForMap(page, 'aandeel_65plus||buurt|value|quantile|5');
});

test('the legend says which end is more need, only when the indicator says so', { timeout: 120_000 }, async () => {
  // Aandeel 65+: higher is more need; the line above the first class and below the last say so.
  const { rows, ranges } = await legendLines();
  assert.deepEqual(rows.filter((r) => r.need).map((r) => r.text), ['minder zorgbehoefte', 'meer zorgbehoefte']);
  assert.ok(rows[0].need && rows[rows.length - 2].need && rows[rows.length - 1].klass === 'none', JSON.stringify(rows));
  assert.equal(new Set(ranges).size, ranges.length, `no two classes alike: ${ranges}`);
  // Ervaren gezondheid goed: lower is more need; in the index view the orange (need) end is low.
  await page.locator('#indicator').selectOption('ervaren_gezondheid_goed_18plus');
  await page.locator('#mode').selectOption('index');
  await waitForMap(page, 'ervaren_gezondheid_goed_18plus||buurt|index|quantile|5');
  const health = await legendLines();
  assert.equal(health.rows[0].text, 'meer zorgbehoefte');
  assert.equal(health.rows[health.rows.length - 2].text, 'minder zorgbehoefte');
  // Mantelzorgers are context: nothing of need.
  await page.locator('#indicator').selectOption('mantelzorger_18plus');
  await waitForMap(page, 'mantelzorger_18plus||buurt|index|quantile|5');
  assert.doesNotMatch(await page.locator('#legend').innerText(), /zorgbehoefte/);
  await page.locator('#mode').selectOption('value');
  await page.locator('#indicator').selectOption('aandeel_65plus');
  await waitForMap(page, 'aandeel_65plus||buurt|value|quantile|5');
});

test('regions whose values print the same share a class', { timeout: 60_000 }, async () => {
  // The legend's classes, as the API's values print (one decimal for a percentage): each label in
  // one class only, the counts those of the API's values.
  const values = await api('/api/v1/indicators/aandeel_65plus/values?level=buurt&within=GM0344&classes=5&method=quantile');
  const { ranges } = await legendLines();
  const bounds = ranges.map((r) => r.split(' – ').map((t) => Number(t.replace('.', '').replace(',', '.'))));
  const printed = (v) => Number(nl(v, v >= 100 ? 0 : v >= 1 ? 1 : 2).replace('.', '').replace(',', '.'));
  const counts = bounds.map(() => 0);
  for (const { value } of values.values.filter((v) => v.value !== null)) {
    counts[bounds.findIndex(([, high]) => printed(value) <= high)] += 1;
  }
  const shown = await page.locator('#legend li[data-class]:not([data-class="none"])').evaluateAll((lis) => lis.map((li) => Number(/\((\d+)\)$/.exec(li.textContent)[1])));
  assert.deepEqual(shown, counts, `legend ${ranges}`);
});

test('hovering a buurt shows its name and value', { timeout: 60_000 }, async () => {
  const region = await api(`/api/v1/regions/${BUURT}`);
  const p = await screenPoint(page, region.interior_point_wgs84);
  await page.mouse.move(p.x, p.y);
  const tip = page.locator('#tooltip');
  await tip.waitFor({ state: 'visible' });
  const text = await tip.innerText();
  assert.match(text, new RegExp(region.name));
  const values = await api('/api/v1/indicators/aandeel_65plus/values?level=buurt&within=GM0344');
  const { value: v, index } = values.values.find((x) => x.code === BUURT);
  assert.ok(text.includes(`${nl(v, 1)} %`), `tooltip shows ${v}:\n${text}`);
  // The index is the service's (the tile's), as the values API gives it too.
  assert.ok(text.includes(`index ${nl(index, 0)} (gemeente = 100)`), `tooltip shows index ${index}:\n${text}`);
  assert.match(text, /klasse \d van 5/);
  await shot('04-hover');
});

test('clicking a buurt opens its profile with the values of the JSON API', { timeout: 60_000 }, async () => {
  const region = await clickRegion(BUURT);
  await page.locator('#profile-name').waitFor();
  const profile = await api(`/api/v1/regions/${BUURT}/profile`);
  assert.equal(await page.locator('#profile-name').innerText(), profile.name);
  assert.equal(profile.name, region.name);
  const headline = profile.indicators.filter((i) => i.headline && i.value !== null);
  assert.ok(headline.length >= 5);
  for (const ind of headline) {
    const card = page.locator(`#profile .card[data-indicator="${ind.id}"]`);
    assert.equal(Number(await card.locator('.value').getAttribute('data-value')), ind.value, ind.id);
  }
  const share = profile.indicators.find((i) => i.id === 'aandeel_65plus');
  const card = await page.locator('#profile .card[data-indicator="aandeel_65plus"]').innerText();
  assert.ok(card.includes(`${nl(share.value, 1)} %`), card);
  assert.ok(card.includes(`${nl(share.benchmarks.gemeente, 1)} %`), `gemeente benchmark in ${card}`);
  for (const a of profile.aandachtspunten) {
    assert.ok((await page.locator('#profile .aandachtspunten').innerText()).includes(a.text));
  }
  assert.equal(await page.locator('#profile .score-theme').count(), profile.scores.themes.length);
  assert.match(page.url(), new RegExp(`region=${BUURT}`));
  // The title by level; the indicators by the wijkpact's themes, leefstijl closed.
  assert.equal(await page.locator('#profile .kicker').textContent(), 'Buurtprofiel');
  const themes = await page.locator('#profile .theme').evaluateAll((els) => els.map((el) => [el.dataset.theme, el.tagName.toLowerCase(), el.open ?? null]));
  // The service's sections (when it gives them) in their order, else the wijkpact's order.
  const order = [...(profile.sections ?? []).map((sec) => sec.theme), 'demografie', 'zorgbehoefte', 'jeugdzorg', 'mantelzorg', 'sociaal_economisch', 'leefstijl'];
  const present = (t) => profile.indicators.some((i) => i.theme === t) || profile.sections?.some((sec) => sec.theme === t && sec.summary);
  assert.deepEqual(themes.map(([t]) => t), order.filter((t, i) => order.indexOf(t) === i && present(t)));
  assert.deepEqual(themes.find(([t]) => t === 'leefstijl'), ['leefstijl', 'details', false]);
  assert.ok(themes.filter(([t]) => t !== 'leefstijl').every(([, tag]) => tag === 'section'));
  for (const sec of profile.sections ?? []) {
    // textContent: leefstijl is closed, and a closed <details> hides its text from innerText.
    if (sec.summary) assert.ok((await page.locator(`#profile .theme[data-theme="${sec.theme}"]`).textContent()).includes(sec.summary), sec.theme);
  }
  // A count (inwoners) has no bars against others and no band.
  assert.equal(await page.locator('#profile .card[data-indicator="inwoners"] .bars').count(), 0);
  assert.equal(await page.locator('#profile .card[data-indicator="aandeel_65plus"] .bars').count(), 1);
  await shot('05-profile');
});

test('the CSV download holds that buurt\'s rows', { timeout: 60_000 }, async () => {
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#download-csv').click()]);
  assert.equal(download.suggestedFilename(), `buurtprofiel-${BUURT}.csv`);
  const file = path.join(outputDir, download.suggestedFilename());
  await download.saveAs(file);
  const lines = readFileSync(file, 'utf8').trim().split('\n');
  const header = lines[0].split(',');
  assert.equal(header[0], 'code');
  const profile = await api(`/api/v1/regions/${BUURT}/profile`);
  assert.equal(lines.length - 1, profile.indicators.length);
  assert.ok(lines.slice(1).every((l) => l.startsWith(`${BUURT},`)), 'every row is the buurt\'s');
  const row = lines.find((l) => l.includes(',aandeel_65plus,'));
  const share = profile.indicators.find((i) => i.id === 'aandeel_65plus');
  assert.ok(row.includes(`,${share.value},`) || row.includes(`,${share.value.toFixed(1)},`), row);
  const [json] = await Promise.all([page.waitForEvent('download'), page.locator('#download-json').click()]);
  const jsonFile = path.join(outputDir, json.suggestedFilename());
  await json.saveAs(jsonFile);
  assert.equal(JSON.parse(readFileSync(jsonFile, 'utf8')).code, BUURT);
});

test('the printed profile is one A4 page', { timeout: 60_000 }, async () => {
  await page.emulateMedia({ media: 'print' });
  await shot('06-print-layout');
  // The map and the controls stay off paper; the profile is there.
  assert.equal(await page.locator('#map-wrap').isVisible(), false);
  assert.equal(await page.locator('#profile-name').isVisible(), true);
  const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: true });
  await page.emulateMedia({ media: null });
  writeFileSync(path.join(outputDir, `profiel-${BUURT}.pdf`), pdf);
  const pages = pdf.toString('latin1').match(/\/Type\s*\/Page(?!s)/g) ?? [];
  assert.equal(pages.length, 1, 'one page');
  const box = /\/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]/.exec(pdf.toString('latin1'));
  assert.ok(box && Math.abs(Number(box[1]) - 595) < 2 && Math.abs(Number(box[2]) - 842) < 2, `A4: ${box?.[0]}`);
});

test('the map downloads as a PNG', { timeout: 60_000 }, async () => {
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#export-png').click()]);
  const file = path.join(outputDir, download.suggestedFilename());
  await download.saveAs(file);
  const bytes = readFileSync(file);
  assert.deepEqual([...bytes.subarray(1, 4)], [...Buffer.from('PNG')]);
  assert.ok(bytes.length > 20_000, `a drawn map, ${bytes.length} bytes`);
});

test('shift-click builds an area and shows its diagnose', { timeout: 60_000 }, async () => {
  await clickRegion(NEIGHBOUR, { shift: true });
  await page.locator('#profile .kicker', { hasText: 'gebied van 2 buurten' }).waitFor();
  const area = await api('/api/v1/areas/diagnose', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ name: 'Gebied van 2 buurten', buurten: [BUURT, NEIGHBOUR] }),
  });
  const inw = area.indicators.find((i) => i.id === 'inwoners');
  const shown = await page.locator('#profile .card[data-indicator="inwoners"] .value').getAttribute('data-value');
  assert.equal(Number(shown), inw.value);
  assert.match(page.url(), new RegExp(`region=${BUURT},${NEIGHBOUR}`));
  await shot('07-area');
  // The area's CSV is the service's (a POST, saved from the answer): one row per indicator.
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#download-csv').click()]);
  const file = path.join(outputDir, download.suggestedFilename());
  await download.saveAs(file);
  assert.equal(download.suggestedFilename(), 'buurt-gebied.csv');
  const lines = readFileSync(file, 'utf8').trim().split('\n');
  const columns = lines[0].split(',');
  assert.equal(columns[0], 'code');
  assert.equal(lines.length - 1, area.indicators.length);
  assert.ok(lines.slice(1).every((l) => l.startsWith(`${area.code},`)), 'every row is the area\'s');
  const row = lines.find((l) => l.includes(',inwoners,')).split(',');
  assert.equal(Number(row[columns.indexOf('value')]), inw.value, row.join());
  // Another year: the area's diagnose of that year.
  await page.locator('#year').selectOption('2023');
  await page.waitForFunction(() => /–2023;/.test(document.querySelector('#profile .years')?.textContent ?? ''));
  assert.equal(await page.locator('#profile .error').count(), 0);
  await page.locator('#year').selectOption('');
  await page.waitForFunction(() => !/–2023;/.test(document.querySelector('#profile .years')?.textContent ?? ''));
  await page.locator('#clear-area').click();
  await page.locator('#profile h2', { hasText: 'Buurtprofiel' }).waitFor();
});

test('reloading a shared URL restores the view', { timeout: 120_000 }, async () => {
  await page.locator('#level').selectOption('wijk');
  await page.locator('#method').selectOption('jenks');
  await page.locator('#classes').selectOption('4');
  await page.locator('#year').selectOption('2023');
  await waitForMap(page, 'aandeel_65plus|2023|wijk|value|jenks|4');
  await clickRegion('WK034405');
  await page.locator('#profile-name', { hasText: 'Oost' }).waitFor();
  // A wijk's profile is a Wijkprofiel, and its files are named so.
  assert.equal(await page.locator('#profile .kicker').textContent(), 'Wijkprofiel');
  assert.equal(await page.locator('#download-json').getAttribute('download'), 'wijkprofiel-WK034405.json');
  await page.waitForFunction(() => /#\d/.test(window.location.hash));
  const shared = page.url();
  const legend = await page.locator('#legend').innerText();
  const view1 = await readCanvas(page);

  // The same page reloaded, and the link opened in another tab.
  await page.reload();
  await waitForMap(page, 'aandeel_65plus|2023|wijk|value|jenks|4');
  await page.locator('#profile-name', { hasText: 'Oost' }).waitFor();
  assert.equal(page.url(), shared);
  assert.equal(await page.locator('#legend').innerText(), legend);
  const reloaded = await readCanvas(page);

  const other = await context.newPage();
  watchErrors(other, errors);
  await other.goto(shared);
  await waitForMap(other, 'aandeel_65plus|2023|wijk|value|jenks|4');
  for (const [id, v] of [['indicator', 'aandeel_65plus'], ['year', '2023'], ['level', 'wijk'], ['mode', 'value'], ['method', 'jenks'], ['classes', '4']]) {
    assert.equal(await other.locator(`#${id}`).inputValue(), v, id);
  }
  await other.locator('#profile-name').waitFor();
  assert.equal(await other.locator('#profile-name').innerText(), await page.locator('#profile-name').innerText());
  assert.equal(await other.locator('#legend').innerText(), legend);
  const view2 = await readCanvas(other);
  // Opened from the link, the map is where the link says, as drawn by the reloaded page.
  assert.ok(changedShare(reloaded, view2) < 0.02, 'the same map view');
  // The view the link was copied from differs only by the hash's rounding (zoom to 0.01, the
  // centre to 0.0001°): sub-pixel shifts of the many thin wijk outlines around the gemeente.
  assert.ok(changedShare(view1, view2) < 0.05, `the same place: ${changedShare(view1, view2)}`);
  await shot('08-shared-url', other);
  await other.close();
  assert.deepEqual(errors, [], 'no console errors in the whole session');
});

test('on a tablet the panel sits below the map and the controls work from the keyboard', { timeout: 120_000 }, async () => {
  const tablet = await context.newPage();
  watchErrors(tablet, errors);
  await tablet.setViewportSize({ width: 820, height: 1180 });
  await tablet.goto(`${server.base}/?indicator=eenzaam_65plus&level=wijk&mode=index&region=WK034403`);
  await waitForMap(tablet, 'eenzaam_65plus||wijk|index|quantile|5');
  await tablet.locator('#profile-name').waitFor();
  const map = await tablet.locator('#map-wrap').boundingBox();
  const panel = await tablet.locator('#panel').boundingBox();
  assert.ok(panel.y >= map.y + map.height - 1, 'panel below the map');
  assert.ok(map.width > 780 && panel.width > 780, 'both use the full width');
  const overflow = await tablet.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `no horizontal scrolling (${overflow}px)`);
  const { counts } = await readCanvas(tablet);
  assert.ok(Object.entries(counts).filter(([k, n]) => k !== 'none' && n > 100).length >= 3, JSON.stringify(counts));
  // Every control has a label and is reached with Tab; arrow keys change a select.
  for (const id of ['indicator', 'year', 'level', 'mode', 'method', 'classes', 'search']) {
    assert.ok((await tablet.locator(`label:has(#${id})`).count()) === 1, `${id} has a label`);
  }
  await tablet.locator('#level').focus();
  await tablet.keyboard.press('Tab');
  assert.equal(await tablet.evaluate(() => document.activeElement.id), 'mode');
  await tablet.keyboard.press('ArrowUp');
  await waitForMap(tablet, 'eenzaam_65plus||wijk|value|quantile|5');
  assert.match(tablet.url(), /mode=value/);
  // Search by name opens that buurt's profile.
  await tablet.locator('#search').fill('Oog in Al (BU03440112)');
  await tablet.locator('#search').press('Enter');
  await tablet.locator('#profile-name', { hasText: 'Oog in Al' }).waitFor();
  await shot('09-tablet', tablet);
  await tablet.close();
  assert.deepEqual(errors, [], 'no console errors');
});

test('part of a name finds the buurt; buurt names show only zoomed in, none overlapping', { timeout: 180_000 }, async () => {
  const p = await context.newPage();
  watchErrors(p, errors);
  await p.goto(`${server.base}/`);
  await waitForMap(p);
  // The whole gemeente in view: wijk names, no buurt names.
  await p.waitForFunction(() => document.querySelectorAll('.map-label-wijk:not(.map-label-off)').length > 0);
  const start = await visibleLabels(p);
  assert.ok(start.filter((l) => l.level === 'wijk').length >= 5, JSON.stringify(start.map((l) => l.text)));
  assert.deepEqual(start.filter((l) => l.level === 'buurt'), [], 'no buurt names zoomed out');
  assert.deepEqual(overlaps(start), []);

  // "Lombok", as typed (no code, part of the name): a Lombok buurt opens, zoomed in on.
  await p.waitForFunction(() => document.querySelectorAll('#region-names option').length > 100);
  await p.locator('#search').fill('Lombok');
  const offered = await p.locator('#region-names option').evaluateAll((os) => os.map((o) => o.value));
  assert.ok(offered.length >= 2 && offered.every((v) => /^Lombok/.test(v)), `the list offers the Lombok buurten: ${offered}`);
  await p.locator('#search').press('Enter');
  await p.locator('#profile-name', { hasText: 'Lombok' }).waitFor();
  const code = new URL(p.url()).searchParams.get('region');
  assert.match(code, /^BU0344\d{4}$/);
  const region = await api(`/api/v1/regions/${code}`);
  assert.match(region.name, /^Lombok/);
  assert.equal(await p.locator('#profile .kicker').textContent(), 'Buurtprofiel');
  assert.equal(await p.locator('#search').inputValue(), '', 'the field is cleared');
  await p.waitForFunction(() => /^#14\//.test(window.location.hash), null, { timeout: 30_000 });
  await p.waitForFunction((name) => [...document.querySelectorAll('.map-label-buurt:not(.map-label-off)')].some((el) => el.textContent === name), region.name);
  const near = await visibleLabels(p);
  assert.ok(near.filter((l) => l.level === 'buurt').length >= 5, JSON.stringify(near.map((l) => l.text)));
  assert.deepEqual(near.filter((l) => l.level === 'wijk'), [], 'no wijk names among the buurten');
  assert.deepEqual(overlaps(near), [], 'no two names overlap');
  await shot('11-search-lombok', p);

  // Case and accents do not matter: "mariendaal" finds Egelantierstraat, Mariëndaalstraat e.o.
  await p.locator('#search').fill('mariendaal');
  await p.locator('#search').press('Enter');
  await p.locator('#profile-name', { hasText: 'Mariëndaalstraat' }).waitFor();

  // A map of wijken names its wijken, not the buurten, at the same zoom.
  await p.locator('#level').selectOption('wijk');
  await waitForMap(p, 'aandeel_65plus||wijk|value|quantile|5');
  const wijken = await visibleLabels(p);
  assert.deepEqual(wijken.filter((l) => l.level === 'buurt'), []);
  assert.ok(wijken.some((l) => l.level === 'wijk'), JSON.stringify(wijken.map((l) => l.text)));
  await p.close();
  assert.deepEqual(errors, [], 'no console errors');
});

test('a base style from the configuration is drawn under the choropleth', { timeout: 180_000 }, async () => {
  // A deployment's base map, here a style of one background colour (no network needed).
  const style = { version: 8, sources: {}, layers: [{ id: 'base', type: 'background', paint: { 'background-color': '#ff00ff' } }] };
  const based = await startServer({ env: { BUURT_BASE_STYLE: `data:application/json,${encodeURIComponent(JSON.stringify(style))}` } });
  try {
    const config = await (await fetch(`${based.base}/viewer/config.json`)).json();
    assert.match(config.base_style_url, /^data:application\/json,/);
    const p = await context.newPage();
    watchErrors(p, errors);
    await p.goto(`${based.base}/`);
    await waitForMap(p);
    const { counts } = await readCanvas(p, [0xff, 0x00, 0xff]);
    assert.ok(Object.entries(counts).filter(([k, n]) => k !== 'none' && n > 300).length >= 5, JSON.stringify(counts));
    await shot('10-base-style', p);
    // Where the map has no region (the North Sea beside the gemeenten of the Netherlands; around
    // a gemeente the wijken of the others are drawn, faded) the base map shows as it is.
    await p.evaluate(() => window.buurtViewer.map.jumpTo({ center: [3.6, 52.4], zoom: 7 }));
    await p.waitForFunction(() => document.body.dataset.mapReady && document.body.dataset.mapView === 'gemeente|NL');
    const { grid } = await readCanvas(p, [0xff, 0x00, 0xff]);
    const magenta = grid.filter(([r, g, b]) => r > 240 && g < 15 && b > 240).length;
    assert.ok(magenta > grid.length * 0.05, `the base map shows beside the gemeenten (${magenta} of ${grid.length})`);
    await p.close();
  } finally {
    await based.stop();
  }
  assert.deepEqual(errors, [], 'no console errors');
});

// ---- The gemeente picker, the national map and the gemeente in the URL (issue 13) ----

/** The box [west, south, east, north] of a gemeente: the service's `bbox_wgs84`, else its boundary's. */
async function gemeenteBox(code) {
  const listed = (await api('/api/v1/regions?level=gemeente')).find((g) => g.code === code);
  if (Array.isArray(listed?.bbox_wgs84)) return listed.bbox_wgs84;
  const { geometry } = await api(`/api/v1/regions/${code}`);
  const points = geometry.coordinates.flat(2);
  const lons = points.map((p) => p[0]);
  const lats = points.map((p) => p[1]);
  return [Math.min(...lons), Math.min(...lats), Math.max(...lons), Math.max(...lats)];
}

/** Waits until the map rests with its centre (from the URL hash) inside `box`. */
async function waitForCentreIn(target, box) {
  await target.waitForFunction(([w, s, e, n]) => {
    const [, lat, lon] = window.location.hash.slice(1).split('/').map(Number);
    return lon > w && lon < e && lat > s && lat < n && !window.buurtViewer.map.isMoving();
  }, box, { timeout: 30_000 });
}

/** Waits until the map has drawn `view` ("gemeente|NL", "buurt|GM0344": what within what). */
function waitForView(target, view) {
  return target.waitForFunction((v) => document.body.dataset.mapReady && document.body.dataset.mapView === v, view, { timeout: 120_000 });
}

/** The regions the map draws in `layer`: code, the number it was classified by and its colour. */
function renderedRegions(target, layer, property) {
  return target.evaluate(([l, p]) => {
    const seen = new Map();
    for (const f of window.buurtViewer.map.queryRenderedFeatures({ layers: [l] })) {
      const { r, g, b } = f.layer.paint['fill-color'];
      seen.set(f.properties.code, { number: f.properties[p] ?? null, color: [r, g, b].map((v) => Math.round(v * 255)).join(',') });
    }
    return [...seen].map(([code, v]) => ({ code, ...v }));
  }, [layer, property]);
}

test('the gemeente picker finds Amersfoort by part of its name, from the keyboard, and flies there', { timeout: 180_000 }, async () => {
  const p = await context.newPage();
  watchErrors(p, errors);
  await p.goto(`${server.base}/?indicator=eenzaam_65plus`);
  await waitForMap(p);
  const input = p.locator('#gemeente');
  // A combobox: labelled, its list named by aria-controls, closed.
  assert.equal(await p.locator('label:has(#gemeente)').count(), 1);
  assert.equal(await input.getAttribute('role'), 'combobox');
  assert.equal(await input.getAttribute('aria-controls'), 'gemeente-list');
  assert.equal(await p.locator('#gemeente-list').getAttribute('role'), 'listbox');
  assert.equal(await input.getAttribute('aria-expanded'), 'false');
  assert.equal(await input.inputValue(), 'Utrecht');

  // Every gemeente on the map is offered (and the national map), none of an old indeling.
  await input.focus();
  await p.keyboard.press('ArrowDown');
  assert.equal(await input.getAttribute('aria-expanded'), 'true');
  const all = await p.locator('#gemeente-list [role="option"]').evaluateAll((os) => os.map((o) => o.dataset.value));
  const gemeenten = await api('/api/v1/regions?level=gemeente');
  const onMap = gemeenten.filter((g) => (typeof g.on_map === 'boolean' ? g.on_map : Boolean(g.interior_point_wgs84)));
  assert.ok(onMap.length >= 340 && onMap.length < gemeenten.length, `${onMap.length} of ${gemeenten.length} on the map`);
  assert.deepEqual(all.slice(1).sort(), onMap.map((g) => g.code).sort());
  assert.equal(all[0], 'NL');
  await p.keyboard.press('Escape');
  assert.equal(await input.getAttribute('aria-expanded'), 'false');

  await input.fill('');
  await p.keyboard.type('amersf');
  const options = p.locator('#gemeente-list [role="option"]');
  assert.deepEqual(await options.evaluateAll((os) => os.map((o) => o.dataset.value)), ['GM0307']);
  assert.match(await options.first().innerText(), /^Amersfoort/);
  await p.keyboard.press('ArrowDown');
  const active = await input.getAttribute('aria-activedescendant');
  assert.equal(await p.locator(`#${active}`).getAttribute('aria-selected'), 'true');
  assert.equal(await p.locator(`#${active}`).getAttribute('data-value'), 'GM0307');
  await shot('12-picker-amersf', p);
  await p.keyboard.press('Enter');

  // Chosen: the URL names it, the map goes there, its profile opens, the list closes.
  await p.waitForFunction(() => new URLSearchParams(window.location.search).get('gemeente') === 'GM0307');
  assert.equal(await input.getAttribute('aria-expanded'), 'false');
  assert.equal(await input.inputValue(), 'Amersfoort');
  await waitForCentreIn(p, await gemeenteBox('GM0307'));
  await waitForMap(p);
  await p.locator('#profile-name', { hasText: 'Amersfoort' }).waitFor();
  assert.equal(await p.locator('#profile .kicker').textContent(), 'Gemeenteprofiel');
  // Its wijken when the map has them, else the gemeenten (saying why).
  const view = await p.evaluate(() => document.body.dataset.mapView);
  const legend = await p.locator('#legend').innerText();
  if (view === 'gemeente|NL') {
    assert.match(await p.locator('#status').innerText(), /Van Amersfoort staan nog geen wijken/);
    assert.match(legend, /Gemeenten van Nederland/);
  } else {
    assert.match(view, /^(wijk|buurt)\|GM0307$/);
    assert.match(legend, /van Amersfoort/);
    // The search finds Amersfoort's wijken now, not Utrecht's buurten.
    assert.ok(await p.locator('#region-names option').count() > 0);
  }
  await shot('13-amersfoort', p);

  // Escape closes the list, and a second Escape gives the field back its gemeente.
  await input.focus();
  await p.keyboard.type('zei');
  assert.equal(await input.getAttribute('aria-expanded'), 'true');
  await p.keyboard.press('Escape');
  assert.equal(await input.getAttribute('aria-expanded'), 'false');
  assert.equal(await input.inputValue(), 'zei');
  await p.keyboard.press('Escape');
  assert.equal(await input.inputValue(), 'Amersfoort');

  // Back returns to Utrecht (where the map was), forward to Amersfoort again.
  await p.goBack();
  await p.waitForFunction(() => !new URLSearchParams(window.location.search).has('gemeente'));
  await p.waitForFunction(() => document.querySelector('#gemeente').value === 'Utrecht');
  await waitForView(p, 'buurt|GM0344');
  assert.match(await p.locator('#legend').innerText(), /Buurten van Utrecht/);
  await waitForCentreIn(p, await gemeenteBox('GM0344'));
  await p.goForward();
  await p.waitForFunction(() => document.querySelector('#gemeente').value === 'Amersfoort');
  assert.match(p.url(), /gemeente=GM0307/);
  await waitForCentreIn(p, await gemeenteBox('GM0307'));
  await p.close();
  assert.deepEqual(errors, [], 'no console errors');
});

test('a link with a gemeente opens at that gemeente, and a reload keeps it', { timeout: 180_000 }, async () => {
  const p = await context.newPage();
  watchErrors(p, errors);
  // As shared, without a map position: the page finds the gemeente itself.
  await p.goto(`${server.base}/?indicator=eenzaam_65plus&level=wijk&gemeente=GM0307`);
  await waitForMap(p);
  const box = await gemeenteBox('GM0307');
  await waitForCentreIn(p, box);
  assert.equal(await p.locator('#gemeente').inputValue(), 'Amersfoort');
  assert.match(p.url(), /gemeente=GM0307/);
  assert.equal(await p.locator('#notice').isVisible(), false);
  await p.reload();
  await waitForMap(p);
  assert.equal(await p.locator('#gemeente').inputValue(), 'Amersfoort');
  assert.match(p.url(), /gemeente=GM0307/);
  await waitForCentreIn(p, box);
  await p.close();
  assert.deepEqual(errors, [], 'no console errors');
});

test('zoomed out the gemeenten of the Netherlands are coloured, zoomed in the wijken and buurten', { timeout: 240_000 }, async () => {
  const p = await context.newPage();
  watchErrors(p, errors);
  await p.goto(`${server.base}/?indicator=eenzaam_65plus#7.4/52.2/5.3`);
  await waitForView(p, 'gemeente|NL');
  const legend = await p.locator('#legend').innerText();
  assert.match(legend, /Gemeenten van Nederland/);
  // The gemeenten are drawn, each in the colour of its class in the legend (breaks of all
  // gemeenten: the values API without `within`).
  const values = await api('/api/v1/indicators/eenzaam_65plus/values?level=gemeente&classes=5&method=quantile');
  assert.equal(values.within, null);
  const drawn = await renderedRegions(p, 'gemeente-fill', 'eenzaam_65plus');
  assert.ok(drawn.length > 250, `gemeenten drawn: ${drawn.length}`);
  const swatches = await p.locator('#legend li[data-class] .swatch').evaluateAll((ss) => ss.map((s) => getComputedStyle(s).backgroundColor.match(/\d+/g).slice(0, 3).join(',')));
  const coloured = drawn.filter((r) => r.number !== null);
  assert.ok(coloured.length > 250, `gemeenten with a value: ${coloured.length}`);
  const colours = new Set(coloured.map((r) => r.color));
  assert.equal(colours.size, 5, `five class colours: ${[...colours]}`);
  for (const c of colours) assert.ok(swatches.includes(c), `${c} is a legend colour (${swatches})`);
  const byCode = new Map(values.values.map((v) => [v.code, v.value]));
  for (const r of coloured.slice(0, 40)) assert.equal(r.number, byCode.get(r.code), r.code);
  // The breaks of the legend are the API's.
  const top = values.breaks[values.breaks.length - 1];
  assert.ok(legend.includes(nl(top, 1)), `legend shows the API's maximum ${top}:\n${legend}`);
  // And the canvas shows every class colour.
  const canvas = await readCanvas(p);
  assert.ok(Object.entries(canvas.counts).filter(([k, n]) => k !== 'none' && n > 300).length >= 5, JSON.stringify(canvas.counts));
  await shot('14-national', p);

  // A gemeente's index is against Nederland.
  await p.locator('#mode').selectOption('index');
  await waitForMap(p, 'eenzaam_65plus||buurt|index|quantile|5');
  assert.match(await p.locator('#legend').innerText(), /index, Nederland = 100/);
  await p.locator('#mode').selectOption('value');
  await waitForMap(p, 'eenzaam_65plus||buurt|value|quantile|5');

  // Zoomed in on Utrecht: its wijken, then its buurten.
  await p.evaluate(() => window.buurtViewer.map.jumpTo({ center: [5.1, 52.09], zoom: 9.5 }));
  await waitForView(p, 'wijk|GM0344');
  assert.match(await p.locator('#legend').innerText(), /Wijken van Utrecht/);
  await p.evaluate(() => window.buurtViewer.map.jumpTo({ center: [5.1, 52.09], zoom: 11 }));
  await waitForView(p, 'buurt|GM0344');
  assert.match(await p.locator('#legend').innerText(), /Buurten van Utrecht/);
  const buurten = await renderedRegions(p, 'buurt-fill', 'eenzaam_65plus');
  assert.ok(buurten.length > 50 && buurten.every((b) => b.code.startsWith('BU0344')), `${buurten.length} buurten of Utrecht`);

  // Back at a national zoom, a click on another gemeente chooses it (the URL follows).
  await p.evaluate(() => window.buurtViewer.map.jumpTo({ center: [5.3, 52.2], zoom: 8 }));
  await waitForView(p, 'gemeente|NL');
  const zeist = await api('/api/v1/regions/GM0355');
  const point = await screenPoint(p, zeist.interior_point_wgs84);
  await p.mouse.move(point.x, point.y);
  await p.locator('#tooltip', { hasText: 'Zeist' }).waitFor();
  assert.match(await p.locator('#tooltip').innerText(), /Nederland = 100[\s\S]*naar gemeente Zeist/);
  await p.mouse.click(point.x, point.y);
  await p.waitForFunction(() => new URLSearchParams(window.location.search).get('gemeente') === 'GM0355');
  await p.locator('#profile-name', { hasText: 'Zeist' }).waitFor();
  assert.equal(await p.locator('#gemeente').inputValue(), 'Zeist');
  assert.equal(await p.evaluate(() => document.body.dataset.mapView), 'gemeente|NL', 'still zoomed out: the gemeenten');
  await p.close();
  assert.deepEqual(errors, [], 'no console errors');
});

test('a click on a wijk of another gemeente, drawn faded around the gemeente, chooses that gemeente', { timeout: 180_000 }, async () => {
  const p = await context.newPage();
  watchErrors(p, errors);
  // Utrecht's wijken, with Almere's (the map has them) around, in Utrecht's classes.
  await p.goto(`${server.base}/?indicator=aandeel_65plus&level=wijk#9.3/52.23/5.17`);
  await waitForView(p, 'wijk|GM0344');
  const around = await renderedRegions(p, 'context-fill', 'aandeel_65plus');
  assert.ok(around.length > 20 && around.every((r) => !r.code.startsWith('WK0344')), `${around.length} wijken around Utrecht`);
  assert.ok(around.some((r) => r.number !== null), 'coloured by their values');
  const own = await renderedRegions(p, 'wijk-fill', 'aandeel_65plus');
  assert.ok(own.length >= 10 && own.every((r) => r.code.startsWith('WK0344')), JSON.stringify(own.map((r) => r.code)));
  assert.ok(await p.evaluate(() => window.buurtViewer.map.getPaintProperty('context-fill', 'fill-opacity') < 0.5), 'faded');
  const wijken = await api('/api/v1/regions?level=wijk&within=GM0034');
  const target = wijken.find((w) => w.interior_point_wgs84 && around.some((r) => r.code === w.code));
  const point = await screenPoint(p, target.interior_point_wgs84);
  await p.mouse.move(point.x, point.y);
  await p.locator('#tooltip', { hasText: 'naar gemeente Almere' }).waitFor();
  await p.mouse.click(point.x, point.y);
  await p.waitForFunction(() => new URLSearchParams(window.location.search).get('gemeente') === 'GM0034');
  await waitForView(p, 'wijk|GM0034');
  const q = new URL(p.url()).searchParams;
  // The wijk clicked is selected; Almere has no buurten on the map, so the map is one of wijken.
  assert.equal(q.get('region'), target.code);
  assert.equal(q.get('level'), 'wijk');
  assert.equal(await p.locator('#gemeente').inputValue(), 'Almere');
  await p.locator('#profile-name', { hasText: target.name }).waitFor();
  assert.equal(await p.locator('#profile .kicker').textContent(), 'Wijkprofiel');
  assert.match(await p.locator('#legend').innerText(), /Wijken van Almere/);
  assert.equal(await p.locator('#level option[value="buurt"]').evaluate((o) => o.disabled), true, 'no map of buurten');
  await shot('16-almere-from-utrecht', p);
  await p.close();
  assert.deepEqual(errors, [], 'no console errors');
});

test('the picker follows the service: only gemeenten on_map, the map to a gemeente\'s bbox_wgs84', { timeout: 180_000 }, async () => {
  // The gemeenten as a service that says `on_map` and `bbox_wgs84` answers (whether or not this
  // one does yet): Zeist said to be off the map, Amersfoort with a box around its centre only.
  const AMERSFOORT_BOX = [5.37, 52.145, 5.43, 52.18];
  const p = await context.newPage();
  watchErrors(p, errors);
  await p.route((url) => url.pathname === '/api/v1/regions' && url.searchParams.get('level') === 'gemeente' && !url.searchParams.has('within'), async (route) => {
    const response = await route.fetch();
    const list = (await response.json()).map((g) => ({
      ...g,
      on_map: Boolean(g.interior_point_wgs84) && g.code !== 'GM0355',
      bbox_wgs84: g.code === 'GM0307' ? AMERSFOORT_BOX : null,
    }));
    await route.fulfill({ response, json: list });
  });
  await p.goto(`${server.base}/?indicator=eenzaam_65plus`);
  await waitForMap(p);
  await p.locator('#gemeente').fill('zeist');
  assert.equal(await p.locator('#gemeente-list [role="option"]').count(), 0, 'Zeist is not offered');
  await p.locator('#gemeente').fill('amersfoort');
  await p.locator('#gemeente').press('Enter');
  await p.waitForFunction(() => new URLSearchParams(window.location.search).get('gemeente') === 'GM0307');
  await waitForCentreIn(p, AMERSFOORT_BOX);
  // Fitted to that small box, the map is zoomed in further than on the whole gemeente (~11.4).
  const zoom = Number(new URL(p.url()).hash.slice(1).split('/')[0]);
  assert.ok(zoom > 12.3, `zoom ${zoom} fits the service's box`);
  await waitForMap(p);
  await p.close();
  assert.deepEqual(errors, [], 'no console errors');
});

test('an unknown gemeente in the link shows a message and the map of the Netherlands', { timeout: 120_000 }, async () => {
  const p = await context.newPage();
  watchErrors(p, errors);
  await p.goto(`${server.base}/?indicator=eenzaam_65plus&gemeente=GM9999`);
  await waitForView(p, 'gemeente|NL');
  const notice = p.locator('#notice');
  assert.equal(await notice.isVisible(), true);
  assert.equal(await notice.getAttribute('role'), 'alert');
  assert.match(await notice.innerText(), /GM9999.*onbekend.*heel Nederland/s);
  // Not a blank map: the gemeenten, coloured.
  const drawn = await renderedRegions(p, 'gemeente-fill', 'eenzaam_65plus');
  assert.ok(drawn.filter((r) => r.number !== null).length > 250, `${drawn.length} gemeenten drawn`);
  assert.equal(await p.locator('#gemeente').inputValue(), 'Heel Nederland');
  assert.match(p.url(), /gemeente=NL/);
  await shot('15-unknown-gemeente', p);
  await p.locator('#notice-close').click();
  assert.equal(await notice.isVisible(), false);
  await p.close();
  assert.deepEqual(errors, [], 'no console errors');
});

test('the hot spots mode colours the buurten by their cluster, with its own legend and Moran\'s I', { timeout: 180_000 }, async () => {
  const p = await context.newPage();
  watchErrors(p, errors);
  await p.goto(`${server.base}/?indicator=eenzaam_65plus&year=2020&level=buurt`);
  await waitForView(p, 'buurt|GM0344');
  // Turned on from the Weergave control; the URL keeps it.
  await p.locator('#mode').selectOption('hotspots');
  await waitForMap(p, 'eenzaam_65plus|2020|buurt|hotspots|quantile|5');
  assert.match(p.url(), /mode=hotspots/);
  assert.equal(await p.locator('#method').isDisabled(), true);
  const hot = await api('/api/v1/hotspots?within=GM0344&level=buurt&indicator=eenzaam_65plus&year=2020');
  const legend = await p.locator('#legend').innerText();
  for (const text of ['Hoog omringd door hoog', 'Laag omringd door laag', 'Hoog omringd door laag', 'Laag omringd door hoog', 'Niet significant', 'Geen waarde of geen buren']) {
    assert.ok(legend.includes(text), `${text} in the legend:\n${legend}`);
  }
  assert.match(legend, /lokale Moran's I over de buurten van Utrecht/);
  // The global Moran's I of the API (esda's 0.3695 on these buurten), in Dutch.
  assert.ok(legend.includes(`Moran's I = ${nl(hot.global.moran_i, 3)}`), legend);
  assert.equal(Number(await p.locator('#moran').getAttribute('data-moran-i')), hot.global.moran_i);
  // Each class counts the API's buurten with that label; the left-out ones have none.
  const counts = await p.locator('#legend li[data-class]').evaluateAll((lis) => Object.fromEntries(lis.map((li) => [li.dataset.class, Number(/\((\d+)\)/.exec(li.textContent)[1])])));
  const expected = { 'high-high': 0, 'low-low': 0, 'high-low': 0, 'low-high': 0, 'not-significant': 0, none: hot.left_out.length };
  for (const r of hot.regions) expected[r.cluster] += 1;
  assert.deepEqual(counts, expected);
  assert.ok(expected['high-high'] > 0 && expected['low-low'] > 0, JSON.stringify(expected));

  // Each buurt drawn is painted in the legend colour of the cluster the API gives it.
  const swatches = await p.locator('#legend li[data-class] .swatch').evaluateAll((ss) => Object.fromEntries(ss.map((s) => [s.parentElement.dataset.class, getComputedStyle(s).backgroundColor.match(/\d+/g).slice(0, 3).join(',')])));
  const drawn = await renderedRegions(p, 'buurt-fill', 'eenzaam_65plus_cluster');
  assert.ok(drawn.length > 50, `${drawn.length} buurten drawn`);
  const byCode = new Map(hot.regions.map((r) => [r.code, r.cluster]));
  for (const r of drawn) {
    assert.equal(r.number, byCode.get(r.code) ?? null, `${r.code}: the tile's cluster is the API's`);
    assert.equal(r.color, swatches[r.number ?? 'none'], `${r.code} painted as ${r.number}`);
  }
  // And on the canvas: a hot spot's interior point has the hot spot colour (88 % over the
  // background), the map shows hot and cold spots.
  const spot = hot.regions.find((r) => r.cluster === 'high-high' && drawn.some((d) => d.code === r.code));
  const region = await api(`/api/v1/regions/${spot.code}`);
  const point = await screenPoint(p, region.interior_point_wgs84);
  const pixel = await p.evaluate(async ({ x, y }) => {
    const canvas = document.querySelector('#map canvas');
    const box = canvas.getBoundingClientRect();
    const img = new Image();
    img.src = canvas.toDataURL('image/png');
    await img.decode();
    const c = document.createElement('canvas');
    c.width = img.width;
    c.height = img.height;
    const g = c.getContext('2d');
    g.drawImage(img, 0, 0);
    const scale = img.width / box.width;
    return [...g.getImageData(Math.round((x - box.x) * scale), Math.round((y - box.y) * scale), 1, 1).data].slice(0, 3);
  }, point);
  const want = swatches['high-high'].split(',').map(Number).map((v, k) => v * 0.88 + [0xee, 0xf0, 0xf2][k] * 0.12);
  assert.ok(pixel.every((v, k) => Math.abs(v - want[k]) <= 8), `${spot.code} at its interior point: ${pixel} vs ${want}`);
  const canvas = await readCanvas(p);
  assert.ok(canvas.counts['high-high'] > 200 && canvas.counts['low-low'] > 200, JSON.stringify(canvas.counts));
  // Hovering says which class a buurt is in.
  await p.mouse.move(point.x, point.y);
  await p.locator('#tooltip .tip-cluster').waitFor();
  assert.match(await p.locator('#tooltip').innerText(), /Hoog omringd door hoog/);
  await p.mouse.move(5, 5);
  await shot('16-hotspots', p);

  // A reload keeps the mode; turned off, the classes of the values are back.
  await p.reload();
  await waitForMap(p, 'eenzaam_65plus|2020|buurt|hotspots|quantile|5');
  assert.equal(await p.locator('#mode').inputValue(), 'hotspots');
  assert.match(await p.locator('#legend').innerText(), /Hoog omringd door hoog/);
  await p.locator('#mode').selectOption('value');
  await waitForMap(p, 'eenzaam_65plus|2020|buurt|value|quantile|5');
  assert.doesNotMatch(await p.locator('#legend').innerText(), /omringd/);
  assert.equal(await p.locator('#method').isDisabled(), false);
  await p.close();
  assert.deepEqual(errors, [], 'no console errors');
});
