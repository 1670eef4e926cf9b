// Requests where only the newest counts: a new request under a key aborts the one before it
// (its fetch is cancelled and its promise rejects with an AbortError), so an old answer never
// overwrites a newer one. Every fetch of the viewer goes through `latest`.

/**
 * A `latest(key, run)` of its own (the viewer uses the shared one below; tests make their own).
 * `run(signal)` does the work, passing `signal` to its fetches (and checking
 * `signal.throwIfAborted()` after any other wait); it starts at once, after the previous run
 * under `key` has been aborted. Resolves with what `run` resolves with; rejects with an
 * AbortError once a newer run under the same key starts (even when `run` itself finished late).
 */
export function createLatest() {
  const running = new Map();
  return function latest(key, run) {
    // abort() without a reason: the signal's reason is then a DOMException named AbortError.
    running.get(key)?.abort();
    const controller = new AbortController();
    running.set(key, controller);
    const { signal } = controller;
    const done = () => {
      if (running.get(key) === controller) running.delete(key);
    };
    // `run` starts now; a synchronous throw becomes a rejection.
    return new Promise((resolve) => { resolve(run(signal)); })
      .then(
        (result) => {
          done();
          signal.throwIfAborted();
          return result;
        },
        (error) => {
          done();
          // Aborted: whatever `run` failed with, the reason is the newer request.
          throw signal.aborted ? signal.reason : error;
        },
      );
  };
}

/** Whether `error` only says that a newer request took over (nothing to report). */
export function isAbort(error) {
  return error?.name === 'AbortError';
}

export const latest = createLatest();
