// The viewer: controls → store (and URL) → map, legend, hover tooltip and the profile panel.
//
// What the user chose lives in one store (store.js); `onChange` below is the one place a change
// reaches the screen and the address bar. Every request goes through `latest` (latest.js), so a
// newer request of the same kind cancels the older one. Every number shown comes from the
// service (values, indexes, bands and class breaks): the page computes no statistic itself.
// The viewer's gemeente is chosen in the gemeente picker (or by a click on the map outside it);
// what the map shows at a zoom (the gemeenten of the Netherlands, or the gemeente's wijken or
// buurten) follows from the state and the zoom (view.js).

import * as api from './api.js';
import {
  NO_DATA_COLOR, classOf, featureProperty, fillExpression, makeClasses, rangeText,
} from './classes.js';
import { Combobox } from './combobox.js';
import {
  THEMES, bandText, escapeHtml, formatIndex, formatValue, indicatorLabel, missingLabel, themeLabel,
} from './format.js';
import {
  NATIONAL, NATIONAL_NAME, NL_BBOX, bboxOf, fallbackMessage, gemeenteOf, gemeenteOptions, onMap,
  pickerGemeenten, resolveGemeente,
} from './gemeenten.js';
import {
  HOTSPOTS, areaText, clusterClass, clusterCounts, clusterFill, clusterProperty, hotspotArea,
  hotspotLegendRows, moranText,
} from './hotspots.js';
import { isAbort, latest } from './latest.js';
import { legendRows as makeLegendRows, legendUnit as makeLegendUnit } from './legend.js';
import { ChoroplethMap } from './map.js';
import * as profilePanel from './profile.js';
import { bestRegion, codeIn, searchOptions } from './search.js';
import { createStore } from './store.js';
import * as urlState from './url-state.js';
import {
  fitLevel, referenceOf, sameView, shownView, viewNote, viewTitle,
} from './view.js';

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
  drawable: { wijk: false, buurt: false }, // which levels the map has of the gemeente
  gemeenten: [], // every gemeente the service knows
  picker: [], // the gemeenten on the map, for the picker
  onMap: new Set(), // their codes
  gemeenteName: null,
};

/**
 * The map as drawn: the state it shows, the view (view.js: which regions, classified within
 * what), its classes, the regions without a number, the years.
 */
let drawn = { state: store.get(), view: null, classes: [], missingCount: 0, years: [] };
/** The view of the newest drawing asked for (drawn or still loading). */
let requestedView = null;

let map;
let picker;
let areaJsonUrl = null;
/** Set while the state follows the browser's history (back, forward): no new history entry. */
let restoringHistory = false;
const PAGE_TITLE = document.title;

/** The name of a gemeente code (the national map: Nederland). */
function gemeenteName(code) {
  if (code === NATIONAL) return 'Nederland';
  return loaded.gemeenten.find((g) => g.code === code)?.name ?? code;
}

/** A lasting message above the map (a link's gemeente that could not be opened); '' hides it. */
function setNotice(text) {
  $('notice-text').textContent = text;
  $('notice').hidden = !text;
}

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
 * The indicators with values for `level` in the gemeente (on the national map, or for a gemeente
 * without regions on the map: for the gemeenten): the picker offers only those, so no choice
 * ends in an empty map.
 */
async function loadAvailable(level, gemeente, drawable = loaded.drawable) {
  const national = gemeente === NATIONAL || (!drawable.wijk && !drawable.buurt);
  const list = await latest('available', (signal) => api.indicators(national ? 'gemeente' : level, national ? NATIONAL : gemeente, signal));
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
  // A gemeente without buurten on the map has no map of buurten; the national map no level.
  controls.level.querySelector('option[value="buurt"]').disabled = fitLevel('buurt', loaded.drawable) !== 'buurt';
  controls.level.disabled = s.gemeente === NATIONAL;
  $('search').disabled = s.gemeente === NATIONAL;
  controls.mode.value = s.mode;
  controls.method.value = s.method;
  controls.classes.value = String(s.classes);
  // Hot spots have their own classes: no method or number of classes to choose.
  controls.method.disabled = s.mode === HOTSPOTS;
  controls.classes.disabled = s.mode === HOTSPOTS;
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
  // Another gemeente is a new entry in the history, unless the history itself brought it.
  urlState.write(s, { push: changed.has('gemeente') && !restoringHistory });
  syncControls(s);
  if (changed.has('gemeente')) picker?.restore();
  if (MAP_KEYS.some((k) => changed.has(k))) drawChoropleth().catch(report);
  if (changed.has('region') || changed.has('year')) showSelection().catch(report);
}

