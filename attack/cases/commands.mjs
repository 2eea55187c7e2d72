// @ts-check
import { prng } from '../lib/prng.mjs';

/**
 * Command envelopes `{id?, name, args?, ts?}` that must each be answered `ok:false` and change
 * nothing, whoever sends them and over whichever transport (HTTP body, WebSocket
 * `{type:"command", …}`, MQTT `cmd/<name>` payload). The suites run them while the service is
 * in manual mode with the valve free to open, so a wrongly accepted `mode.set` or `valve.open`
 * shows as a state change. Pure.
 */

/**
 * @typedef {object} CommandCase
 * @property {string} label
 * @property {Record<string, unknown>} request the envelope (stringified by the transport)
 */

/** The commands of docs/interfaces.md (and `trips.set`). */
export const COMMAND_NAMES = /** @type {const} */ ([
  'mode.set',
  'valve.open',
  'valve.close',
  'setpoints.set',
  'trips.set',
  'alarm.ack',
  'alarm.shelve',
  'alarm.reset',
  'alarm.unshelve',
  'sensor.test.start',
  'sensor.test.end',
  'sensor.calibration',
  'sensor.install',
  'notifications.test',
]);

/** The least role of each command (docs/interfaces.md; `trips.set` like `setpoints.set`). */
export const COMMAND_ROLES = /** @type {const} */ ({
  'mode.set': 'operator',
  'valve.open': 'operator',
  'valve.close': 'operator',
  'setpoints.set': 'admin',
  'trips.set': 'admin',
  'alarm.ack': 'operator',
  'alarm.shelve': 'admin',
  'alarm.reset': 'operator',
  'alarm.unshelve': 'operator',
  'sensor.test.start': 'operator',
  'sensor.test.end': 'operator',
  'sensor.calibration': 'operator',
  'sensor.install': 'admin',
  'notifications.test': 'admin',
});

/**
 * Well-formed arguments that a mutation turns invalid. Valid as they are, several would change
 * state (manual mode: `mode.set` auto, `valve.open`, a setpoint, a trip): whatever slips past
 * validation shows.
 * @type {Record<(typeof COMMAND_NAMES)[number], Record<string, unknown>>}
 */
export const BASE_ARGS = {
  'mode.set': { mode: 'auto' },
  'valve.open': { durationS: 5 },
  'valve.close': {},
  'setpoints.set': { fillStartPct: 21 },
  'trips.set': { o2LowLowPct: 18.5, confirm: true, reason: 'attack run' },
  'alarm.ack': { alarmId: 'o2_low' },
  'alarm.shelve': { alarmId: 'o2_low', minutes: 5, comment: 'attack run' },
  'alarm.reset': { alarmId: 'o2_low' },
  'alarm.unshelve': { alarmId: 'o2_low' },
  'sensor.test.start': { sensorId: 'o2_1', minutes: 1 },
  'sensor.test.end': { sensorId: 'o2_1', referenceGasPct: 18 },
  'sensor.calibration': {
    sensorId: 'o2_1',
    referenceGasPct: 20.9,
    readingBeforePct: 20.5,
    readingAfterPct: 20.9,
    passed: true,
  },
  'sensor.install': { sensorId: 'o2_1', installedOn: '2026-11-01', expectedLifeMonths: 24 },
  'notifications.test': { channel: 'ops' },
};

/**
 * @param {string} label
 * @param {Record<string, unknown>} request
 * @returns {CommandCase}
 */
const c = (label, request) => ({ label, request });

/**
 * @param {string} name
 * @param {unknown} args
 */
const cmd = (name, args) => ({ name, args });

