// The viewer's state in one place: what the user chose (indicator, year, level, mode, method,
// classes, gemeente, selected regions). Everything on screen follows from it; a change notifies
// the subscribers with the keys that changed. No DOM here, so it runs in Node's tests too.

/**
 * A store over `initial`: `get()` the current state (a frozen object, replaced on each change),
 * `set(patch)` merge a patch and notify, `subscribe(fn)` call `fn(state, changedKeys)` after
 * every change (returns an unsubscribe function).
 */
export function createStore(initial) {
  let state = Object.freeze({ ...initial });
  const listeners = new Set();
  return {
    get: () => state,
    set(patch) {
      const changed = Object.keys(patch).filter((k) => !sameValue(state[k], patch[k]));
      if (!changed.length) return [];
      state = Object.freeze({ ...state, ...patch });
      for (const fn of [...listeners]) fn(state, new Set(changed));
      return changed;
    },
    subscribe(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
  };
}

/** Equal values, arrays (the selected regions) compared element by element. */
function sameValue(a, b) {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => x === b[i]);
  return Object.is(a, b);
}