function legendRows() {
  const { state, classes, missingCount } = drawn;
  if (state.mode === HOTSPOTS) {
    return hotspotLegendRows(drawn.counts).map((r) => ({ color: r.color, text: `${r.text} (${r.count})` }));
  }
  const info = loaded.catalogue.get(state.indicator);
  return makeLegendRows({ classes, mode: state.mode, unit: info?.unit, polarity: info?.polarity, missingCount });
}

function legendUnit() {
  const { state, view } = drawn;
  return makeLegendUnit(state.mode, loaded.catalogue.get(state.indicator)?.unit, referenceOf(view));
}

function legendTitle() {
  if (drawn.state.mode === HOTSPOTS) return `Hot spots: ${indicatorLabel(loaded.catalogue.get(drawn.state.indicator))}`;
  const unit = legendUnit();
  return `${indicatorLabel(loaded.catalogue.get(drawn.state.indicator))}${unit ? ` (${unit})` : ''}`;
}

function levelText() {
  return viewTitle(drawn.view, loaded.gemeenteName);
}

/**
 * The hot spots legend: the classes with what they mean, the regions shown in each, what the
 * clusters are computed over, and the global Moran's I.
 */
function renderHotspotLegend() {
  const { view, years, hotspots } = drawn;
  const rows = hotspotLegendRows(drawn.counts).map((r) => `<li data-class="${r.label}"><span class="swatch${r.label === 'none' ? ' nodata' : ''}" style="background:${r.color}"></span><span><b>${escapeHtml(r.text)}</b> (${r.count})<br><small>${escapeHtml(r.meaning)}</small></span></li>`).join('');
  const moran = hotspots ? moranText(hotspots) : null;
  $('legend').innerHTML = `<h2>${escapeHtml(legendTitle())}</h2>
    <p>${escapeHtml(levelText())} · ${escapeHtml(years.length ? years.join(', ') : '–')} · lokale Moran's I ${escapeHtml(areaText(view, loaded.gemeenteName))}</p>
    ${moran ? `<p id="moran" class="moran" data-moran-i="${hotspots.global.moran_i}"><b>${escapeHtml(moran.line)}</b><br>${escapeHtml(moran.meaning)}</p>` : ''}
    <ul class="clusters">${rows}</ul>`;
}

function renderLegend() {
  if (drawn.state.mode === HOTSPOTS) {
    renderHotspotLegend();
    return;
  }
  const { state: s, classes, years } = drawn;
  const methodText = { quantile: 'kwantielen', jenks: 'natuurlijke grenzen (Jenks)', equal: 'gelijke intervallen' }[s.method];
  const rows = legendRows().map((r) => {
    if (r.need) return `<li class="need-end need-${r.need}">${escapeHtml(r.text)}</li>`;
    return `<li data-class="${r.noData ? 'none' : r.klass}"><span class="swatch${r.noData ? ' nodata' : ''}" style="background:${r.color}"></span>${escapeHtml(r.text)}</li>`;
  }).join('');
  $('legend').innerHTML = `<h2>${escapeHtml(legendTitle())}</h2>
    <p>${escapeHtml(levelText())} · ${escapeHtml(years.length ? years.join(', ') : '–')} · ${classes.length} ${classes.length === 1 ? 'klasse' : 'klassen'}, ${methodText}</p>
    <ul>${rows}</ul>`;
}

/** What the map should show now: the state at the map's zoom (see view.js). */
function currentView() {
  const s = store.get();
  return shownView({ gemeente: s.gemeente, level: s.level, zoom: map.zoom(), drawable: loaded.drawable });
}

