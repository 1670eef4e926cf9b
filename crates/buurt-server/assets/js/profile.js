// The profile panel: the diagnose of a region or of an area of buurten — the aandachtspunten,
// the composite scores with their breakdown, then the wijkpact's themes in order (Demografie,
// Zorgbehoefte, Jeugd en jeugdzorg, Mantelzorg en Wmo, Wonen, werk en inkomen; Leefstijl closed),
// each with the service's one-sentence summary when it gives one, its headline indicators against
// wijk, gemeente and NL with small bars and trend sparklines, and all its indicators; and the
// downloads. `profileHtml` and the helpers are pure (no DOM), for Node's tests; `render` puts the
// HTML in the page.

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
  // A value carried over from an older indeling (the gemeente redrew its wijken) is an open dot.
  const carried = (p) => (p.harmonised
    ? ` (omgerekend van indeling ${p.harmonised.from_indeling}, dekking ${Math.round(p.harmonised.coverage * 100)} %)`
    : '');
  const dots = points.map((p) => `<circle cx="${px(p.year).toFixed(1)}" cy="${py(p.value).toFixed(1)}" r="2"${p.harmonised ? ' class="harmonised"' : ''}><title>${p.year}: ${escapeHtml(formatValue(p.value, unit) + carried(p))}</title></circle>`).join('');
  const text = points.map((p) => `${p.year}: ${formatValue(p.value, unit)}${carried(p)}`).join(', ');
  return `<figure class="spark"><svg width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" preserveAspectRatio="none" role="img" aria-label="Trend ${escapeHtml(text)}"><path d="${d}"></path>${dots}</svg><figcaption>${xs[0]}–${xs[xs.length - 1]}</figcaption></figure>`;
}

function band(ind) {
  if (!ind.band) return '';
  return `<span class="band band-${ind.band}" title="${escapeHtml(BANDS[ind.band])}">${escapeHtml(BANDS_SHORT[ind.band])}</span>`;
}

/** A count (inwoners, huishoudens) has no standing: no index, no band, no bars against others. */
export const isCount = (ind) => ind.kind === 'count';

function headlineCard(ind, selfLabel) {
  const value = ind.value === null || ind.value === undefined
    ? `<span class="missing">${escapeHtml(missingLabel(ind.missing_reason))}</span>`
    : `<span class="value" data-value="${ind.value}">${escapeHtml(formatValue(ind.value, ind.unit))}</span>`;
  const year = ind.year ? `<span class="year">${ind.year}</span>` : '';
  const trend = ind.trend?.direction ? `<span class="trend">trend: ${escapeHtml(ind.trend.direction)}</span>` : '';
  // Why the trend starts where it does: years carried over from an older indeling, years only
  // known for a larger area of one, a change of definition.
  const isCarried = (ind.series ?? []).some((p) => p.harmonised);
  const carried = ind.trend?.break_note
    ? `<p class="note ${isCarried ? 'harmonised-note' : 'trend-note'}">${escapeHtml(ind.trend.break_note)}</p>`
    : '';
  return `<article class="card" data-indicator="${escapeHtml(ind.id)}">
    <h4>${escapeHtml(indicatorLabel(ind))}</h4>
    <p class="headline-value">${value} ${year} ${band(ind)}</p>
    <div class="card-charts">${isCount(ind) ? '' : bars(ind, selfLabel)}${sparkline(ind.series, ind.unit)}</div>
    ${trend}
    ${carried}
    ${ind.uncertainty ? `<p class="note">${escapeHtml(ind.uncertainty)}</p>` : ''}
  </article>`;
}

/**
 * The headline indicators as one compact table, a row per theme above its indicators (with the
 * theme's summary): what fits the printed A4 page.
 */
