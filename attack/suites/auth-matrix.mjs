// @ts-check
import { COMMAND_NAMES, COMMAND_ROLES } from '../cases/commands.mjs';
import { StateGuard } from '../lib/guard.mjs';
import { jsonRequest } from '../lib/http.mjs';
import { sleep } from '../lib/log.mjs';
import { BASE_TOPIC, closeQuietly, connect } from '../lib/mqtt.mjs';
import { sourceAddress } from '../lib/net.mjs';
import { login } from '../lib/session.mjs';
import { Tally } from '../lib/tally.mjs';
import { underAttack } from '../lib/under-attack.mjs';
import { WsClient } from '../lib/ws.mjs';

/** @typedef {'anonymous' | 'viewer' | 'operator' | 'admin'} Who */
const RANK = { anonymous: 0, viewer: 1, operator: 2, admin: 3 };

/**
 * Arguments that pass the role check but change nothing in manual mode with the valve closed
 * and no alarm raised (the current mode, a close, the current setpoint and trip, an alarm that
 * does not exist, an open longer than `manualOpenMaxS`): an allowed cell shows in its answer,
 * never as a change. (In auto mode `valve.close` switches to manual: not a no-op there.)
 * @type {Record<string, Record<string, unknown>>}
 */
const NO_OP_ARGS = {
  'mode.set': { mode: 'manual' },
  'valve.open': { durationS: 601 },
  'valve.close': {},
  'setpoints.set': { fillStartPct: 20 },
  'trips.set': { o2LowLowPct: 18, confirm: true, reason: 'attack auth matrix' },
  'alarm.ack': { alarmId: 'no_such_alarm' },
  'alarm.shelve': { alarmId: 'no_such_alarm', minutes: 5, comment: 'attack auth matrix' },
  'alarm.reset': { alarmId: 'no_such_alarm' },
  'alarm.unshelve': { alarmId: 'no_such_alarm' },
  // A sensor that is not there: allowed or not, nothing changes.
  'sensor.test.start': { sensorId: 'o2_9' },
  'sensor.test.end': { sensorId: 'o2_9', referenceGasPct: 18 },
  'sensor.calibration': {
    sensorId: 'o2_9',
    referenceGasPct: 20.9,
    readingBeforePct: 20.5,
    readingAfterPct: 20.9,
    passed: true,
  },
  'sensor.install': { sensorId: 'o2_9', installedOn: '2026-11-01', expectedLifeMonths: 24 },
  // No channel of that name: refused whoever sends it.
  'notifications.test': { channel: 'no_such_channel' },
};

/**
 * Endpoints of docs/interfaces.md with the least role each needs (`none`: public). A 404 is
 * counted as "documented but not implemented".
 * @type {{ method: string, path: string, role: 'none' | 'viewer' | 'operator' | 'admin', body?: unknown }[]}
 */
const ENDPOINTS = [
  { method: 'GET', path: '/api/health', role: 'none' },
  { method: 'GET', path: '/api/auth/session', role: 'viewer' },
  { method: 'GET', path: '/api/state', role: 'viewer' },
  { method: 'GET', path: '/api/trend?minutes=5', role: 'viewer' },
  { method: 'GET', path: '/api/diagnostics', role: 'viewer' },
  { method: 'GET', path: '/api/audit?limit=5', role: 'admin' },
  { method: 'GET', path: '/api/sim/plant', role: 'admin' },
  { method: 'POST', path: '/api/sim/fault', role: 'admin', body: { fault: 'none' } },
  { method: 'POST', path: '/api/sim/scenario', role: 'admin', body: { name: 'normal' } },
  { method: 'POST', path: '/api/sim/plant', role: 'admin', body: {} },
  { method: 'GET', path: '/api/fills?limit=5', role: 'viewer' },
  { method: 'GET', path: '/api/consumption', role: 'viewer' },
  { method: 'GET', path: '/api/sensors/o2_1/maintenance', role: 'viewer' },
  {
    method: 'POST',
    path: '/api/sensors/o2_9/maintenance',
    role: 'operator',
    body: { action: 'test.end', referenceGasPct: 18 },
  },
];