/** The map moved: another zoom may call for another view (gemeenten, wijken, buurten). */
function onViewChange() {
  if (switching || !requestedView) return;
  if (!sameView(currentView(), requestedView)) drawChoropleth().catch(report);
}

/**
 * The choropleth of the current state and view: values (or indexes) and breaks from the API,
 * over the regions shown (the gemeenten of the Netherlands, or the gemeente's wijken or buurten).
 */
function drawChoropleth() {
  const view = currentView();
  requestedView = view;
  delete document.body.dataset.mapReady;
  return latest('choropleth', async (signal) => {
    const s = store.get();
    setStatus('Kaart laden…');
    const { year, method, classes, mode } = s;
    const { level, within } = view;
    if (mode === HOTSPOTS) {
      await drawHotspots(s, view, signal);
      return;
    }
    const answer = await api.values(s.indicator, { level, within, year, method, classes, mode }, signal);
    const info = loaded.catalogue.get(s.indicator);
    // The regions on the map: of the gemeenten those of today (the service also knows merged
    // ones of an older indeling, which the map does not draw).
    const shown = level === 'gemeente' && loaded.onMap.size
      ? answer.values.filter((v) => loaded.onMap.has(v.code)) : answer.values;
    // The numbers the map classifies: each region's value, or its index (gemeente = 100).
    const numbers = shown.map((v) => (mode === 'index' ? v.index : v.value)).filter(Number.isFinite);
    drawn = {
      state: s,
      view,
      // Classes of the numbers as the legend and the tooltip print them (the unit's decimals).
      classes: makeClasses({ breaks: answer.breaks, numbers, mode, unit: info?.unit, polarity: info?.polarity }),
      missingCount: shown.length - numbers.length,
      years: [...new Set(shown.filter((v) => v.value !== null).map((v) => v.year))].sort(),
    };
    map.setChoropleth({
      indicator: s.indicator,
      year,
      level,
      gemeente: s.gemeente === NATIONAL ? null : s.gemeente,
      fill: fillExpression(s.indicator, mode, drawn.classes),
    });
    renderLegend();
    let message = viewNote(view, loaded.gemeenteName);
    if (!numbers.length) {
      const national = level === 'gemeente';
      message = [message, mode === 'index'
        ? `Geen index voor deze indicator ${national ? 'per gemeente (geen landelijke waarde' : 'op dit niveau in deze gemeente (geen gemeentewaarde'} om mee te vergelijken).`
        : `Geen waarden voor deze indicator ${national ? 'per gemeente' : 'op dit niveau in deze gemeente'}.`].filter(Boolean).join(' ');
    }
    setStatus(message);
    await map.idle();
    signal.throwIfAborted();
    // The view drawn, for the end-to-end tests (and anyone scripting the page) to wait on: the
    // choices, and which regions are shown within what (`gemeente|NL`, `buurt|GM0344`).
    document.body.dataset.mapView = `${level}|${within ?? NATIONAL}`;
    document.body.dataset.mapReady = `${s.indicator}|${s.year}|${s.level}|${s.mode}|${s.method}|${s.classes}`;
  });
}

/**
 * The hot spots of the current state and view: regions coloured by the tiles' cluster labels,
 * the legend counted and the global Moran's I from /api/v1/hotspots over the same regions.
 */
