// @ts-check

/**
 * What an invalid or unauthorised input must never change, read from `GET /api/state`: the
 * mode, the valve, the setpoints and trips, and what people do to alarms (acknowledge, shelve,
 * reset). Alarm states that follow the plant (active, cleared) are left out: they change by
 * themselves. Pure.
 */

/**
 * @typedef {object} Fingerprint
 * @property {string} mode
 * @property {boolean} valveOpen
 * @property {number} valveOutput
 * @property {string | null} manualUntil
 * @property {Record<string, number>} setpoints
 * @property {Record<string, string>} alarms per alarm id: acked by, comment, shelved by/until, latched
 */

/**
 * @param {any} snapshot a `GET /api/state` body
 * @returns {Fingerprint}
 */
export function fingerprint(snapshot) {
  /** @type {Record<string, string>} */
  const alarms = {};
  for (const alarm of snapshot.alarms ?? []) {
    alarms[alarm.id] = JSON.stringify([
      alarm.ackedBy,
      alarm.ackComment,
      alarm.shelvedBy,
      alarm.shelvedUntil,
      alarm.state === 'latched',
    ]);
  }
  return {
    mode: snapshot.mode,
    valveOpen: snapshot.valve?.open,
    valveOutput: snapshot.valve?.output,
    manualUntil: snapshot.valve?.manualUntil ?? null,
    setpoints: { ...snapshot.setpoints },
    alarms,
  };
}

/**
 * What differs between two fingerprints, one line per change. An alarm that appears or goes
 * away without a human field set (the plant raised or cleared it) is not a change.
 * @param {Fingerprint} before
 * @param {Fingerprint} after
 * @returns {string[]}
 */
export function fingerprintChanges(before, after) {
  /** @type {string[]} */
  const changes = [];
  for (const key of /** @type {const} */ (['mode', 'valveOpen', 'valveOutput', 'manualUntil'])) {
    if (before[key] !== after[key]) changes.push(`${key}: ${before[key]} → ${after[key]}`);
  }
  const keys = new Set([...Object.keys(before.setpoints), ...Object.keys(after.setpoints)]);
  for (const key of keys) {
    if (before.setpoints[key] !== after.setpoints[key]) {
      changes.push(`setpoints.${key}: ${before.setpoints[key]} → ${after.setpoints[key]}`);
    }
  }
  const untouched = JSON.stringify([null, null, null, null, false]);
  const ids = new Set([...Object.keys(before.alarms), ...Object.keys(after.alarms)]);
  for (const id of ids) {
    const from = before.alarms[id] ?? untouched;
    const to = after.alarms[id] ?? untouched;
    if (from !== to) changes.push(`alarm ${id}: ${from} → ${to}`);
  }
  return changes;
}