/** The hand-written cases: envelope, names, and each command's arguments. */
export function fixedCommandCases() {
  /** @type {CommandCase[]} */
  const cases = [
    c('no name', { args: { mode: 'auto' } }),
    ...[null, 1, [], {}, true, '', 'x'.repeat(65)].map((name) =>
      c(`name ${JSON.stringify(name)?.slice(0, 20)}`, { name, args: { mode: 'auto' } }),
    ),
    ...[
      'valve.explode',
      'VALVE.OPEN',
      ' valve.open',
      'valve.open ',
      'valve/open',
      'valve.open\u0000',
      'valve.ópen',
      '__proto__',
      'constructor',
      'toString',
      'hasOwnProperty',
      'valueOf',
      'mode.set.now',
      'mode',
      '*',
      '#',
    ].map((name) => c(`unknown name ${JSON.stringify(name)}`, cmd(name, { durationS: 5 }))),
    ...[null, [], 'auto', 1, true, [{ mode: 'auto' }]].map((args) =>
      c(`mode.set args ${JSON.stringify(args)}`, { name: 'mode.set', args }),
    ),
    ...[1, '', 'x'.repeat(65), {}, [], null].map((id) =>
      c(`id ${JSON.stringify(id)?.slice(0, 12)}`, { id, ...cmd('mode.set', { mode: 'auto' }) }),
    ),
    ...['yesterday', 1234, '', null, '2020-01-01T00:00:00.000Z', '2099-01-01T00:00:00.000Z'].map(
      (ts) => c(`ts ${JSON.stringify(ts)}`, { ts, ...cmd('valve.open', { durationS: 5 }) }),
    ),
    ...['role', 'user', 'sudo', 'force', 'confirm'].map((key) =>
      c(`envelope key ${key}`, {
        ...cmd('mode.set', { mode: 'auto' }),
        [key]: key === 'role' ? 'admin' : true,
      }),
    ),
  ];
  /** @type {[string, unknown][]} */
  const perCommand = [
    ['mode.set', { mode: 'AUTO' }],
    ['mode.set', { mode: 'auto ' }],
    ['mode.set', { mode: 'off' }],
    ['mode.set', { mode: 1 }],
    ['mode.set', { mode: null }],
    ['mode.set', { mode: ['auto'] }],
    ['mode.set', {}],
    ['mode.set', { mode: 'auto', force: true }],
    ['valve.open', { durationS: 0 }],
    ['valve.open', { durationS: -5 }],
    ['valve.open', { durationS: '5' }],
    ['valve.open', { durationS: null }],
    ['valve.open', { durationS: [5] }],
    ['valve.open', { durationS: {} }],
    ['valve.open', { durationS: 601 }], // above manualOpenMaxS (600): refused, never clamped
    ['valve.open', { durationS: 1e9 }],
    ['valve.open', { durationS: 5, force: true }],
    ['valve.open', { durationS: 5, interlocks: [] }],
    ['valve.close', { force: true }],
    ['valve.close', { durationS: 5 }],
    ['setpoints.set', {}],
    ['setpoints.set', { fillStartPct: -1 }],
    ['setpoints.set', { fillStartPct: 101 }],
    ['setpoints.set', { fillStartPct: '21' }],
    ['setpoints.set', { fillStartPct: null }],
    ['setpoints.set', { fillStartPct: 85 }], // above fillStopPct (80)
    ['setpoints.set', { fillStopPct: 15 }], // below fillStartPct (20)
    ['setpoints.set', { levelLowPct: 25 }], // above fillStartPct
    ['setpoints.set', { fillStopPct: 94 }], // within 2 % of levelHighHighPct (95)
    ['setpoints.set', { o2LowLowPct: 18.5 }], // a trip: only through trips.set
    ['setpoints.set', { maxFillS: 600 }],
    ['setpoints.set', { levelHighHighPct: 90 }],
    ['setpoints.set', { manualOpenDefaultS: 700 }], // above manualOpenMaxS
    ['setpoints.set', { manualOpenMaxS: 0 }],
    ['setpoints.set', { o2LowPct: 18.9 }],
    ['setpoints.set', { o2LowPct: 21 }],
    ['setpoints.set', { o2HighPct: 24 }],
    ['setpoints.set', { o2HighPct: 21 }],
    ['setpoints.set', { o2DeadbandPct: 3 }],
    ['setpoints.set', { o2AlarmOnDelayS: 601 }],
    ['setpoints.set', { minOffS: -1 }],
    ['setpoints.set', { minOffS: 90_000 }],
    ['setpoints.set', { fillStartPct: 21, unknown: 1 }],
    ['trips.set', { o2LowLowPct: 18.5, reason: 'attack run' }],
    ['trips.set', { o2LowLowPct: 18.5, confirm: 'true', reason: 'attack run' }],
    ['trips.set', { o2LowLowPct: 18.5, confirm: 1, reason: 'attack run' }],
    ['trips.set', { o2LowLowPct: 18.5, confirm: false, reason: 'attack run' }],
    ['trips.set', { o2LowLowPct: 18.5, confirm: true }],
    ['trips.set', { o2LowLowPct: 18.5, confirm: true, reason: 'ab' }],
    ['trips.set', { o2LowLowPct: 18.5, confirm: true, reason: '     ' }],
    ['trips.set', { o2LowLowPct: 18.5, confirm: true, reason: 'x'.repeat(501) }],
    ['trips.set', { confirm: true, reason: 'attack run' }],
    ['trips.set', { o2LowLowPct: 17.9, confirm: true, reason: 'attack run' }],
    ['trips.set', { o2LowLowPct: 19.6, confirm: true, reason: 'attack run' }],
    ['trips.set', { o2LowLowPct: 19.5, confirm: true, reason: 'attack run' }], // not below o2LowPct
    ['trips.set', { levelHighHighPct: 98.5, confirm: true, reason: 'attack run' }],
    ['trips.set', { levelHighHighPct: 81, confirm: true, reason: 'attack run' }], // < fillStop + 2
    ['trips.set', { maxFillS: 59, confirm: true, reason: 'attack run' }],
    ['trips.set', { maxFillS: 7201, confirm: true, reason: 'attack run' }],
    ['trips.set', { maxFillS: '600', confirm: true, reason: 'attack run' }],
    ['trips.set', { fillStartPct: 21, confirm: true, reason: 'attack run' }],
    ['alarm.ack', {}],
    ['alarm.ack', { alarmId: 'O2_LOW' }],
    ['alarm.ack', { alarmId: '' }],
    ['alarm.ack', { alarmId: 'a'.repeat(49) }],
    ['alarm.ack', { alarmId: 1 }],
    ['alarm.ack', { alarmId: '../audit' }],
    ['alarm.ack', { alarmId: 'no_such_alarm' }],
    ['alarm.ack', { alarmId: 'o2_low', comment: 'x'.repeat(501) }],
    ['alarm.ack', { alarmId: 'o2_low', comment: 5 }],
    ['alarm.ack', { alarmId: 'o2_low', by: 'admin' }],
    ['alarm.shelve', { alarmId: 'o2_low', minutes: 0, comment: 'attack run' }],
    ['alarm.shelve', { alarmId: 'o2_low', minutes: 1441, comment: 'attack run' }],
    ['alarm.shelve', { alarmId: 'o2_low', minutes: 1.5, comment: 'attack run' }],
    ['alarm.shelve', { alarmId: 'o2_low', minutes: '5', comment: 'attack run' }],
    ['alarm.shelve', { alarmId: 'o2_low', minutes: 5 }],
    ['alarm.shelve', { alarmId: 'o2_low', minutes: 5, comment: '' }],
    ['alarm.shelve', { alarmId: 'o2_low_low', minutes: 5, comment: 'attack run' }], // critical
    ['alarm.reset', {}],
    ['alarm.reset', { alarmId: 1 }],
    ['alarm.reset', { alarmId: 'o2_low_low' }], // not latched
    ['alarm.reset', { alarmId: 'no_such_alarm' }],
    ['alarm.unshelve', {}],
    ['alarm.unshelve', { alarmId: 'o2_low', comment: 'x'.repeat(501) }],
    ['alarm.unshelve', { alarmId: 'o2_low', minutes: 5 }],
    ['alarm.unshelve', { alarmId: 'o2_low_low' }], // critical: never shelved
  ];
  for (const [name, args] of perCommand)
    cases.push(c(`${name} ${JSON.stringify(args).slice(0, 60)}`, cmd(name, args)));
  return cases;
}

