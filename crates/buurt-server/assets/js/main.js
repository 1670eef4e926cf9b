// The viewer: controls → store (and URL) → map, legend, hover tooltip and the profile panel.
//
// What the user chose lives in one store (store.js); `onChange` below is the one place a change
// reaches the screen and the address bar. Every request goes through `latest` (latest.js), so a
// newer request of the same kind cancels the older one. Every number shown comes from the
// service (values, indexes, bands and class breaks): the page computes no statistic itself.

import * as api from './api.js';
import { classOf, featureProperty, fillExpression, makeClasses, rangeText } from './classes.js';
import {
  BANDS, THEMES, escapeHtml, formatIndex, formatValue, indicatorLabel, missingLabel, themeLabel,
} from './format.js';
import { isAbort, latest } from './latest.js';
import { legendRows as makeLegendRows, legendUnit as makeLegendUnit } from './legend.js';
import { ChoroplethMap } from './map.js';
import * as profilePanel from './profile.js';
import { bestRegion, codeIn, searchOptions } from './search.js';
import { createStore } from './store.js';
import * as urlState from './url-state.js';

const $ = (id) => document.getElementById(id);
const controls = {
  indicator: $('indicator'), year: $('year'), level: $('level'), mode: $('mode'), method: $('method'), classes: $('classes'),
};
// The choices that change the map (the others: `region`, the selection).
const MAP_KEYS = ['indicator', 'year', 'level', 'mode', 'method', 'classes', 'gemeente'];

/** What the user chose: indicator, year, level, mode, method, classes, gemeente, region. */
const store = createStore(urlState.read());

/** What the service told us about the page's gemeente (read by the rendering below). */
const loaded = {
  catalogue: new Map(),
  available: new Map(), // the indicators with values at the chosen level, by id
  regions: [], // wijken and buurten of the gemeente, for search and labels
  gemeenteName: null,
};

/** The map as drawn: the state it shows, its classes, the regions without a number, the years. */
let drawn = { state: store.get(), classes: [], missingCount: 0, years: [] };

let map;
let areaJsonUrl = null;
const PAGE_TITLE = document.title;

function setStatus(text) {
  $('status').textContent = text;
  $('status').hidden = !text;
}

/** Shows a failed request; a request cancelled by a newer one is no failure. */
function report(e) {
  if (!isAbort(e)) setStatus(`Fout: ${e.message}`);
}

function fillIndicatorSelect(list) {
  const el = controls.indicator;
  el.innerHTML = '';
  const byTheme = new Map(THEMES.map(([id]) => [id, []]));
  for (const info of list) {
    if (!byTheme.has(info.theme)) byTheme.set(info.theme, []);
    byTheme.get(info.theme).push(info);
  }
  for (const [theme, infos] of byTheme) {
    if (!infos.length) continue;
    const group = document.createElement('optgroup');
    group.label = themeLabel(theme);
    // Headline indicators first, then the catalogue order.
    for (const info of [...infos.filter((i) => i.headline), ...infos.filter((i) => !i.headline)]) {
      const o = document.createElement('option');
      o.value = info.id;
      o.textContent = info.headline ? `${indicatorLabel(info)} ★` : indicatorLabel(info);
      group.append(o);
    }
    el.append(group);
  }
}

/**
 * The indicators with values for `level` in the gemeente: the picker offers only those, so no
 * choice ends in an empty map.
 */
async function loadAvailable(level, gemeente) {
  const list = await latest('available', (signal) => api.indicators(level, gemeente, signal));
  loaded.available = new Map(list.map((info) => [info.id, info]));
  fillIndicatorSelect(list);
}

const yearsOf = (indicator) => [...((loaded.available.get(indicator) ?? loaded.catalogue.get(indicator))?.years ?? [])];

/** `s` with an indicator the picker offers and a year that indicator has. */
function fitToAvailable(s) {
  let { indicator, year } = s;
  if (!loaded.available.has(indicator)) {
    const list = [...loaded.available.values()];
    indicator = loaded.available.has(urlState.DEFAULTS.indicator)
      ? urlState.DEFAULTS.indicator
      : (list.find((i) => i.headline) ?? list[0])?.id ?? indicator;
  }
  if (year && !yearsOf(indicator).includes(Number(year))) year = '';
  return { ...s, indicator, year };
}

function syncControls(s) {
  controls.indicator.value = s.indicator;
  const years = yearsOf(s.indicator).sort((a, b) => b - a);
  controls.year.innerHTML = `<option value="">nieuwste</option>${years.map((y) => `<option value="${y}">${y}</option>`).join('')}`;
  controls.year.value = s.year;
  controls.level.value = s.level;
  controls.mode.value = s.mode;
  controls.method.value = s.method;
  controls.classes.value = String(s.classes);
}

