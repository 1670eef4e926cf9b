// The viewer: controls ↔ URL state ↔ map, legend, hover tooltip and the profile panel.

import * as api from './api.js';
import { classOf, fillExpression, makeClasses, NO_DATA_COLOR, rangeText } from './classes.js';
import {
  BANDS, THEMES, escapeHtml, formatIndex, formatValue, indicatorLabel, missingLabel, themeLabel, unitLabel,
} from './format.js';
import { ChoroplethMap } from './map.js';
import * as profilePanel from './profile.js';
import * as urlState from './url-state.js';

const $ = (id) => document.getElementById(id);
const controls = {
  indicator: $('indicator'), year: $('year'), level: $('level'), mode: $('mode'), method: $('method'), classes: $('classes'),
};

const view = {
  state: urlState.read(),
  catalogue: new Map(),
  available: null,
  classes: [],
  valuesYears: [],
  gemeenteValue: null,
  regions: [],
  map: null,
};

function setStatus(text) {
  $('status').textContent = text;
  $('status').hidden = !text;
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

// The indicators with values for the chosen level in the gemeente: the picker offers only
// those, so no choice ends in an empty map.
async function refreshAvailable() {
  const list = await api.indicators(view.state.level, view.state.gemeente);
  view.available = new Map(list.map((info) => [info.id, info]));
  fillIndicatorSelect(list);
  if (!view.available.has(view.state.indicator)) {
    const fallback = view.available.has(urlState.DEFAULTS.indicator)
      ? urlState.DEFAULTS.indicator
      : (list.find((i) => i.headline) ?? list[0])?.id;
    if (fallback) view.state.indicator = fallback;
  }
}

function fillYearSelect() {
  const info = view.available?.get(view.state.indicator) ?? view.catalogue.get(view.state.indicator);
  const years = [...(info?.years ?? [])].sort((a, b) => b - a);
  if (view.state.year && !years.includes(Number(view.state.year))) view.state.year = '';
  controls.year.innerHTML = `<option value="">nieuwste</option>${years.map((y) => `<option value="${y}">${y}</option>`).join('')}`;
  controls.year.value = view.state.year;
}

function syncControls() {
  const s = view.state;
  controls.indicator.value = s.indicator;
  fillYearSelect();
  controls.level.value = s.level;
  controls.mode.value = s.mode;
  controls.method.value = s.method;
  controls.classes.value = String(s.classes);
}

function legendRows() {
  const info = view.catalogue.get(view.state.indicator);
  const rows = view.classes.map((c) => ({ color: c.color, text: `${rangeText(c, view.state.mode, info?.unit)} (${c.count})` }));
  rows.push({ color: NO_DATA_COLOR, text: `geen gegevens / onderdrukt (${view.missingCount})`, noData: true });
  return rows;
}

function legendTitle() {
  const info = view.catalogue.get(view.state.indicator);
  const unit = view.state.mode === 'index' ? 'index, gemeente = 100' : unitLabel(info?.unit);
  return `${indicatorLabel(info)}${unit ? ` (${unit})` : ''}`;
}

function renderLegend() {
  const s = view.state;
  const years = view.valuesYears.length ? view.valuesYears.join(', ') : '–';
  const methodText = { quantile: 'kwantielen', jenks: 'natuurlijke grenzen (Jenks)', equal: 'gelijke intervallen' }[s.method];
  const rows = legendRows().map((r, i) => `<li data-class="${r.noData ? 'none' : i}"><span class="swatch${r.noData ? ' nodata' : ''}" style="background:${r.color}"></span>${escapeHtml(r.text)}</li>`).join('');
  $('legend').innerHTML = `<h2>${escapeHtml(legendTitle())}</h2>
    <p>${s.level === 'buurt' ? 'Buurten' : 'Wijken'} van ${escapeHtml(view.gemeenteName ?? s.gemeente)} · ${escapeHtml(years)} · ${view.classes.length} klassen, ${methodText}</p>
    <ul>${rows}</ul>`;
}

let drawing = 0;

async function updateChoropleth() {
  // Controls may change again while values load: only the newest request draws.
  drawing += 1;
  const token = drawing;
  const s = { ...view.state };
  const info = view.catalogue.get(s.indicator);
  setStatus('Kaart laden…');
  const opts = { level: s.level, within: s.gemeente, year: s.year, method: s.method, classes: s.classes };
  const [values, gemeente] = await Promise.all([
    api.values(s.indicator, opts),
    api.values(s.indicator, { ...opts, level: 'gemeente' }),
  ]);
  if (token !== drawing) return;
  view.gemeenteValue = gemeente.values.find((v) => v.code === s.gemeente)?.value ?? null;
  view.gemeenteName = gemeente.values.find((v) => v.code === s.gemeente)?.name ?? s.gemeente;
  const numbers = values.values.map((v) => v.value).filter((v) => v !== null && Number.isFinite(v));
  view.missingCount = values.values.length - numbers.length;
  view.valuesYears = [...new Set(values.values.filter((v) => v.value !== null).map((v) => v.year))].sort();
  let message = '';
  if (s.mode === 'index' && !(view.gemeenteValue > 0)) {
    message = 'Geen gemeentewaarde voor deze indicator: de index kan niet worden berekend.';
  }
  view.classes = message ? [] : makeClasses({
    breaks: values.breaks, numbers, mode: s.mode, gemeenteValue: view.gemeenteValue, polarity: info?.polarity,
  });
  if (!numbers.length) message = 'Geen waarden voor deze indicator op dit niveau in deze gemeente.';
  view.map.setChoropleth({
    indicator: s.indicator,
    year: s.year,
    level: s.level,
    within: s.gemeente,
    fill: fillExpression(s.indicator, s.mode, view.gemeenteValue, view.classes),
  });
  renderLegend();
  setStatus(message);
  await view.map.idle();
  if (token !== drawing) return;
  // The view drawn, for the end-to-end tests (and anyone scripting the page) to wait on.
  document.body.dataset.mapReady = `${s.indicator}|${s.year}|${s.level}|${s.mode}|${s.method}|${s.classes}`;
}

function tooltip(hover) {
  const el = $('tooltip');
  if (!hover) {
    el.hidden = true;
    return;
  }
  const s = view.state;
  const p = hover.properties;
  const info = view.catalogue.get(s.indicator);
  const value = p[s.indicator];
  let body;
  if (value === undefined || value === null) {
    body = `<p>${escapeHtml(missingLabel(p[`${s.indicator}_missing`]))}</p>`;
  } else {
    const index = p[`${s.indicator}_index`] ?? (view.gemeenteValue > 0 ? (value / view.gemeenteValue) * 100 : null);
    const x = s.mode === 'index' ? index : value;
    const k = classOf(view.classes, x);
    const band = p[`${s.indicator}_band`];
    body = `<p class="tip-value">${escapeHtml(formatValue(value, info?.unit))}${p[`${s.indicator}_year`] ? ` <span>(${p[`${s.indicator}_year`]})</span>` : ''}</p>
      ${index !== null ? `<p>index ${formatIndex(index)} (gemeente = 100)</p>` : ''}
      ${k >= 0 ? `<p>klasse ${k + 1} van ${view.classes.length}: ${escapeHtml(rangeText(view.classes[k], s.mode, info?.unit))}</p>` : ''}
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

let showing = 0;

async function showSelection() {
  showing += 1;
  const token = showing;
  const codes = view.state.region;
  view.map.setSelection(codes);
  const el = $('profile');
  if (!codes.length) {
    el.innerHTML = $('intro').innerHTML;
    return;
  }
  el.setAttribute('aria-busy', 'true');
  try {
    const year = view.state.year;
    if (codes.length === 1) {
      const profile = await api.profile(codes[0], year);
      if (token !== showing) return;
      profilePanel.render(el, profile, {
        catalogue: view.catalogue,
        isArea: false,
        downloads: { csvUrl: api.profileUrl(codes[0], year, 'csv'), jsonUrl: api.profileUrl(codes[0], year), base: `buurt-profiel-${codes[0]}` },
      });
    } else {
      const profile = await api.areaDiagnose(`Gebied van ${codes.length} buurten`, codes, year);
      if (token !== showing) return;
      // An area has no URL of its own: its downloads are made here, the previous ones freed.
      for (const url of view.areaUrls ?? []) URL.revokeObjectURL(url);
      const csv = URL.createObjectURL(new Blob([profilePanel.toCsv(profile)], { type: 'text/csv' }));
      const json = URL.createObjectURL(new Blob([JSON.stringify(profile, null, 2)], { type: 'application/json' }));
      view.areaUrls = [csv, json];
      profilePanel.render(el, profile, {
        catalogue: view.catalogue,
        isArea: true,
        names: new Map(view.regions.map((r) => [r.code, r.name])),
        downloads: { csvUrl: csv, jsonUrl: json, base: 'buurt-gebied' },
        onClear: () => select([], false),
      });
    }
    el.dataset.code = codes.join(',');
  } catch (e) {
    el.innerHTML = `<p class="error">Profiel niet beschikbaar: ${escapeHtml(e.message)}</p>`;
  } finally {
    el.removeAttribute('aria-busy');
  }
}

/** Select a region, or with `add` toggle buurten in the area (a wijk adds its buurten). */
async function select(codes, add) {
  let next = codes;
  if (add) {
    const current = new Set(view.state.region.filter((c) => c.startsWith('BU')));
    const buurten = [];
    for (const code of codes) {
      if (code.startsWith('WK')) {
        buurten.push(...(await api.regions('buurt', code)).map((r) => r.code));
      } else {
        buurten.push(code);
      }
    }
    const allIn = buurten.every((c) => current.has(c));
    for (const c of buurten) {
      if (allIn) current.delete(c);
      else current.add(c);
    }
    next = [...current].sort();
  }
  view.state.region = next;
  urlState.write(view.state);
  await showSelection();
}

async function loadRegions() {
  const [wijken, buurten, gemeenten] = await Promise.all([
    api.regions('wijk', view.state.gemeente),
    api.regions('buurt', view.state.gemeente),
    api.regions('gemeente', 'NL'),
  ]);
  view.regions = [...wijken, ...buurten].filter((r) => r.interior_point_wgs84);
  $('region-names').innerHTML = view.regions
    .map((r) => `<option value="${escapeHtml(`${r.name} (${r.code})`)}"></option>`).join('');
  // Neighbouring gemeenten are named for orientation; the one shown is named in the legend.
  const around = gemeenten.filter((g) => g.interior_point_wgs84 && g.code !== view.state.gemeente);
  view.map.setLabels([...view.regions, ...around]);
}

function onSearch() {
  const text = $('search').value.trim();
  const code = /\(([A-Z]{2}\d+)\)$/.exec(text)?.[1];
  const found = view.regions.find((r) => r.code === code)
    ?? view.regions.find((r) => r.name.toLowerCase() === text.toLowerCase());
  if (!found) return;
  view.map.map.flyTo({ center: found.interior_point_wgs84, zoom: found.level === 'buurt' ? 14 : 13 });
  select([found.code], false);
  $('search').value = '';
}

async function exportPng() {
  const s = view.state;
  const blob = await view.map.toPng({
    title: legendTitle(),
    subtitle: `${s.level === 'buurt' ? 'Buurten' : 'Wijken'} van ${view.gemeenteName ?? s.gemeente}, ${view.valuesYears.join(', ')}`,
    legend: { title: s.mode === 'index' ? 'index, gemeente = 100' : unitLabel(view.catalogue.get(s.indicator)?.unit) || 'waarde', rows: legendRows() },
  });
  downloadBlob(blob, `buurt-kaart-${s.indicator}-${s.level}.png`);
}

async function main() {
  const [config, indicators] = await Promise.all([api.config(), api.indicators()]);
  for (const info of indicators) view.catalogue.set(info.id, info);
  if (!view.catalogue.has(view.state.indicator)) view.state.indicator = urlState.DEFAULTS.indicator;
  await refreshAvailable();
  controls.classes.innerHTML = [3, 4, 5, 6, 7].map((n) => `<option value="${n}">${n}</option>`).join('');
  syncControls();

  // Before the map writes its position into the hash: a shared link brings its own.
  const hadPosition = /^#\d/.test(window.location.hash);
  view.map = new ChoroplethMap($('map'), {
    baseStyleUrl: config.base_style_url,
    onHover: tooltip,
    onClick: (code, _level, shift) => select([code], shift),
  });
  const [, gemeente] = await Promise.all([
    view.map.init(),
    hadPosition ? null : api.region(view.state.gemeente).catch(() => null),
  ]);
  if (gemeente?.geometry) view.map.fitGeometry(gemeente.geometry);
  for (const [key, el] of Object.entries(controls)) {
    el.addEventListener('change', async () => {
      view.state[key] = key === 'classes' ? Number(el.value) : el.value;
      if (key === 'level') {
        await refreshAvailable().catch((e) => setStatus(`Fout: ${e.message}`));
        syncControls();
      }
      if (key === 'indicator') fillYearSelect();
      urlState.write(view.state);
      updateChoropleth().catch((e) => setStatus(`Fout: ${e.message}`));
      if (key === 'year') showSelection();
    });
  }
  $('search').addEventListener('change', onSearch);
  $('search').addEventListener('keydown', (e) => { if (e.key === 'Enter') onSearch(); });
  $('export-png').addEventListener('click', () => exportPng().catch((e) => {
    // A base map from another origin without CORS headers makes the canvas unreadable.
    setStatus(`De kaart kon niet als PNG worden bewaard: ${e.message}`);
  }));
  urlState.write(view.state);
  await Promise.all([updateChoropleth(), loadRegions(), showSelection()]);
}

main().catch((e) => {
  setStatus(`De kaart kon niet laden: ${e.message}`);
  throw e;
});
