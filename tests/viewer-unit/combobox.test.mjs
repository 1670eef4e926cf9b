// combobox.js: which option the arrow keys highlight (the rest needs a browser: see the
// end-to-end test of the gemeente picker).

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { nextActive } from '../../crates/buurt-server/assets/js/combobox.js';

test('the arrows move one option, wrapping around; Home and End go to the ends', () => {
  assert.equal(nextActive(-1, 'ArrowDown', 5), 0, 'none highlighted: the first');
  assert.equal(nextActive(0, 'ArrowDown', 5), 1);
  assert.equal(nextActive(4, 'ArrowDown', 5), 0, 'past the last: the first');
  assert.equal(nextActive(-1, 'ArrowUp', 5), 4, 'none highlighted: the last');
  assert.equal(nextActive(3, 'ArrowUp', 5), 2);
  assert.equal(nextActive(0, 'ArrowUp', 5), 4, 'before the first: the last');
  assert.equal(nextActive(2, 'Home', 5), 0);
  assert.equal(nextActive(2, 'End', 5), 4);
  assert.equal(nextActive(2, 'a', 5), null, 'other keys are for the text field');
  assert.equal(nextActive(-1, 'ArrowDown', 0), -1, 'an empty list');
});