async function drawHotspots(s, view, signal) {
  const { level, within } = view;
  let answer = null;
  let problem = '';
  try {
    answer = await api.hotspots(s.indicator, { ...hotspotArea(view), year: s.year }, signal);
  } catch (e) {
    if (isAbort(e)) throw e;
    // Too few regions with a value, say: the map shows no clusters and says why.
    problem = `Geen hot spots: ${e.message}`;
  }
  // Of the gemeenten, those on the map (the service also knows merged ones of older indelingen).
  const shown = answer && level === 'gemeente' && loaded.onMap.size ? {
    ...answer,
    regions: answer.regions.filter((r) => loaded.onMap.has(r.code)),
    left_out: answer.left_out.filter((r) => loaded.onMap.has(r.code)),
  } : answer;
  drawn = {
    state: s,
    view,
    classes: [],
    missingCount: 0,
    years: answer ? [answer.year] : [],
    hotspots: answer,
    counts: shown ? clusterCounts(shown, view) : null,
  };
  const fill = clusterFill(s.indicator);
  map.setChoropleth({
    indicator: s.indicator,
    year: s.year,
    level,
    gemeente: s.gemeente === NATIONAL ? null : s.gemeente,
    fill,
    // Around a gemeente's buurten the wijken's clusters are of another analysis (all wijken of
    // the Netherlands): drawn neutral, so that one map shows one analysis.
    contextFill: level === 'buurt' ? NO_DATA_COLOR : fill,
    clusters: true,
  });
  renderLegend();
  setStatus([viewNote(view, loaded.gemeenteName), problem].filter(Boolean).join(' '));
  await map.idle();
  signal.throwIfAborted();
  document.body.dataset.mapView = `${level}|${within ?? NATIONAL}`;
  document.body.dataset.mapReady = `${s.indicator}|${s.year}|${s.level}|${s.mode}|${s.method}|${s.classes}`;
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
  // A gemeente compares with Nederland, a wijk or buurt with its gemeente.
  const reference = hover.level === 'gemeente' ? 'Nederland' : 'gemeente';
  // A wijk around the gemeente (drawn faded) or another gemeente: a click chooses its gemeente.
  const elsewhere = gemeenteOf(p.code);
  const hint = elsewhere && elsewhere !== s.gemeente
    ? `<p class="tip-hint">Klik: naar gemeente ${escapeHtml(gemeenteName(elsewhere))}</p>` : '';
  let body;
  if (value === undefined || value === null) {
    body = `<p>${escapeHtml(missingLabel(p[`${s.indicator}_missing`]))}</p>`;
  } else {
    const index = p[`${s.indicator}_index`];
    const year = p[`${s.indicator}_year`];
    const band = p[`${s.indicator}_band`];
    // The classes are those of the regions shown in full, not of the faded ones around.
    const k = hover.kind === 'main' ? classOf(classes, p[featureProperty(s.indicator, s.mode)]) : -1;
    body = `<p class="tip-value">${escapeHtml(formatValue(value, info?.unit))}${year ? ` <span>(${year})</span>` : ''}</p>
      ${index !== undefined && index !== null ? `<p>index ${formatIndex(index)} (${reference} = 100)</p>` : ''}
      ${k >= 0 ? `<p>klasse ${k + 1} van ${classes.length}: ${escapeHtml(rangeText(classes[k], s.mode, info?.unit))}</p>` : ''}
      ${band ? `<p>${escapeHtml(bandText(band, reference))}</p>` : ''}`;
  }
  // Hot spots: the region's cluster (not of the wijken drawn neutral around a gemeente's buurten).
  if (s.mode === HOTSPOTS && !(hover.kind === 'context' && drawn.view?.level === 'buurt')) {
    const c = clusterClass(p[clusterProperty(s.indicator)]);
    body += `<p class="tip-cluster" data-cluster="${c.label}"><b>${escapeHtml(c.text)}</b><br>${escapeHtml(c.meaning)}</p>`;
  }
  el.innerHTML = `<h3>${escapeHtml(p.name)}</h3><p class="code">${escapeHtml(p.code)}</p>${body}${hint}`;
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
  // An area is made of buurten (a wijk adds its buurten); a gemeente is only selected.
  if (add && codes.every((c) => c.startsWith('BU') || c.startsWith('WK'))) {
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

/** A click on the map: a region of the gemeente is selected; one elsewhere chooses its gemeente. */
function onMapClick(code, _kind, shift) {
  const gemeente = gemeenteOf(code);
  if (gemeente && gemeente !== store.get().gemeente) {
    switchGemeente(gemeente, { region: [code] }).catch(report);
    return;
  }
  select([code], shift).catch(report);
}

/**
 * The wijken and buurten of gemeente `code` that the map draws (none on the national map), for
 * the search, the labels and which levels the map has of it.
 */
function loadRegions(code) {
  return latest('regions', async (signal) => {
    if (code === NATIONAL) return [];
    const [wijken, buurten] = await Promise.all([
      api.regions('wijk', code, signal),
      api.regions('buurt', code, signal),
    ]);
    // Those the map draws (the service says so; without `on_map` those with a place on it).
    return [...wijken, ...buurten].filter((r) => r.interior_point_wgs84 && onMap(r));
  });
}

/** The names on the map: the gemeente's wijken and buurten, and every gemeente on the map. */
function updateLabels() {
  const gemeenten = loaded.gemeenten.filter((g) => onMap(g) && g.interior_point_wgs84);
  map.setLabels([...loaded.regions, ...gemeenten]);
}

/**
 * Where the map goes for gemeente `code`: the service's box of it, else the box of its boundary,
 * else of its regions' points; null when none is known.
 */
async function boxOfGemeente(code, regions) {
  if (code === NATIONAL) return NL_BBOX;
  const known = loaded.gemeenten.find((g) => g.code === code);
  const box = bboxOf(known);
  if (box) return box;
  try {
    const detail = await latest('gemeente', (signal) => api.region(code, signal));
    const fromGeometry = ChoroplethMap.boxOf(detail.geometry);
    if (fromGeometry) return fromGeometry;
  } catch (e) {
    if (isAbort(e)) throw e;
  }
  const points = [...regions.map((r) => r.interior_point_wgs84), known?.interior_point_wgs84].filter(Boolean);
  if (!points.length) return null;
  const lons = points.map((p) => p[0]);
  const lats = points.map((p) => p[1]);
  const box2 = [Math.min(...lons), Math.min(...lats), Math.max(...lons), Math.max(...lats)];
  // A single point: a few kilometres around it.
  return box2[0] === box2[2] ? [box2[0] - 0.05, box2[1] - 0.03, box2[2] + 0.05, box2[3] + 0.03] : box2;
}

let switchTurn = 0;
/** Set while switchGemeente moves the map to the gemeente it has not yet set. */
let switching = false;

/**
 * Makes `code` the viewer's gemeente (NL: the national map): its regions and indicators loaded,
 * the state set (the URL follows) with `region` selected. A code the map cannot open (unknown, or
 * an old gemeente without regions on the map) falls back to the national map with a message.
 * Options: `move` (`fly` or `jump`: the map goes to the gemeente; else it stays, as after a
 * click on the map), `restore` (a state from the browser's history, set as it is).
 */
async function switchGemeente(code, { region = [], move = null, restore = null } = {}) {
  const turn = ++switchTurn;
  let target = code;
  let selection = region;
  let notice = '';
  const resolution = loaded.gemeenten.length ? resolveGemeente(target, loaded.gemeenten) : { kind: 'ok' };
  if (resolution.kind === 'unknown') {
    notice = fallbackMessage(target, resolution);
    target = NATIONAL;
  }
  let regions = await loadRegions(target);
  // An old gemeente is only opened when the map has its wijken or buurten.
  if (resolution.kind === 'not_on_map' && !regions.length) {
    notice = fallbackMessage(target, resolution);
    target = NATIONAL;
    regions = [];
  }
  // The national map has no selection: a click there chooses a gemeente.
  if (target === NATIONAL) selection = [];
  const drawable = { wijk: regions.some((r) => r.level === 'wijk'), buurt: regions.some((r) => r.level === 'buurt') };
  const base = restore ?? store.get();
  const level = fitLevel(base.level, drawable);
  await loadAvailable(level, target, drawable);
  const box = move ? await boxOfGemeente(target, regions) : null;
  if (turn !== switchTurn) return;
  setNotice(notice);
  loaded.regions = regions;
  loaded.drawable = drawable;
  loaded.gemeenteName = gemeenteName(target);
  fillSearchList();
  updateLabels();
  // The map moves first, so that the drawing asked for below is that of where it goes (and not
  // of the old gemeente at the new zoom, in between).
  switching = true;
  try {
    if (box) map.showBox(box, { animate: move === 'fly' });
  } finally {
    switching = false;
  }
  restoringHistory = Boolean(restore);
  try {
    store.set(fitToAvailable({ ...base, gemeente: target, level, region: selection }));
  } finally {
    restoringHistory = false;
  }
  picker.restore();
}

/** The gemeente picker's choice: the map flies there and shows its profile. */
function chooseGemeente(code) {
  switchGemeente(code, { region: code === NATIONAL ? [] : [code], move: 'fly' }).catch(report);
}

/** Back or forward in the browser's history: the state of that entry (MapLibre moves the map). */
async function onHistory() {
  const s = urlState.read();
  if (s.gemeente !== store.get().gemeente) {
    await switchGemeente(s.gemeente, { region: s.region, restore: s });
    return;
  }
  if (s.level !== store.get().level) await loadAvailable(s.level, s.gemeente);
  restoringHistory = true;
  try {
    store.set(fitToAvailable(s));
  } finally {
    restoringHistory = false;
  }
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
    subtitle: `${levelText()}, ${drawn.years.join(', ')}`,
    legend: { title: drawn.state.mode === HOTSPOTS ? "hot spots (lokale Moran's I)" : legendUnit() || 'waarde', rows: legendRows() },
  });
  downloadBlob(blob, `buurt-kaart-${drawn.state.indicator}-${drawn.view.level}.png`);
}