function headlineTable(sections, selfLabel) {
  const cell = (v, unit) => escapeHtml(formatValue(v, unit));
  const row = (ind) => `<tr>
    <td>${escapeHtml(indicatorLabel(ind))}</td>
    <td class="num"><b>${ind.value === null || ind.value === undefined ? escapeHtml(missingLabel(ind.missing_reason)) : cell(ind.value, ind.unit)}</b></td>
    <td>${ind.year ?? ''}</td>
    <td class="num">${cell(ind.benchmarks?.wijk, ind.unit)}</td>
    <td class="num">${cell(ind.benchmarks?.gemeente, ind.unit)}</td>
    <td class="num">${cell(ind.benchmarks?.nl, ind.unit)}</td>
    <td>${band(ind)}</td>
    <td>${sparkline(ind.series, ind.unit)}</td></tr>`;
  // Every theme with headline indicators or a summary (a theme without headline indicators,
  // such as wonen, werk en inkomen, still has its sentence on paper).
  const body = sections.filter((sec) => sec.headline.length || sec.summary).map((sec) => `<tr class="theme-row"><th colspan="8">${escapeHtml(sec.label)}${sec.summary ? ` <span class="theme-summary">${escapeHtml(sec.summary)}</span>` : ''}</th></tr>
    ${sec.headline.map(row).join('')}`).join('');
  return `<table class="small print-only headline-table"><thead><tr><th>indicator</th><th>${escapeHtml(selfLabel)}</th><th>jaar</th><th>wijk</th><th>gemeente</th><th>NL</th><th>t.o.v. gemeente</th><th>trend</th></tr></thead><tbody>${body}</tbody></table>`;
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

const PEER_TITLES = { buurt: 'Vergelijkbare buurten', wijk: 'Vergelijkbare wijken', gemeente: 'Vergelijkbare gemeenten' };

/** The link that opens a peer on the map: its gemeente, its level and the peer selected. */
export function peerHref(peer) {
  const level = peer.code.startsWith('BU') ? 'buurt' : 'wijk';
  const q = new URLSearchParams();
  if (peer.gemeente?.code) q.set('gemeente', peer.gemeente.code);
  q.set('level', level);
  q.set('region', peer.code);
  return `?${q}`;
}

/**
 * "Vergelijkbare buurten": the service's nearest regions (`profile.peers`) with their distance,
 * the indicators they share and the one that differs most; what the comparison rests on (its
 * note) above the table. Nothing when the profile has no peers (an area).
 */
export function peersSection(peers) {
  if (!peers) return '';
  const title = PEER_TITLES[peers.level] ?? 'Vergelijkbare regio\'s';
  const byId = new Map((peers.indicators ?? []).map((i) => [i.id, i]));
  const used = (peers.indicators ?? []).filter((i) => i.used).length;
  const rows = (peers.peers ?? []).map((p) => {
    const c = (p.contributions ?? [])[0];
    const ind = c ? byId.get(c.indicator) : null;
    const diff = c && ind
      ? `${escapeHtml(ind.label)}: ${escapeHtml(formatValue(c.value, ind.unit))} tegen ${escapeHtml(formatValue(c.subject_value, ind.unit))}`
      : '–';
    const missing = (p.missing ?? []).map((id) => byId.get(id)?.label ?? id);
    return `<tr data-code="${escapeHtml(p.code)}"><td><a href="${escapeHtml(peerHref(p))}">${escapeHtml(p.name)}</a></td>
      <td>${escapeHtml(p.gemeente?.name ?? '')}</td><td class="num">${formatNumber(p.distance)}</td>
      <td class="num" title="${escapeHtml(missing.length ? `zonder waarde: ${missing.join(', ')}` : 'alle gebruikte indicatoren')}">${p.shared} van ${used}</td><td>${diff}</td></tr>`;
  }).join('');
  const table = rows
    ? `<table class="small"><thead><tr><th>naam</th><th>gemeente</th><th>afstand</th><th>gedeeld</th><th>grootste verschil</th></tr></thead><tbody>${rows}</tbody></table>`
    : '';
  return `<section class="peers no-print"><h3>${escapeHtml(title)}</h3><p class="note">${escapeHtml(peers.note ?? '')}</p>${table}</section>`;
}

/** The themes closed until opened: leefstijl stands apart from the wijkpact's themes. */
const COLLAPSED = new Set(['leefstijl']);

/**
 * The profile's indicators by theme, in display order: `[{theme, label, summary, score,
 * indicators, headline, collapsed}]`. The service's `sections` (theme, label, summary, score), when
 * the profile has them, give the order, labels and summaries; themes they leave out follow in the
 * order of THEMES, then any other theme. A theme without indicators shows only with a summary.
 */
export function themeSections(profile) {
  const byTheme = new Map();
  for (const ind of profile.indicators ?? []) {
    if (!byTheme.has(ind.theme)) byTheme.set(ind.theme, []);
    byTheme.get(ind.theme).push(ind);
  }
  const sections = [];
  const seen = new Set();
  const add = (theme, label, summary = null, score = null) => {
    if (seen.has(theme)) return;
    seen.add(theme);
    sections.push({ theme, label: label || themeLabel(theme), summary: summary || null, score: score ?? null });
  };
  for (const sec of profile.sections ?? []) add(sec.theme, sec.label, sec.summary, sec.score);
  for (const [theme] of THEMES) if (byTheme.has(theme)) add(theme);
  for (const theme of byTheme.keys()) add(theme);
  return sections
    .map((sec) => {
      const indicators = byTheme.get(sec.theme) ?? [];
      return { ...sec, indicators, headline: indicators.filter((i) => i.headline), collapsed: COLLAPSED.has(sec.theme) };
    })
    .filter((sec) => sec.indicators.length || sec.summary);
}

function indicatorTable(list) {
  const rows = list.map((ind) => `<tr data-indicator="${escapeHtml(ind.id)}"><td>${escapeHtml(indicatorLabel(ind))}</td>
      <td class="num">${ind.value === null || ind.value === undefined ? escapeHtml(missingLabel(ind.missing_reason)) : escapeHtml(formatValue(ind.value, ind.unit))}</td>
      <td class="num">${escapeHtml(formatValue(ind.benchmarks?.gemeente, ind.unit))}</td>
      <td class="num">${isCount(ind) ? '' : formatIndex(ind.index_gemeente)}</td>
      <td>${ind.year ?? ''}</td><td>${isCount(ind) ? '' : band(ind)}</td></tr>`).join('');
  return `<table class="small"><thead><tr><th>indicator</th><th>waarde</th><th>gemeente</th><th>index</th><th>jaar</th><th>t.o.v. gemeente</th></tr></thead><tbody>${rows}</tbody></table>`;
}

/**
 * A theme's section: heading, summary, headline cards and all its indicators (behind a click);
 * a collapsed theme (leefstijl) is one `<details>` as a whole.
 */
function themeSection(sec, selfLabel) {
  const summary = sec.summary ? `<p class="theme-summary">${escapeHtml(sec.summary)}</p>` : '';
  const cards = sec.headline.length ? `<div class="cards">${sec.headline.map((i) => headlineCard(i, selfLabel)).join('')}</div>` : '';
  const count = sec.indicators.length;
  const attrs = `class="theme no-print" data-theme="${escapeHtml(sec.theme)}"`;
  if (sec.collapsed) {
    return `<details ${attrs}><summary><h3>${escapeHtml(sec.label)} (${count})</h3></summary>${summary}${cards}${count ? indicatorTable(sec.indicators) : ''}</details>`;
  }
  const table = count ? `<details class="theme-table"><summary>Alle indicatoren (${count})</summary>${indicatorTable(sec.indicators)}</details>` : '';
  return `<section ${attrs}><h3>${escapeHtml(sec.label)}</h3>${summary}${cards}${table}</section>`;
}

const TITLES = { buurt: 'Buurtprofiel', wijk: 'Wijkprofiel', gemeente: 'Gemeenteprofiel' };

/** The panel's title: Buurtprofiel, Wijkprofiel or Gemeenteprofiel by the region's level. */
export function profileTitle(profile, isArea = false) {
  if (isArea) return 'Gebiedsprofiel';
  return TITLES[profile.level] ?? 'Profiel';
}

/** The base name of the downloaded files: "wijkprofiel-WK034405", "buurtprofiel-BU03440111". */
export function fileBase(profile, isArea = false) {
  return isArea ? 'buurt-gebied' : `${profileTitle(profile).toLowerCase()}-${profile.code}`;
}

/**
 * The panel's HTML for `profile`. `downloads` holds the file base name `base` (else
 * `fileBase`), `jsonUrl`, and `csvUrl` (a link) or, for an area (whose CSV is the answer to a
 * POST), none (a button); for a region also `xlsxUrl` and `pdfUrl` (the service's workbook and
 * A4 PDF); `catalogue` maps ids to catalogue entries.
 */
export function profileHtml(profile, { catalogue = new Map(), downloads, isArea = false, names = new Map() }) {
  const title = profileTitle(profile, isArea);
  const base = downloads.base ?? fileBase(profile, isArea);
  const kicker = isArea ? `${title} · gebied van ${profile.buurten?.length ?? 0} buurten` : title;
  const parents = [profile.parents?.wijk?.name, profile.parents?.gemeente?.name].filter(Boolean).join(' · ');
  const selfLabel = isArea ? 'gebied' : LEVELS[profile.level] ?? 'regio';
  const sections = themeSections(profile);
  const points = (profile.aandachtspunten ?? []).map((a) => `<li data-indicator="${escapeHtml(a.indicator)}">${escapeHtml(a.text)}</li>`).join('');
  const years = [...new Set((profile.indicators ?? []).map((i) => i.year).filter(Boolean))].sort();
  return `
    <header class="profile-head">
      <p class="kicker">${escapeHtml(kicker)}</p>
      <h2 id="profile-name">${escapeHtml(profile.name)}</h2>
      <p class="parents">${escapeHtml(isArea ? (profile.buurten ?? []).map((c) => names.get(c) ?? c).join(', ') : `${profile.code}${parents ? ` · ${parents}` : ''}`)}</p>
      <p class="years">Gegevens uit ${years.length ? `${years[0]}–${years[years.length - 1]}` : '–'}; elke indicator in het nieuwste beschikbare jaar.</p>
      <div class="downloads no-print" role="group" aria-label="Downloads">
        ${downloads.csvUrl
    ? `<a class="button" id="download-csv" href="${escapeHtml(downloads.csvUrl)}" download="${escapeHtml(base)}.csv">CSV</a>`
    : '<button type="button" id="download-csv">CSV</button>'}
        <a class="button" id="download-json" href="${escapeHtml(downloads.jsonUrl)}" download="${escapeHtml(base)}.json">JSON</a>
        ${downloads.xlsxUrl ? `<a class="button" id="download-xlsx" href="${escapeHtml(downloads.xlsxUrl)}" download="${escapeHtml(base)}.xlsx">Excel</a>` : ''}
        ${downloads.pdfUrl ? `<a class="button" id="download-pdf" href="${escapeHtml(downloads.pdfUrl)}" download="${escapeHtml(base)}.pdf">PDF (A4)</a>` : ''}
        <button type="button" id="print-profile">Afdrukken / PDF</button>
        ${isArea ? '<button type="button" id="clear-area">Gebied wissen</button>' : ''}
      </div>
    </header>
    <section class="headline print-only-block"><h3>Kernindicatoren per thema</h3>${headlineTable(sections, selfLabel)}</section>
    <section class="aandachtspunten"><h3>Aandachtspunten</h3>${points ? `<ul>${points}</ul>` : '<p>Geen aandachtspunten: geen indicator wijkt duidelijk af van de gemeente.</p>'}</section>
    ${scoresSection(profile.scores, catalogue)}
    <p class="note no-print">Per thema de kernindicatoren (balken: ${escapeHtml(selfLabel)} donker, tegenover wijk, gemeente en Nederland; aantallen zonder vergelijking) en alle indicatoren.</p>
    ${sections.map((sec) => themeSection(sec, selfLabel)).join('')}
    ${peersSection(profile.peers)}
    <footer class="print-foot">Bron: CBS, RIVM (GGD'en, CBS, RIVM – Gezondheidsmonitor; modelschattingen zonder marges), Vektis. Gemaakt met buurt.</footer>`;
}

/** Render `profile` into `el` (see `profileHtml`); `downloads.onCsv` for an area's CSV button. */
export function render(el, profile, { catalogue, downloads, isArea, onClear, names = new Map() }) {
  el.innerHTML = profileHtml(profile, { catalogue, downloads, isArea, names });
  el.querySelector('#print-profile').addEventListener('click', () => window.print());
  el.querySelector('#clear-area')?.addEventListener('click', onClear);
  if (!downloads.csvUrl) el.querySelector('#download-csv').addEventListener('click', downloads.onCsv);
}