/** A control changed: the new choice, fitted to what the gemeente has, goes to the store. */
async function choose(key, raw) {
  const value = key === 'classes' ? Number(raw) : raw;
  // Another level offers other indicators: load those before choosing among them.
  if (key === 'level') await loadAvailable(value, store.get().gemeente);
  const changed = store.set(fitToAvailable({ ...store.get(), [key]: value }));
  // Nothing changed (a refilled picker, say): the controls show the state again.
  if (!changed.length) syncControls(store.get());
}

/** The one place a change of state reaches the address bar and the screen. */
function onChange(s, changed) {
  urlState.write(s);
  syncControls(s);
  if (MAP_KEYS.some((k) => changed.has(k))) drawChoropleth().catch(report);
  if (changed.has('region') || changed.has('year')) showSelection().catch(report);
}

function legendRows() {
  const { state, classes, missingCount } = drawn;
  const info = loaded.catalogue.get(state.indicator);
  return makeLegendRows({ classes, mode: state.mode, unit: info?.unit, polarity: info?.polarity, missingCount });
}

function legendUnit() {
  const { state } = drawn;
  return makeLegendUnit(state.mode, loaded.catalogue.get(state.indicator)?.unit);
}

function legendTitle() {
  const unit = legendUnit();
  return `${indicatorLabel(loaded.catalogue.get(drawn.state.indicator))}${unit ? ` (${unit})` : ''}`;
}

function levelText(s) {
  return `${s.level === 'buurt' ? 'Buurten' : 'Wijken'} van ${loaded.gemeenteName ?? s.gemeente}`;
}

function renderLegend() {
  const { state: s, classes, years } = drawn;
  const methodText = { quantile: 'kwantielen', jenks: 'natuurlijke grenzen (Jenks)', equal: 'gelijke intervallen' }[s.method];
  const rows = legendRows().map((r) => {
    if (r.need) return `<li class="need-end need-${r.need}">${escapeHtml(r.text)}</li>`;
    return `<li data-class="${r.noData ? 'none' : r.klass}"><span class="swatch${r.noData ? ' nodata' : ''}" style="background:${r.color}"></span>${escapeHtml(r.text)}</li>`;
  }).join('');
  $('legend').innerHTML = `<h2>${escapeHtml(legendTitle())}</h2>
    <p>${escapeHtml(levelText(s))} · ${escapeHtml(years.length ? years.join(', ') : '–')} · ${classes.length} klassen, ${methodText}</p>
    <ul>${rows}</ul>`;
}

/** The choropleth of the current state: values (or indexes) and breaks from the API. */
function drawChoropleth() {
  return latest('choropleth', async (signal) => {
    const s = store.get();
    setStatus('Kaart laden…');
    const { level, gemeente: within, year, method, classes, mode } = s;
    const answer = await api.values(s.indicator, { level, within, year, method, classes, mode }, signal);
    const info = loaded.catalogue.get(s.indicator);
    // The numbers the map classifies: each region's value, or its index (gemeente = 100).
    const numbers = answer.values.map((v) => (mode === 'index' ? v.index : v.value)).filter(Number.isFinite);
    drawn = {
      state: s,
      // Classes of the numbers as the legend and the tooltip print them (the unit's decimals).
      classes: makeClasses({ breaks: answer.breaks, numbers, mode, unit: info?.unit, polarity: info?.polarity }),
      missingCount: answer.values.length - numbers.length,
      years: [...new Set(answer.values.filter((v) => v.value !== null).map((v) => v.year))].sort(),
    };
    map.setChoropleth({ indicator: s.indicator, year, level, within, fill: fillExpression(s.indicator, mode, drawn.classes) });
    renderLegend();
    let message = '';
    if (!numbers.length) {
      message = mode === 'index'
        ? 'Geen index voor deze indicator op dit niveau in deze gemeente (geen gemeentewaarde om mee te vergelijken).'
        : 'Geen waarden voor deze indicator op dit niveau in deze gemeente.';
    }
    setStatus(message);
    await map.idle();
    signal.throwIfAborted();
    // The view drawn, for the end-to-end tests (and anyone scripting the page) to wait on.
    document.body.dataset.mapReady = `${s.indicator}|${s.year}|${s.level}|${s.mode}|${s.method}|${s.classes}`;
  });
}