const KEYS = [
  'mode',
  'durationS',
  'force',
  'role',
  'admin',
  'constructor',
  'prototype',
  'é',
  'x-y',
  '0',
  '',
];

/**
 * Seeded random cases, each made invalid by construction: an unknown argument (every argument
 * schema is strict), a known argument of the wrong type, arguments that are not an object, an
 * unknown envelope key, a bad id or ts, or a mangled name — one to three of them at once.
 * @param {number} count
 * @param {number} seed
 * @returns {CommandCase[]}
 */
export function randomCommandCases(count, seed) {
  const r = prng(seed);
  /** @type {(depth?: number) => unknown} */
  const value = (depth = 0) => {
    switch (r.int(depth > 3 ? 5 : 8)) {
      case 0:
        return r.pick([0, -0, -1, 0.5, 1e308, -1e308, 2 ** 53, 5e-324, 42]);
      case 1:
        return r.pick([
          '',
          'auto',
          'manual',
          'true',
          '0',
          'a'.repeat(r.int(2000)),
          '\u202e',
          '💥',
          '%00',
        ]);
      case 2:
        return r.next() < 0.5;
      case 3:
        return null;
      case 4:
        return r.pick([[], ['auto'], [1, 2, 3]]);
      default: {
        /** @type {Record<string, unknown>} */
        const o = {};
        for (let i = r.int(3); i >= 0; i--) define(o, r.pick(KEYS), value(depth + 1));
        return o;
      }
    }
  };
  /** A value of another type than `current` (never equal to a valid one). */
  const wrongType = (/** @type {unknown} */ current) => {
    for (;;) {
      const v = value(1);
      if (typeof v !== typeof current && !(current === true && v === true)) return v;
    }
  };
  /** @type {((request: Record<string, any>) => string)[]} */
  const mutations = [
    (req) => {
      const key = `${r.pick(KEYS)}${r.int(3) === 0 ? r.int(100) : ''}`;
      if (key in req.args || key === '') define(req.args, `${key}_x`, value());
      else define(req.args, key, value());
      return `unknown argument`;
    },
    (req) => {
      const keys = Object.keys(req.args);
      if (keys.length === 0) {
        define(req.args, 'force', value());
        return 'unknown argument';
      }
      const key = r.pick(keys);
      // Of another type than the valid value: a second such mutation of the same key must not
      // bring the valid type back (0.5 for durationS, "0" for a comment).
      const valid = BASE_ARGS[/** @type {keyof typeof BASE_ARGS} */ (req.name)];
      const original = valid && Object.hasOwn(valid, key) ? valid[key] : req.args[key];
      req.args[key] = wrongType(original);
      return `${key} of the wrong type`;
    },
    (req) => {
      req.args = r.pick([null, 'auto', 5, [], [req.args], true]);
      return 'args not an object';
    },
    (req) => {
      define(req, r.pick(['role', 'user', 'sudo', 'constructor', 'result', 'ok']), value());
      return 'unknown envelope key';
    },
    (req) => {
      req.id = r.pick([0, '', 'i'.repeat(65), {}, [], null, true]);
      return 'bad id';
    },
    (req) => {
      req.ts = r.pick([
        'now',
        0,
        '2026-13-45T25:61:61Z',
        'x'.repeat(30),
        {},
        '1999-12-31T23:59:59Z',
      ]);
      return 'bad ts';
    },
    (req) => {
      req.name = r.pick([
        `${req.name}.`,
        req.name.toUpperCase(),
        `${req.name}\u200b`,
        req.name.replace('.', '_'),
        `x${req.name}`,
      ]);
      return 'mangled name';
    },
  ];
  /** @type {CommandCase[]} */
  const cases = [];
  for (let i = 0; i < count; i++) {
    const name = r.pick(COMMAND_NAMES);
    /** @type {Record<string, any>} */
    const request = { name, args: structuredClone(BASE_ARGS[name]) };
    const applied = [];
    for (let m = 1 + r.int(3); m > 0; m--) {
      // After `args` stopped being an object, only envelope mutations still apply.
      const usable = isObject(request.args) ? mutations : mutations.slice(2);
      applied.push(r.pick(usable)(request));
    }
    cases.push(c(`random #${i} ${name}: ${applied.join(', ')}`, request));
  }
  return cases;
}

/**
 * Sets an own, enumerable property (also `__proto__`, which plain assignment would not).
 * @param {Record<string, unknown>} object
 * @param {string} key
 * @param {unknown} value
 */
function define(object, key, value) {
  Object.defineProperty(object, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

/** @param {unknown} value */
function isObject(value) {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
