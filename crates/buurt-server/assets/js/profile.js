// The profile panel: the diagnose of a region or of an area of buurten — headline indicators
// against wijk, gemeente and NL with small bars and trend sparklines, the aandachtspunten, the
// composite scores with their breakdown, every indicator per theme, and the downloads.

import {
  BANDS, BANDS_SHORT, LEVELS, THEMES, escapeHtml, formatIndex, formatNumber, formatValue,
  indicatorLabel, missingLabel, themeLabel,
} from './format.js';

const BAR_KEYS = [
  ['self', null],
  ['wijk', 'wijk'],
  ['gemeente', 'gemeente'],
  ['nl', 'Nederland'],
];

function bars(ind, selfLabel) {
  const rows = BAR_KEYS
    .map(([key, label]) => ({
      label: label ?? selfLabel,
      value: key === 'self' ? ind.value : ind.benchmarks?.[key],
      self: key === 'self',
    }))
    .filter((r) => r.value !== null && r.value !== undefined && Number.isFinite(r.value));
  if (!rows.length) return '';
  const max = Math.max(...rows.map((r) => Math.abs(r.value)), 1e-9);
  const w = 150;
  const h = 13;
  const svg = rows.map((r, i) => {
    const len = Math.max(1, (Math.abs(r.value) / max) * w);
    return `<g transform="translate(0 ${i * (h + 3)})">
      <rect width="${len.toFixed(1)}" height="${h}" class="${r.self ? 'bar-self' : 'bar-ref'}"></rect>
    </g>`;
  }).join('');
  const labels = rows.map((r) => `<li><span>${escapeHtml(r.label)}</span> <b>${escapeHtml(formatValue(r.value, ind.unit))}</b></li>`).join('');
  return `<div class="bars"><svg width="${w}" height="${rows.length * (h + 3)}" role="img" aria-label="Vergelijking met wijk, gemeente en Nederland">${svg}</svg><ul>${labels}</ul></div>`;
}

