// @ts-check

const started = performance.now();

/**
 * One line of progress on stdout, stamped with the seconds since the run started.
 * @param {string} line
 */
export function log(line) {
  console.log(
    `[attack ${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}`,
  );
}

/** Seconds since the run started. */
export function elapsedS() {
  return (performance.now() - started) / 1000;
}

/** @param {number} ms */
export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
