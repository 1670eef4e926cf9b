// The legend's rows: the classes (range and count), which end means more need for care when the
// catalogue says so, and the regions without a number. No DOM here, so it runs in Node's tests.

import { NO_DATA_COLOR, rangeText } from './classes.js';
import { unitLabel } from './format.js';

export const LESS_NEED = 'minder zorgbehoefte';
export const MORE_NEED = 'meer zorgbehoefte';

/**
 * What the low and the high end of a map of an indicator with `polarity` say of need, or null
 * for an indicator that says nothing of need (neutral, context, or no polarity). The same for
 * values and for the index: a higher index is a higher value.
 */
export function needEnds(polarity) {
  if (polarity === 'higher_is_need') return { low: LESS_NEED, high: MORE_NEED };
  if (polarity === 'lower_is_need') return { low: MORE_NEED, high: LESS_NEED };
  return null;
}

/**
 * The unit line of the legend: the indicator's unit, or the index's reference (`gemeente` for
 * wijken and buurten, `Nederland` for the gemeenten).
 */
export function legendUnit(mode, unit, reference = 'gemeente') {
  return mode === 'index' ? `index, ${reference} = 100` : unitLabel(unit);
}

/**
 * The legend from top (lowest class) to bottom: `{color, text, klass}` per class, a
 * `{need: 'low'|'high', text}` line above the first and below the last class when the indicator
 * says which side is more need, and `{color, text, noData: true}` for the regions without a
 * number.
 */
export function legendRows({ classes, mode, unit, polarity, missingCount }) {
  const rows = classes.map((c, i) => ({ color: c.color, text: `${rangeText(c, mode, unit)} (${c.count})`, klass: i }));
  const ends = classes.length > 1 ? needEnds(polarity) : null;
  if (ends) {
    rows.unshift({ need: 'low', text: ends.low });
    rows.push({ need: 'high', text: ends.high });
  }
  rows.push({ color: NO_DATA_COLOR, text: `geen gegevens / onderdrukt (${missingCount})`, noData: true });
  return rows;
}
