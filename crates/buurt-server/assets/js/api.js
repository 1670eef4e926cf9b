// The service's JSON API, as the viewer uses it (same origin as the page). Every call takes the
// AbortSignal of its request (see latest.js) as its last argument.

async function fetchOk(url, init) {
  const response = await fetch(url, init);
  if (!response.ok) {
    let message = `${response.status} ${response.statusText}`;
    try {
      message = (await response.json()).error ?? message;
    } catch {
      // not JSON: keep the status line
    }
    throw new Error(`${url}: ${message}`);
  }
  return response;
}

const getJson = async (url, signal) => (await fetchOk(url, { signal })).json();

export const config = (signal) => getJson('/viewer/config.json', signal);

// The whole catalogue; with level and within, only the indicators (and years) that have
// published values there.
export function indicators(level, within, signal) {
  if (!level) return getJson('/api/v1/indicators', signal);
  return getJson(`/api/v1/indicators?${new URLSearchParams({ level, within })}`, signal);
}

/** The regions of `level` within `within` (a gemeente or wijk code), or (no `within`) all of them. */
export function regions(level, within, signal) {
  const q = new URLSearchParams({ level });
  if (within) q.set('within', within);
  return getJson(`/api/v1/regions?${q}`, signal);
}

export const region = (code, signal) => getJson(`/api/v1/regions/${encodeURIComponent(code)}`, signal);

export function profileUrl(code, year, format = 'json') {
  const q = year ? `?year=${year}` : '';
  const file = format === 'json' ? 'profile' : `profile.${format}`;
  return `/api/v1/regions/${encodeURIComponent(code)}/${file}${q}`;
}

export const profile = (code, year, signal) => getJson(profileUrl(code, year), signal);

function postArea(name, buurten, year, format, signal) {
  return fetchOk(`/api/v1/areas/diagnose${format === 'csv' ? '?format=csv' : ''}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    // The year from the URL is text; the service takes a number.
    body: JSON.stringify({ name, buurten, year: year ? Number(year) : null }),
    signal,
  });
}

/** The diagnose of an area of buurten. */
export async function areaDiagnose(name, buurten, year, signal) {
  return (await postArea(name, buurten, year, 'json', signal)).json();
}

/** The same diagnose as the service's CSV (a Blob), one row per indicator. */
export async function areaDiagnoseCsv(name, buurten, year, signal) {
  return (await postArea(name, buurten, year, 'csv', signal)).blob();
}

/**
 * Values of one indicator per region (with their index and band against the gemeente, for a
 * gemeente against Nederland) and class breaks (upper bounds, the last = maximum) over the
 * values or, with mode `index`, over the indexes; in `within`, or (none) in all of the country.
 */
export function values(id, { level, within, year, method, classes, mode }, signal) {
  const q = new URLSearchParams({ level });
  if (within) q.set('within', within);
  q.set('method', method);
  q.set('classes', String(classes));
  q.set('mode', mode);
  if (year) q.set('year', year);
  return getJson(`/api/v1/indicators/${encodeURIComponent(id)}/values?${q}`, signal);
}

/**
 * Global and local Moran's I of one indicator over the regions of `level` within `within` (a
 * gemeente, or NL00): the service's default settings, as the tiles' clusters; without `year`
 * the newest year with values there.
 */
export function hotspots(id, { level, within, year }, signal) {
  const q = new URLSearchParams({ indicator: id, level, within });
  if (year) q.set('year', year);
  return getJson(`/api/v1/hotspots?${q}`, signal);
}

/**
 * The vector tile URL template of a layer carrying one indicator, and with `clusters` its LISA
 * cluster (`<id>_cluster`).
 */
export function tileUrl(layer, indicator, year, clusters = false) {
  const q = new URLSearchParams({ indicators: indicator });
  if (year) q.set('year', year);
  if (clusters) q.set('clusters', indicator);
  return `${window.location.origin}/tiles/${layer}/{z}/{x}/{y}.mvt?${q}`;
}