function sparkline(series, unit) {
  const points = (series ?? []).filter((p) => p.value !== null && Number.isFinite(p.value) && p.comparable !== false);
  if (points.length < 2) return '';
  const w = 110;
  const h = 30;
  const xs = points.map((p) => p.year);
  const ys = points.map((p) => p.value);
  const [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  const [y0, y1] = [Math.min(...ys), Math.max(...ys)];
  const px = (x) => 4 + ((x - x0) / Math.max(x1 - x0, 1)) * (w - 8);
  const py = (y) => (y1 === y0 ? h / 2 : h - 4 - ((y - y0) / (y1 - y0)) * (h - 8));
  const d = points.map((p, i) => `${i ? 'L' : 'M'}${px(p.year).toFixed(1)},${py(p.value).toFixed(1)}`).join(' ');
  const dots = points.map((p) => `<circle cx="${px(p.year).toFixed(1)}" cy="${py(p.value).toFixed(1)}" r="2"><title>${p.year}: ${escapeHtml(formatValue(p.value, unit))}</title></circle>`).join('');
  const text = points.map((p) => `${p.year}: ${formatValue(p.value, unit)}`).join(', ');
  return `<figure class="spark"><svg width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" preserveAspectRatio="none" role="img" aria-label="Trend ${escapeHtml(text)}"><path d="${d}"></path>${dots}</svg><figcaption>${xs[0]}–${xs[xs.length - 1]}</figcaption></figure>`;
}

function band(ind) {
  if (!ind.band) return '';
  return `<span class="band band-${ind.band}" title="${escapeHtml(BANDS[ind.band])}">${escapeHtml(BANDS_SHORT[ind.band])}</span>`;
}

function headlineCard(ind, selfLabel) {
  const value = ind.value === null || ind.value === undefined
    ? `<span class="missing">${escapeHtml(missingLabel(ind.missing_reason))}</span>`
    : `<span class="value" data-value="${ind.value}">${escapeHtml(formatValue(ind.value, ind.unit))}</span>`;
  const year = ind.year ? `<span class="year">${ind.year}</span>` : '';
  const trend = ind.trend?.direction ? `<span class="trend">trend: ${escapeHtml(ind.trend.direction)}</span>` : '';
  return `<article class="card" data-indicator="${escapeHtml(ind.id)}">
    <h4>${escapeHtml(indicatorLabel(ind))}</h4>
    <p class="headline-value">${value} ${year} ${band(ind)}</p>
    <div class="card-charts">${bars(ind, selfLabel)}${sparkline(ind.series, ind.unit)}</div>
    ${trend}
    ${ind.uncertainty ? `<p class="note">${escapeHtml(ind.uncertainty)}</p>` : ''}
  </article>`;
}

/** The headline indicators as one compact table: what fits the printed A4 page. */
function headlineTable(headline, selfLabel) {
  const cell = (v, unit) => escapeHtml(formatValue(v, unit));
  const rows = headline.map((ind) => `<tr>
    <td>${escapeHtml(indicatorLabel(ind))}</td>
    <td class="num"><b>${ind.value === null || ind.value === undefined ? escapeHtml(missingLabel(ind.missing_reason)) : cell(ind.value, ind.unit)}</b></td>
    <td>${ind.year ?? ''}</td>
    <td class="num">${cell(ind.benchmarks?.wijk, ind.unit)}</td>
    <td class="num">${cell(ind.benchmarks?.gemeente, ind.unit)}</td>
    <td class="num">${cell(ind.benchmarks?.nl, ind.unit)}</td>
    <td>${band(ind)}</td>
    <td>${sparkline(ind.series, ind.unit)}</td></tr>`).join('');
  return `<table class="small print-only headline-table"><thead><tr><th>indicator</th><th>${escapeHtml(selfLabel)}</th><th>jaar</th><th>wijk</th><th>gemeente</th><th>NL</th><th>t.o.v. gemeente</th><th>trend</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function scoresSection(scores, catalogue) {
  if (!scores) return '';
  const scale = (s) => Math.max(-1, Math.min(1, s / 3));
  const bar = (s) => {
    const x = scale(s);
    const left = x < 0 ? 50 + x * 50 : 50;
    return `<span class="score-bar" aria-hidden="true"><span class="${s < 0 ? 'neg' : 'pos'}" style="left:${left}%;width:${Math.abs(x) * 50}%"></span></span>`;
  };
  const themes = (scores.themes ?? []).map((t) => {
    const rows = (t.contributions ?? []).map((c) => `<tr><td>${escapeHtml(indicatorLabel(catalogue.get(c.indicator)) || c.indicator)}</td><td>${formatNumber(c.weight)}</td><td>${formatNumber(c.need_z)}</td><td>${formatNumber(c.contribution)}</td></tr>`).join('');
    return `<li class="score-theme" data-theme="${escapeHtml(t.theme)}">
      <div class="score-row"><span>${escapeHtml(themeLabel(t.theme))}</span>${bar(t.score ?? 0)}<b>${formatNumber(t.score)}</b></div>
      <details><summary>Opbouw (${(t.contributions ?? []).length} indicatoren)</summary>
      <table class="small"><thead><tr><th>indicator</th><th>gewicht</th><th>behoefte (z)</th><th>bijdrage</th></tr></thead><tbody>${rows}</tbody></table></details>
    </li>`;
  }).join('');
  return `<section class="scores"><h3>Samengestelde scores</h3>
    <p class="score-row overall"><span>Totaal</span>${bar(scores.overall ?? 0)}<b>${formatNumber(scores.overall)}</b></p>
    <p class="note">Positief = meer zorg- of ondersteuningsbehoefte dan gemiddeld in de gemeente (gewogen z-scores).</p>
    <ul class="score-list">${themes}</ul></section>`;
}

function allIndicators(profile) {
  const byTheme = new Map(THEMES.map(([id]) => [id, []]));
  for (const ind of profile.indicators ?? []) {
    if (!byTheme.has(ind.theme)) byTheme.set(ind.theme, []);
    byTheme.get(ind.theme).push(ind);
  }
  const sections = [...byTheme].filter(([, list]) => list.length).map(([theme, list]) => {
    const rows = list.map((ind) => `<tr data-indicator="${escapeHtml(ind.id)}"><td>${escapeHtml(indicatorLabel(ind))}</td>
      <td class="num">${ind.value === null ? escapeHtml(missingLabel(ind.missing_reason)) : escapeHtml(formatValue(ind.value, ind.unit))}</td>
      <td class="num">${escapeHtml(formatValue(ind.benchmarks?.gemeente, ind.unit))}</td>
      <td class="num">${formatIndex(ind.index_gemeente)}</td>
      <td>${ind.year ?? ''}</td><td>${band(ind)}</td></tr>`).join('');
    return `<details class="theme-table"><summary>${escapeHtml(themeLabel(theme))} (${list.length})</summary>
      <table class="small"><thead><tr><th>indicator</th><th>waarde</th><th>gemeente</th><th>index</th><th>jaar</th><th>t.o.v. gemeente</th></tr></thead><tbody>${rows}</tbody></table></details>`;
  }).join('');
  return `<section class="all no-print"><h3>Alle indicatoren</h3>${sections}</section>`;
}

/**
 * Render `profile` into `el`. `downloads` holds the file base name `base`, `jsonUrl`, and
 * `csvUrl` (a link) or, for an area (whose CSV is the answer to a POST), `onCsv` (a button);
 * `catalogue` maps ids to catalogue entries.
 */
export function render(el, profile, { catalogue, downloads, isArea, onClear, names = new Map() }) {
  const levelText = isArea ? `gebied van ${profile.buurten?.length ?? 0} buurten` : LEVELS[profile.level] ?? profile.level;
  const parents = [profile.parents?.wijk?.name, profile.parents?.gemeente?.name].filter(Boolean).join(' · ');
  const headline = (profile.indicators ?? []).filter((i) => i.headline);
  const selfLabel = isArea ? 'gebied' : LEVELS[profile.level] ?? 'regio';
  const points = (profile.aandachtspunten ?? []).map((a) => `<li data-indicator="${escapeHtml(a.indicator)}">${escapeHtml(a.text)}</li>`).join('');
  const years = [...new Set((profile.indicators ?? []).map((i) => i.year).filter(Boolean))].sort();
  el.innerHTML = `
    <header class="profile-head">
      <p class="kicker">Diagnose · ${escapeHtml(levelText)}</p>
      <h2 id="profile-name">${escapeHtml(profile.name)}</h2>
      <p class="parents">${escapeHtml(isArea ? (profile.buurten ?? []).map((c) => names.get(c) ?? c).join(', ') : `${profile.code}${parents ? ` · ${parents}` : ''}`)}</p>
      <p class="years">Gegevens uit ${years.length ? `${years[0]}–${years[years.length - 1]}` : '–'}; elke indicator in het nieuwste beschikbare jaar.</p>
      <div class="downloads no-print" role="group" aria-label="Downloads">
        ${downloads.csvUrl
    ? `<a class="button" id="download-csv" href="${escapeHtml(downloads.csvUrl)}" download="${escapeHtml(downloads.base)}.csv">CSV</a>`
    : '<button type="button" id="download-csv">CSV</button>'}
        <a class="button" id="download-json" href="${escapeHtml(downloads.jsonUrl)}" download="${escapeHtml(downloads.base)}.json">JSON</a>
        <button type="button" id="print-profile">Afdrukken / PDF</button>
        ${isArea ? '<button type="button" id="clear-area">Gebied wissen</button>' : ''}
      </div>
    </header>
    <section class="headline"><h3>Kernindicatoren</h3><p class="note no-print">Balken: ${escapeHtml(selfLabel)} (donker) tegenover wijk, gemeente en Nederland.</p>
      <div class="cards">${headline.map((i) => headlineCard(i, selfLabel)).join('')}</div>
      ${headlineTable(headline, selfLabel)}</section>
    <section class="aandachtspunten"><h3>Aandachtspunten</h3>${points ? `<ul>${points}</ul>` : '<p>Geen aandachtspunten: geen indicator wijkt duidelijk af van de gemeente.</p>'}</section>
    ${scoresSection(profile.scores, catalogue)}
    ${allIndicators(profile)}
    <footer class="print-foot">Bron: CBS, RIVM (GGD'en, CBS, RIVM – Gezondheidsmonitor; modelschattingen zonder marges), Vektis. Gemaakt met buurt.</footer>`;
  el.querySelector('#print-profile').addEventListener('click', () => window.print());
  el.querySelector('#clear-area')?.addEventListener('click', onClear);
  if (!downloads.csvUrl) el.querySelector('#download-csv').addEventListener('click', downloads.onCsv);
}