function tooltip(hover) {
  const el = $('tooltip');
  if (!hover) {
    el.hidden = true;
    return;
  }
  // What the tiles say about the region, classified as the map drawn.
  const { state: s, classes } = drawn;
  const p = hover.properties;
  const info = loaded.catalogue.get(s.indicator);
  const value = p[s.indicator];
  let body;
  if (value === undefined || value === null) {
    body = `<p>${escapeHtml(missingLabel(p[`${s.indicator}_missing`]))}</p>`;
  } else {
    const index = p[`${s.indicator}_index`];
    const year = p[`${s.indicator}_year`];
    const band = p[`${s.indicator}_band`];
    const k = classOf(classes, p[featureProperty(s.indicator, s.mode)]);
    body = `<p class="tip-value">${escapeHtml(formatValue(value, info?.unit))}${year ? ` <span>(${year})</span>` : ''}</p>
      ${index !== undefined && index !== null ? `<p>index ${formatIndex(index)} (gemeente = 100)</p>` : ''}
      ${k >= 0 ? `<p>klasse ${k + 1} van ${classes.length}: ${escapeHtml(rangeText(classes[k], s.mode, info?.unit))}</p>` : ''}
      ${band ? `<p>${escapeHtml(BANDS[band] ?? band)}</p>` : ''}`;
  }
  el.innerHTML = `<h3>${escapeHtml(p.name)}</h3><p class="code">${escapeHtml(p.code)}</p>${body}`;
  el.hidden = false;
  const { x, y } = hover.point;
  const wrap = $('map-wrap').getBoundingClientRect();
  el.style.left = `${Math.min(x + 14, wrap.width - el.offsetWidth - 8)}px`;
  el.style.top = `${Math.min(y + 14, wrap.height - el.offsetHeight - 8)}px`;
}

function downloadBlob(blob, name) {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}

/** An area's CSV is the service's answer to a POST: fetched, then saved as a file. */
async function downloadAreaCsv(name, buurten, year) {
  const blob = await latest('area-csv', (signal) => api.areaDiagnoseCsv(name, buurten, year, signal));
  downloadBlob(blob, 'buurt-gebied.csv');
}

/** The profile of the selected region, or the diagnose of the selected area. */
function showSelection() {
  return latest('profile', async (signal) => {
    const { region: codes, year } = store.get();
    map.setSelection(codes);
    const el = $('profile');
    if (!codes.length) {
      el.innerHTML = $('intro').innerHTML;
      delete el.dataset.code;
      document.title = PAGE_TITLE;
      return;
    }
    el.setAttribute('aria-busy', 'true');
    try {
      if (codes.length === 1) {
        const profile = await api.profile(codes[0], year, signal);
        profilePanel.render(el, profile, {
          catalogue: loaded.catalogue,
          isArea: false,
          // The file name follows the profile's level (buurtprofiel-…, wijkprofiel-…).
          downloads: {
            csvUrl: api.profileUrl(codes[0], year, 'csv'),
            jsonUrl: api.profileUrl(codes[0], year),
            xlsxUrl: api.profileUrl(codes[0], year, 'xlsx'),
            pdfUrl: api.profileUrl(codes[0], year, 'pdf'),
            base: profilePanel.fileBase(profile),
          },
        });
        // The tab's title (and a saved PDF's name) names the profile shown.
        document.title = `${profilePanel.profileTitle(profile)} ${profile.name} · buurt`;
      } else {
        const name = `Gebied van ${codes.length} buurten`;
        const profile = await api.areaDiagnose(name, codes, year, signal);
        // An area has no URL of its own: its JSON is the answer at hand, the previous one freed.
        if (areaJsonUrl) URL.revokeObjectURL(areaJsonUrl);
        areaJsonUrl = URL.createObjectURL(new Blob([JSON.stringify(profile, null, 2)], { type: 'application/json' }));
        profilePanel.render(el, profile, {
          catalogue: loaded.catalogue,
          isArea: true,
          names: new Map(loaded.regions.map((r) => [r.code, r.name])),
          downloads: {
            onCsv: () => downloadAreaCsv(name, codes, year).catch((e) => report(new Error(`CSV niet beschikbaar: ${e.message}`))),
            jsonUrl: areaJsonUrl,
            base: 'buurt-gebied',
          },
          onClear: () => select([], false).catch(report),
        });
        document.title = `${profilePanel.profileTitle(profile, true)} · ${name} · buurt`;
      }
      el.dataset.code = codes.join(',');
    } catch (e) {
      if (isAbort(e)) throw e;
      el.innerHTML = `<p class="error">Profiel niet beschikbaar: ${escapeHtml(e.message)}</p>`;
    } finally {
      if (!signal.aborted) el.removeAttribute('aria-busy');
    }
  });
}

/** Select a region, or with `add` toggle buurten in the area (a wijk adds its buurten). */
async function select(codes, add) {
  let next = codes;
  if (add) {
    const buurten = [];
    for (const code of codes) {
      if (code.startsWith('WK')) {
        const inWijk = await latest('wijk-buurten', (signal) => api.regions('buurt', code, signal));
        buurten.push(...inWijk.map((r) => r.code));
      } else {
        buurten.push(code);
      }
    }
    const current = new Set(store.get().region.filter((c) => c.startsWith('BU')));
    const allIn = buurten.every((c) => current.has(c));
    for (const c of buurten) {
      if (allIn) current.delete(c);
      else current.add(c);
    }
    next = [...current].sort();
  }
  store.set({ region: next });
}

