// Dutch labels and number formatting shared by the map, the legend and the profile panel.

// The wijkpact's sections first, as the server's profile orders them (Theme::label_nl).
export const THEMES = [
  ['demografie', 'Demografie'],
  ['zorgbehoefte', 'Zorgbehoefte'],
  ['jeugdzorg', 'Jeugd en jeugdzorg'],
  ['mantelzorg', 'Mantelzorg en Wmo'],
  ['sociaal_economisch', 'Wonen, werk en inkomen'],
  ['leefstijl', 'Leefstijl'],
];

export function themeLabel(theme) {
  const found = THEMES.find(([id]) => id === theme);
  return found ? found[1] : theme;
}

const UNITS = {
  percent: '%',
  count: 'aantal',
  number: '',
  euro: 'euro',
  km: 'km',
  per_1000: 'per 1.000 inwoners',
  thousand_euro: '× 1.000 euro',
  per_km2: 'per km²',
  hectare: 'ha',
};

/** The unit as a legend or table header writes it. */
export function unitLabel(unit) {
  return UNITS[unit] ?? unit ?? '';
}

export const BANDS = {
  well_below: 'ruim onder het gemiddelde van de gemeente',
  below: 'onder het gemiddelde van de gemeente',
  around: 'rond het gemiddelde van de gemeente',
  above: 'boven het gemiddelde van de gemeente',
  well_above: 'ruim boven het gemiddelde van de gemeente',
};

/** A band as the map's tooltip says it, against `reference` (`gemeente` or `Nederland`). */
export function bandText(band, reference = 'gemeente') {
  const text = BANDS[band];
  if (!text) return band;
  return reference === 'gemeente' ? text : text.replace('van de gemeente', `van ${reference}`);
}

export const BANDS_SHORT = {
  well_below: 'ruim onder',
  below: 'onder',
  around: 'rond gemiddelde',
  above: 'boven',
  well_above: 'ruim boven',
};

// The same words as the CLI and the API (MissingReason::dutch).
const MISSING = {
  suppressed: 'onderdrukt door de bron (te weinig inwoners, onbetrouwbaar of geheim)',
  not_published: 'nog niet gepubliceerd (voorlopige cijfers)',
  not_measured: 'niet gemeten in dit jaar',
  empty: 'geen gegevens',
  no_data: 'geen gegevens',
  special_value: 'geen geldige waarde',
  below_minimum: 'onderdrukt (onder de publicatiegrens)',
  ambiguous_decimal: 'onzeker (decimaalteken onduidelijk)',
  no_denominator: 'geen noemer',
  not_comparable: 'niet vergelijkbaar: de bron gebruikt een oudere, gewijzigde gebiedsindeling',
};

export function missingLabel(reason) {
  return MISSING[reason] ?? 'geen gegevens';
}

export const LEVELS = { buurt: 'buurt', wijk: 'wijk', gemeente: 'gemeente', nederland: 'Nederland' };

/** The catalogue label with its age group, as one line. */
export function indicatorLabel(info) {
  if (!info) return '';
  const label = info.label_nl ?? info.label ?? info.id;
  return info.age_group && info.age_group !== 'totaal' ? `${label} (${info.age_group})` : label;
}

/** The decimals `formatNumber` shows of `value`: by its size and unit. */
export function digitsFor(value, unit) {
  const a = Math.abs(value);
  if (unit === 'count' || unit === 'euro') return a < 10 && !Number.isInteger(value) ? 1 : 0;
  if (a >= 100) return 0;
  return a >= 1 ? 1 : 2;
}

// Rounding as `Intl.NumberFormat` does it (ICU: the shortest decimal form of the double, half
// away from zero, so 0.15 becomes 0.2 where `toFixed` gives 0.1), without the Dutch notation.
const rounders = new Map();
function roundTo(value, digits) {
  if (!rounders.has(digits)) {
    rounders.set(digits, new Intl.NumberFormat('en-US', { maximumFractionDigits: digits, useGrouping: false }));
  }
  return Number(rounders.get(digits).format(value));
}

/**
 * `value` as `formatNumber` shows it, as a number: rounded to the decimals shown, by the same
 * rounding, so two values print the same exactly when they round to the same number here.
 */
export function roundShown(value, unit) {
  if (value === null || value === undefined || !Number.isFinite(value)) return value;
  return roundTo(value, digitsFor(value, unit));
}

/** An index as `formatIndex` shows it, as a number (whole). */
export function roundIndex(index) {
  if (index === null || index === undefined || !Number.isFinite(index)) return index;
  return roundTo(index, 0);
}

/** A number in Dutch notation (decimal comma, dot for thousands). */
export function formatNumber(value, unit) {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  const digits = digitsFor(value, unit);
  return new Intl.NumberFormat('nl-NL', { maximumFractionDigits: digits, minimumFractionDigits: 0 }).format(value);
}

/** A value with its unit: "12,3 %", "€ 1.250", "4,2 per 1.000 inwoners". */
export function formatValue(value, unit) {
  const n = formatNumber(value, unit);
  if (n === '–') return n;
  switch (unit) {
    case 'percent': return `${n} %`;
    case 'euro': return `€ ${n}`;
    case 'thousand_euro': return `${n} × € 1.000`;
    case 'km': return `${n} km`;
    case 'per_1000': return `${n} per 1.000`;
    case 'per_km2': return `${n} per km²`;
    case 'hectare': return `${n} ha`;
    default: return n;
  }
}

/** An index against the gemeente (gemeente = 100). */
export function formatIndex(index) {
  if (index === null || index === undefined || !Number.isFinite(index)) return '–';
  return new Intl.NumberFormat('nl-NL', { maximumFractionDigits: 0 }).format(index);
}

export function escapeHtml(text) {
  return String(text ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}