async function main() {
  const [config, indicators, gemeenten] = await latest('start', (signal) => Promise.all([
    api.config(signal),
    api.indicators(null, null, signal),
    // Without the list the page still opens its gemeente (without a picker to choose another).
    api.regions('gemeente', null, signal).catch((e) => {
      if (isAbort(e)) throw e;
      return [];
    }),
  ]));
  for (const info of indicators) loaded.catalogue.set(info.id, info);
  loaded.gemeenten = gemeenten;
  loaded.picker = pickerGemeenten(gemeenten);
  loaded.onMap = new Set(loaded.picker.map((g) => g.code));
  if (!loaded.catalogue.has(store.get().indicator)) store.set({ indicator: urlState.DEFAULTS.indicator });
  controls.classes.innerHTML = [3, 4, 5, 6, 7].map((n) => `<option value="${n}">${n}</option>`).join('');

  // Before the map writes its position into the hash: a shared link brings its own.
  const hadPosition = /^#\d/.test(window.location.hash);
  map = new ChoroplethMap($('map'), {
    baseStyleUrl: config.base_style_url,
    onHover: tooltip,
    onClick: onMapClick,
    onViewChange,
  });
  // For the end-to-end tests and anyone scripting the page.
  window.buurtViewer = { map: map.map, store };
  picker = new Combobox({
    input: $('gemeente'),
    listbox: $('gemeente-list'),
    status: $('gemeente-count'),
    options: (text) => gemeenteOptions(loaded.picker, text)
      .map((g) => ({ id: g.code, label: g.name, detail: g.code === NATIONAL ? '' : g.code })),
    onChoose: (option) => chooseGemeente(option.id),
    currentText: () => (store.get().gemeente === NATIONAL ? NATIONAL_NAME : loaded.gemeenteName ?? store.get().gemeente),
    noMatch: (text) => `Geen gemeente gevonden met "${text}".`,
  });
  await map.init();
  // The gemeente of the link (or Utrecht): its regions and indicators, the map on it.
  await switchGemeente(store.get().gemeente, { region: store.get().region, move: hadPosition ? null : 'jump' });
  syncControls(store.get());
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
  $('notice-close').addEventListener('click', () => setNotice(''));
  window.addEventListener('popstate', () => onHistory().catch(report));
  store.subscribe(onChange);
  urlState.write(store.get());
  await Promise.all([drawChoropleth(), showSelection()]);
}

main().catch((e) => {
  if (isAbort(e)) return;
  setStatus(`De kaart kon niet laden: ${e.message}`);
  throw e;
});