/** @type {import('../lib/under-attack.mjs').Suite} */
export default {
  name: 'auth-matrix',
  summary:
    'every endpoint and every command × {anonymous, viewer, operator, admin} over HTTP, the commands also over the WebSocket and MQTT (which acts as operator): allowed or denied as docs/interfaces.md says',
  budgetS: 45,
  async run(ctx) {
    const tally = new Tally(this.name);
    const started = performance.now();
    /** @type {string[]} */
    const tooOpen = [];
    /** @type {string[]} */
    const tooClosed = [];
    /** @type {string[]} */
    const missing = [];
    await underAttack(ctx, tally, {}, async ({ service, observer, admin }) => {
      const target = service.target;
      /** @type {Record<Who, string>} */
      const cookies = {
        anonymous: '',
        viewer: await login(target, 'viewer'),
        operator: await login(target, 'operator'),
        admin: admin.cookie,
      };
      const manual = await admin.command('mode.set', { mode: 'manual' });
      if (manual.status !== 200)
        throw new Error(`mode.set manual: ${manual.status} ${manual.text}`);
      const guard = new StateGuard(admin);
      await guard.begin();
      const from = Date.now();
      /**
       * @param {string} cell
       * @param {boolean} expected
       * @param {boolean} allowed
       */
      const judge = (cell, expected, allowed) => {
        tally.count(`${expected ? 'allow' : 'deny'} expected, ${allowed ? 'allowed' : 'denied'}`);
        if (allowed && !expected) tooOpen.push(cell);
        if (!allowed && expected) tooClosed.push(cell);
        tally.input(
          allowed === expected,
          `${cell}: ${allowed ? 'allowed' : 'denied'}, interfaces.md says ${expected ? 'allow' : 'deny'}`,
        );
      };
      const whos = /** @type {Who[]} */ (['anonymous', 'viewer', 'operator', 'admin']);

      for (const endpoint of ENDPOINTS) {
        for (const who of whos) {
          const response = await jsonRequest(
            target,
            endpoint.method,
            endpoint.path,
            endpoint.body,
            { cookie: cookies[who] },
          );
          const cell = `HTTP ${who} ${endpoint.method} ${endpoint.path}`;
          if (response.status === 404) {
            tally.count('not implemented (404)');
            tally.input(true);
            if (who === 'admin') missing.push(`${endpoint.method} ${endpoint.path.split('?')[0]}`);
            continue;
          }
          const expected =
            endpoint.role === 'none' || (who !== 'anonymous' && RANK[who] >= RANK[endpoint.role]);
          judge(cell, expected, response.status !== 401 && response.status !== 403);
        }
      }
      for (const name of COMMAND_NAMES) {
        for (const who of whos) {
          const response = await jsonRequest(
            target,
            'POST',
            '/api/commands',
            { name, args: NO_OP_ARGS[name] },
            { cookie: cookies[who] },
          );
          const expected = who !== 'anonymous' && RANK[who] >= RANK[COMMAND_ROLES[name]];
          const denied =
            response.status === 401 ||
            response.status === 403 ||
            response.json?.error?.code === 'forbidden';
          judge(`HTTP ${who} ${name}`, expected, !denied);
        }
      }

      // WebSocket: one socket per role; anonymous cannot even open one.
      const anonymous = await WsClient.open(target, {});
      judge('WS anonymous upgrade', false, anonymous.status === 101);
      await anonymous.client?.close();
      for (const who of /** @type {Who[]} */ (['viewer', 'operator', 'admin'])) {
        const opened = await WsClient.open(target, { cookie: cookies[who] });
        if (!opened.client) throw new Error(`WebSocket of ${who} refused: ${opened.status}`);
        COMMAND_NAMES.forEach((name, i) =>
          opened.client?.send(
            JSON.stringify({ type: 'command', id: `m-${i}`, name, args: NO_OP_ARGS[name] }),
          ),
        );
        await opened.client.waitResults(COMMAND_NAMES.length, 5000);
        COMMAND_NAMES.forEach((name, i) => {
          const result = opened.client?.results.find((r) => r.id === `m-${i}`);
          const expected = RANK[who] >= RANK[COMMAND_ROLES[name]];
          if (!result) tally.input(false, `WS ${who} ${name}: no result`);
          else judge(`WS ${who} ${name}`, expected, result.error?.code !== 'forbidden');
        });
        await opened.client.close();
      }

      // MQTT: the account allowed to command acts with `mqtt.commandRole` (operator).
      const accounts = service.mqttUsers();
      const mqtt = await connect(service.mqttPort, {
        ...accounts.service,
        clientId: 'attack-matrix',
      });
      /** @type {Map<string, any>} */
      const results = new Map();
      mqtt.on('message', (_t, payload) => {
        const result = JSON.parse(payload.toString('utf8'));
        results.set(result.id, result);
      });
      await mqtt.subscribeAsync(`${BASE_TOPIC}/cmd/result`, { qos: 1 });
      for (const [i, name] of COMMAND_NAMES.entries()) {
        await mqtt.publishAsync(
          `${BASE_TOPIC}/cmd/${name}`,
          JSON.stringify({ id: `mq-${i}`, args: NO_OP_ARGS[name] }),
          { qos: 1 },
        );
      }
      for (let i = 0; i < 50 && results.size < COMMAND_NAMES.length; i++) await sleep(100);
      for (const [i, name] of COMMAND_NAMES.entries()) {
        const result = results.get(`mq-${i}`);
        const expected = RANK.operator >= RANK[COMMAND_ROLES[name]];
        if (!result) tally.input(false, `MQTT ${name}: no result`);
        else judge(`MQTT (operator) ${name}`, expected, result.error?.code !== 'forbidden');
      }
      await closeQuietly(mqtt);

      // Logout ends the session: last, with sessions of their own.
      for (const [i, who] of whos.entries()) {
        const cookie =
          who === 'anonymous' ? '' : await login(target, who, { from: sourceAddress(5, i) });
        const response = await jsonRequest(target, 'POST', '/api/auth/logout', {}, { cookie });
        judge(
          `HTTP ${who} POST /api/auth/logout`,
          who !== 'anonymous',
          response.status !== 401 && response.status !== 403,
        );
      }

      const { changes } = await guard.end();
      for (const change of changes) tally.stateChange(change);
      const window = observer.window(from);
      if (window.valveOpenSamples > 0)
        tally.stateChange(`valve open in ${window.valveOpenSamples} samples`);
    });
    tally.figures.allowedButShouldBeDenied = tooOpen;
    tally.figures.deniedButShouldBeAllowed = tooClosed;
    tally.figures.documentedButNotImplemented = missing;
    if (missing.length > 0) {
      tally.finding(
        `in the design's interface card (fill history, consumption, sensor maintenance) but not in the service nor docs/interfaces.md — 404: ${missing.join(', ')}`,
      );
    }
    const notable = `${tally.tried} cells: ${tooOpen.length} too open, ${tooClosed.length} too closed; ${missing.length} documented endpoints missing (404)`;
    return tally.result(notable, (performance.now() - started) / 1000);
  },
};