function loadRegions() {
  return latest('regions', async (signal) => {
    const { gemeente } = store.get();
    const [wijken, buurten, gemeenten] = await Promise.all([
      api.regions('wijk', gemeente, signal),
      api.regions('buurt', gemeente, signal),
      api.regions('gemeente', 'NL', signal),
    ]);
    loaded.regions = [...wijken, ...buurten].filter((r) => r.interior_point_wgs84);
    fillSearchList();
    // Neighbouring gemeenten are named for orientation; the one shown is named in the legend.
    const around = gemeenten.filter((g) => g.interior_point_wgs84 && g.code !== gemeente);
    map.setLabels([...loaded.regions, ...around]);
  });
}

/** The search list: the best matches of what is typed (every region when nothing is). */
function fillSearchList() {
  $('region-names').innerHTML = searchOptions(loaded.regions, $('search').value)
    .map((o) => `<option value="${escapeHtml(o.value)}" label="${escapeHtml(o.label)}"></option>`).join('');
}

/** Opens the region the search field names (a code, a name or part of one), if any. */
function onSearch() {
  const input = $('search');
  const text = input.value.trim();
  if (!text) return;
  const found = bestRegion(loaded.regions, text);
  if (!found) {
    input.setCustomValidity(`Geen buurt of wijk gevonden met "${text}".`);
    input.reportValidity();
    return;
  }
  map.map.flyTo({ center: found.interior_point_wgs84, zoom: found.level === 'buurt' ? 14 : 13 });
  select([found.code], false).catch(report);
  input.value = '';
  fillSearchList();
}

function onSearchInput() {
  const input = $('search');
  input.setCustomValidity('');
  // An option picked from the list ("Name (CODE)") opens at once.
  if (codeIn(input.value) && bestRegion(loaded.regions, input.value)) {
    onSearch();
    return;
  }
  fillSearchList();
}

async function exportPng() {
  const blob = await map.toPng({
    title: legendTitle(),
    subtitle: `${levelText(drawn.state)}, ${drawn.years.join(', ')}`,
    legend: { title: legendUnit() || 'waarde', rows: legendRows() },
  });
  downloadBlob(blob, `buurt-kaart-${drawn.state.indicator}-${drawn.state.level}.png`);
}

async function main() {
  const [config, indicators] = await latest('start', (signal) => Promise.all([api.config(signal), api.indicators(null, null, signal)]));
  for (const info of indicators) loaded.catalogue.set(info.id, info);
  if (!loaded.catalogue.has(store.get().indicator)) store.set({ indicator: urlState.DEFAULTS.indicator });
  await loadAvailable(store.get().level, store.get().gemeente);
  store.set(fitToAvailable(store.get()));
  controls.classes.innerHTML = [3, 4, 5, 6, 7].map((n) => `<option value="${n}">${n}</option>`).join('');
  syncControls(store.get());

  // Before the map writes its position into the hash: a shared link brings its own.
  const hadPosition = /^#\d/.test(window.location.hash);
  map = new ChoroplethMap($('map'), {
    baseStyleUrl: config.base_style_url,
    onHover: tooltip,
    onClick: (code, _level, shift) => select([code], shift).catch(report),
  });
  const [, gemeente] = await Promise.all([
    map.init(),
    latest('gemeente', (signal) => api.region(store.get().gemeente, signal)).catch(() => null),
  ]);
  loaded.gemeenteName = gemeente?.name ?? null;
  if (gemeente?.geometry && !hadPosition) map.fitGeometry(gemeente.geometry);
  for (const [key, el] of Object.entries(controls)) {
    el.addEventListener('change', () => choose(key, el.value).catch(report));
  }
  // Typing narrows the list and picking from it opens the region; Enter opens the best match
  // of what is typed (not leaving the field: a half-typed name is no choice yet).
  $('search').addEventListener('input', onSearchInput);
  $('search').addEventListener('keydown', (e) => { if (e.key === 'Enter') onSearch(); });
  $('export-png').addEventListener('click', () => exportPng().catch((e) => {
    // A base map from another origin without CORS headers makes the canvas unreadable.
    setStatus(`De kaart kon niet als PNG worden bewaard: ${e.message}`);
  }));
  store.subscribe(onChange);
  urlState.write(store.get());
  await Promise.all([drawChoropleth(), loadRegions(), showSelection()]);
}

main().catch((e) => {
  if (isAbort(e)) return;
  setStatus(`De kaart kon niet laden: ${e.message}`);
  throw e;
});
