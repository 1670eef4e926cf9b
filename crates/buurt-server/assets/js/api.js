// The service's JSON API, as the viewer uses it (same origin as the page).

async function getJson(url, init) {
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
  return response.json();
}

export const config = () => getJson('/viewer/config.json');
// The whole catalogue; with level and within, only the indicators (and years) that have
// published values there.
export function indicators(level, within) {
  if (!level) return getJson('/api/v1/indicators');
  return getJson(`/api/v1/indicators?${new URLSearchParams({ level, within })}`);
}

export function regions(level, within) {
  const q = new URLSearchParams({ level, within });
  return getJson(`/api/v1/regions?${q}`);
}

export const region = (code) => getJson(`/api/v1/regions/${encodeURIComponent(code)}`);

export function profileUrl(code, year, format = 'json') {
  const q = year ? `?year=${year}` : '';
  const file = format === 'csv' ? 'profile.csv' : 'profile';
  return `/api/v1/regions/${encodeURIComponent(code)}/${file}${q}`;
}

export const profile = (code, year) => getJson(profileUrl(code, year));

export function areaDiagnose(name, buurten, year) {
  return getJson('/api/v1/areas/diagnose', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ name, buurten, year: year || null }),
  });
}

/** Values of one indicator per region with class breaks (upper bounds, the last = maximum). */
export function values(id, { level, within, year, method, classes }) {
  const q = new URLSearchParams({ level, within, method, classes: String(classes) });
  if (year) q.set('year', year);
  return getJson(`/api/v1/indicators/${encodeURIComponent(id)}/values?${q}`);
}

/** The vector tile URL template of a layer carrying one indicator. */
export function tileUrl(layer, indicator, year) {
  const q = new URLSearchParams({ indicators: indicator });
  if (year) q.set('year', year);
  return `${window.location.origin}/tiles/${layer}/{z}/{x}/{y}.mvt?${q}`;
}
