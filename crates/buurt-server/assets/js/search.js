// Finding a buurt or wijk by what the user typed: by code or by (part of) its name, without
// regard to case, accents or punctuation ("lombok" finds Lombok-Oost and Lombok-West,
// "mariendaal" finds Mariëndaalstraat). No DOM here, so it runs in Node's tests too.

/** Text to compare: lower case, without accents, punctuation as single spaces. */
export function normalize(text) {
  return String(text ?? '')
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** A wijk's name without its number ("Wijk 05 Oost" is also "Oost"), as the map labels it. */
export function shortName(region) {
  return region.level === 'wijk' ? region.name.replace(/^Wijk \d+\s+/, '') : region.name;
}

/**
 * The names a region is found by: its name, a wijk's short name, and any `aliases` (what people
 * call a gemeente: "Den Haag" for 's-Gravenhage).
 */
export function namesOf(region) {
  return new Set([region.name, shortName(region), ...(region.aliases ?? [])].map(normalize));
}

/** How an option of the search list reads: name and code, as `codeIn` reads it back. */
export function optionValue(region) {
  return `${region.name} (${region.code})`;
}

/** The code in an option's text "Name (CODE)", or null. */
export function codeIn(text) {
  return /\(([A-Z]{2}\d+)\)\s*$/.exec(String(text ?? '').trim())?.[1] ?? null;
}

// How well a region matches, best first.
const EXACT = 0; // its code, its name or a wijk's short name
const PREFIX = 1; // a name starts with the text
const WORD = 2; // a word of a name starts with the text ("wittevrouwen" in "Buiten Wittevrouwen")
const PART = 3; // a name holds the text
const WORDS = 4; // each word of the text starts a word of a name ("oog al" in "Oog in Al")
const CODE_PREFIX = 5; // a code starts with the text ("BU034401": the buurten of wijk 01)

const LEVEL_ORDER = { gemeente: 0, wijk: 1, buurt: 2 };

function rank(region, query, queryWords) {
  const code = region.code.toLowerCase();
  const compact = query.replace(/ /g, '');
  if (code === compact) return EXACT;
  let best = Infinity;
  for (const name of namesOf(region)) {
    if (name === query) return EXACT;
    const words = name.split(' ');
    if (name.startsWith(query)) best = Math.min(best, PREFIX);
    else if (` ${name}`.includes(` ${query}`)) best = Math.min(best, WORD);
    else if (name.includes(query)) best = Math.min(best, PART);
    else if (queryWords.length > 1 && queryWords.every((q) => words.some((w) => w.startsWith(q)))) best = Math.min(best, WORDS);
  }
  if (best === Infinity && compact.length >= 4 && code.startsWith(compact)) best = CODE_PREFIX;
  return best;
}

const collator = new Intl.Collator('nl', { sensitivity: 'base', numeric: true });

/**
 * The regions that match `text`, best first: a code or a whole name (or "Name (CODE)" as the
 * search list offers it), then names that start with the text, names with a word that starts
 * with it, names that hold it, names with every word of it, codes that start with it. Within
 * one kind of match wijken before buurten, then the shorter name, then by name. At most `limit`.
 */
export function findRegions(regions, text, limit = Infinity) {
  const code = codeIn(text);
  if (code) {
    const found = regions.find((r) => r.code === code);
    if (found) return [found];
  }
  const query = normalize(text);
  if (!query) return [];
  const queryWords = query.split(' ');
  return regions
    .map((region) => ({ region, rank: rank(region, query, queryWords) }))
    .filter((m) => m.rank !== Infinity)
    .sort((a, b) => a.rank - b.rank
      || (LEVEL_ORDER[a.region.level] ?? 3) - (LEVEL_ORDER[b.region.level] ?? 3)
      || shortName(a.region).length - shortName(b.region).length
      || collator.compare(a.region.name, b.region.name)
      || collator.compare(a.region.code, b.region.code))
    .slice(0, limit)
    .map((m) => m.region);
}

/** The region `text` most likely means, or null. */
export function bestRegion(regions, text) {
  return findRegions(regions, text, 1)[0] ?? null;
}

/**
 * The search list's options for `text`: every region (wijken first) when nothing is typed, else
 * the best matches. Each option is `{value, label}`: "Name (CODE)" and what it is ("wijk",
 * "buurt in Oost").
 */
export function searchOptions(regions, text, limit = 12) {
  const list = normalize(text)
    ? findRegions(regions, text, limit)
    : [...regions].sort((a, b) => (LEVEL_ORDER[a.level] ?? 3) - (LEVEL_ORDER[b.level] ?? 3));
  const wijkNames = new Map(regions.filter((r) => r.level === 'wijk').map((r) => [r.code, shortName(r)]));
  return list.map((r) => ({
    value: optionValue(r),
    label: r.level === 'buurt' && wijkNames.has(r.wijk) ? `buurt in ${wijkNames.get(r.wijk)}` : r.level,
  }));
}
