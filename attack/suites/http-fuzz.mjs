// @ts-check
import { fixedCommandCases, randomCommandCases } from '../cases/commands.mjs';
import {
  CHANGING_BODIES,
  CONTENT_TYPES,
  foreignOrigins,
  LOGIN_CASES,
  OTHER_METHODS,
  QUERY_CASES,
  rawHttpCases,
  SIM_CASES,
  STATE_CHANGING,
} from '../cases/http.mjs';
import { JUNK } from '../cases/junk.mjs';
import { StateGuard } from '../lib/guard.mjs';
import { request, statusClass } from '../lib/http.mjs';
import { sourceAddress } from '../lib/net.mjs';
import { runPool } from '../lib/pool.mjs';
import { rawExchange } from '../lib/raw-http.mjs';
import { login } from '../lib/session.mjs';
import { Tally, text } from '../lib/tally.mjs';
import { manualModeOpenable, underAttack } from '../lib/under-attack.mjs';
import { PASSWORD } from '../lib/users.mjs';

/** Random command cases (seeded: the same every run). */
const RANDOM_CASES = 1600;
const SEED = 16;
/** Requests in flight at once. */
const CONCURRENCY = 8;
/** Malformed bodies sent from one address to see the per-address budget (60 a minute) fire. */
const BUDGET_PROBE = 70;

/**
 * @typedef {object} FuzzRequest
 * @property {string} label
 * @property {import('../lib/http.mjs').RequestSpec} spec
 * @property {boolean} [oversized] a reset after the early 413 is an answer too
 */

/** @type {import('../lib/under-attack.mjs').Suite} */
export default {
  name: 'http-fuzz',
  summary:
    'malformed requests against every state-changing endpoint: bad JSON, wrong types, unknown commands, oversized bodies, out-of-range setpoints and trips, other content types, foreign origins, other methods, bad query strings, malformed HTTP',
  budgetS: 100,
  async run(ctx) {
    const tally = new Tally(this.name);
    const started = performance.now();
    await underAttack(ctx, tally, {}, async ({ service, observer, admin }) => {
      const target = service.target;
      const cookies = {
        admin: admin.cookie,
        operator: await login(target, 'operator'),
        viewer: await login(target, 'viewer'),
        anonymous: '',
      };
      const spareAdmin = await login(target, 'admin');
      tally.figures.valveOpenableDuringFuzz = await manualModeOpenable(admin);
      const plantBefore = (await admin.get('/api/sim/plant')).json;
      const guard = new StateGuard(admin);
      await guard.begin();
      const from = Date.now();

      const requests = buildRequests(target.port, cookies, spareAdmin);
      tally.figures.requestsPlanned = requests.length;
      await runPool(
        requests,
        CONCURRENCY,
        async (item, index) => {
          const response = await request(target, { ...item.spec, from: sourceAddress(1, index) });
          const cls = statusClass(response);
          tally.count(cls);
          tally.count(`HTTP ${response.status || response.error}`);
          const code = response.json?.error?.code;
          if (code) tally.count(`code ${code}`);
          const reset = response.status === 0 && /EPIPE|ECONNRESET/.test(response.error ?? '');
          const handled = cls === '4xx' || (item.oversized === true && reset);
          tally.input(
            handled,
            `${item.spec.method} ${item.spec.path} [${item.label}] → ${response.status || response.error} ${response.text.slice(0, 160)}`,
          );
        },
        ctx.signal,
      );

      // The per-address budget of malformed bodies: one address, one burst.
      let firstRefusal = 0;
      for (let i = 1; i <= BUDGET_PROBE && !ctx.signal.aborted; i++) {
        const response = await request(target, {
          method: 'POST',
          path: '/api/commands',
          headers: { 'content-type': 'application/json', cookie: cookies.operator },
          body: '{"name":',
          from: sourceAddress(9, 0),
        });
        if (response.status === 429 && firstRefusal === 0) firstRefusal = i;
        tally.count(`budget probe HTTP ${response.status || response.error}`);
        tally.input(statusClass(response) === '4xx', `malformed body #${i} → ${response.status}`);
      }
      tally.figures.malformedBodiesBeforeLimit = firstRefusal ? firstRefusal - 1 : null;

      // Every refused command is audited (docs/interfaces.md), however odd its arguments.
      const audited = await auditProbe(target, cookies.admin, admin);
      tally.figures.refusedCommandsAudited = `${audited.filter((a) => a.audited).length}/${audited.length}`;
      for (const a of audited) {
        tally.count(`audit probe ${a.status} ${a.audited ? 'audited' : 'NOT audited'}`);
        tally.input(
          a.status === 400 && a.audited,
          `refused command [${a.label}] → ${a.status}, ${a.audited ? 'audited' : 'missing from GET /api/audit'}`,
        );
      }

      for (const [index, raw] of rawHttpCases(target.port).entries()) {
        if (ctx.signal.aborted) break;
        const answer = await rawExchange(target, raw.bytes, { from: sourceAddress(8, index) });
        const fiveXx = answer.statuses.filter((s) => s >= 500);
        const postAccepted = raw.bytes.startsWith('POST') && answer.statuses.some((s) => s < 300);
        const leak = /root:.*:0:0:/.test(answer.text);
        tally.count(
          `raw [${raw.label}] → ${answer.statuses.join('+') || (answer.closedByServer ? 'closed' : 'no answer')}`,
        );
        tally.input(
          fiveXx.length === 0 && !postAccepted && !leak,
          `raw HTTP [${raw.label}] → ${answer.statuses.join(', ') || answer.error || 'no answer'}`,
        );
      }

      const { changes, accepted } = await guard.end();
      for (const change of changes) tally.stateChange(change);
      const window = observer.window(from);
      if (window.valveOpenSamples > 0)
        tally.stateChange(`valve open in ${window.valveOpenSamples} samples during the fuzz`);
      const plantAfter = (await admin.get('/api/sim/plant')).json;
      for (const change of plantChanges(plantBefore, plantAfter))
        tally.stateChange(`simulator: ${change}`);
      tally.figures.acceptedCommandsInAudit = accepted.length;
      for (const record of accepted.slice(0, 5))
        tally.finding(`audit shows accepted ${record.command} from ${record.user}`);
      tally.figures.statusClasses = Object.fromEntries(
        ['2xx', '3xx', '4xx', '5xx', 'none'].map((k) => [k, tally.counts[k] ?? 0]),
      );
    });
    const classes = /** @type {Record<string, number>} */ (tally.figures.statusClasses ?? {});
    const notable = `4xx ${classes['4xx'] ?? 0}, 5xx ${classes['5xx'] ?? 0}, 2xx ${classes['2xx'] ?? 0}; malformed-body limit after ${text(tally.figures.malformedBodiesBeforeLimit)}/min`;
    return tally.result(notable, (performance.now() - started) / 1000);
  },
};

/**
 * Every planned request, in a fixed order.
 * @param {number} port
 * @param {{ admin: string, operator: string, viewer: string, anonymous: string }} cookies
 * @param {string} spareAdmin an admin session that a failed origin check on logout may end
 * @returns {FuzzRequest[]}
 */
function buildRequests(port, cookies, spareAdmin) {
  /** @type {FuzzRequest[]} */
  const out = [];
  /**
   * @param {string} label
   * @param {string} method
   * @param {string} path
   * @param {string | Buffer | undefined} body
   * @param {{ cookie?: string, contentType?: string, origin?: string, oversized?: boolean }} [o]
   */
  const add = (label, method, path, body, o = {}) => {
    /** @type {Record<string, string>} */
    const headers = {};
    if (o.contentType !== '') headers['content-type'] = o.contentType ?? 'application/json';
    if (o.cookie) headers.cookie = o.cookie;
    if (o.origin !== undefined) headers.origin = o.origin;
    out.push({ label, spec: { method, path, headers, body }, oversized: o.oversized });
  };
  const senders = /** @type {const} */ (['admin', 'operator', 'viewer', 'anonymous']);
  for (const c of fixedCommandCases()) {
    for (const who of senders)
      add(`${who}: ${c.label}`, 'POST', '/api/commands', JSON.stringify(c.request), {
        cookie: cookies[who],
      });
  }
  for (const c of randomCommandCases(RANDOM_CASES, SEED)) {
    add(`admin: ${c.label}`, 'POST', '/api/commands', JSON.stringify(c.request), {
      cookie: cookies.admin,
    });
  }
  for (const path of STATE_CHANGING) {
    for (const junk of JUNK) {
      // An empty body is `{}`: on /api/sim/plant a valid read that changes nothing.
      if (path === '/api/sim/plant' && junk.text === '') continue;
      // A valid JSON body would sign the admin out: logout gets junk anonymously only.
      if (path !== '/api/auth/logout')
        add(`admin: ${junk.label}`, 'POST', path, junk.text, { cookie: cookies.admin });
      add(`anonymous: ${junk.label}`, 'POST', path, junk.text);
    }
  }
  const changing = (/** @type {string} */ path) =>
    JSON.stringify(
      path === '/api/auth/login'
        ? { username: 'admin', password: PASSWORD }
        : CHANGING_BODIES[path],
    );
  for (const path of STATE_CHANGING.filter((p) => p !== '/api/auth/logout')) {
    for (const contentType of CONTENT_TYPES) {
      add(`content-type ${JSON.stringify(contentType)}`, 'POST', path, changing(path), {
        cookie: cookies.admin,
        contentType,
      });
    }
  }
  for (const path of STATE_CHANGING) {
    for (const origin of foreignOrigins(port)) {
      const cookie = path === '/api/auth/logout' ? spareAdmin : cookies.admin;
      add(`origin ${JSON.stringify(origin)}`, 'POST', path, changing(path), { cookie, origin });
    }
    for (const method of OTHER_METHODS)
      add(`method ${method}`, method, path, changing(path), { cookie: cookies.admin });
    for (const size of [17 * 1024, 200 * 1024, 2 * 1024 * 1024]) {
      const body = JSON.stringify({
        name: 'mode.set',
        args: { mode: 'auto', pad: 'x'.repeat(size) },
      });
      add(`oversized ${Math.round(size / 1024)} KiB`, 'POST', path, body, {
        cookie: path === '/api/auth/logout' ? spareAdmin : cookies.admin,
        oversized: true,
      });
    }
  }
  for (const [path, body] of SIM_CASES)
    add(`simulator ${JSON.stringify(body).slice(0, 60)}`, 'POST', path, JSON.stringify(body), {
      cookie: cookies.admin,
    });
  for (const body of LOGIN_CASES)
    add(
      `login ${JSON.stringify(body).slice(0, 60)}`,
      'POST',
      '/api/auth/login',
      JSON.stringify(body),
    );
  for (const path of QUERY_CASES)
    add(`query ${path.slice(0, 60)}`, 'GET', path, undefined, {
      cookie: cookies.admin,
      contentType: '',
    });
  return out;
}

/**
 * What changed in the simulator's settings (the level itself drifts with the plant).
 * @param {any} before
 * @param {any} after
 */
function plantChanges(before, after) {
  const changes = [];
  for (const key of ['params', 'scenario', 'speed', 'faults']) {
    const a = JSON.stringify(before?.[key]);
    const b = JSON.stringify(after?.[key]);
    if (a !== b) changes.push(`${key}: ${a} → ${b}`);
  }
  if (Math.abs((after?.levelPct ?? 0) - (before?.levelPct ?? 0)) > 5) {
    changes.push(`level jumped ${before?.levelPct} → ${after?.levelPct}`);
  }
  return changes;
}

/**
 * Refused commands with ids, odd arguments included; then which of them `GET /api/audit`
 * shows.
 * @param {{ host: string, port: number }} target
 * @param {string} cookie
 * @param {import('../lib/session.mjs').SessionClient} admin
 */
async function auditProbe(target, cookie, admin) {
  const probes = [
    {
      label: 'unknown argument',
      body: '{"id":"audit-plain","name":"mode.set","args":{"mode":"auto","x":1}}',
    },
    {
      label: 'args nested 1000 deep',
      body: `{"id":"audit-deep-1000","name":"mode.set","args":{"mode":${'['.repeat(1000)}${']'.repeat(1000)}}}`,
    },
    {
      label: 'args nested 7000 deep',
      body: `{"id":"audit-deep-7000","name":"mode.set","args":{"mode":${'['.repeat(7000)}${']'.repeat(7000)}}}`,
    },
    {
      label: 'args object nested 2500 deep',
      body: `{"id":"audit-object-2500","name":"mode.set","args":{"mode":${'{"a":'.repeat(2500)}1${'}'.repeat(2500)}}}`,
    },
    {
      label: '12 KB argument',
      body: JSON.stringify({
        id: 'audit-big',
        name: 'mode.set',
        args: { mode: 'x'.repeat(12_000) },
      }),
    },
  ];
  /** @type {number[]} */
  const statuses = [];
  for (const probe of probes) {
    const response = await request(target, {
      method: 'POST',
      path: '/api/commands',
      headers: { 'content-type': 'application/json', cookie },
      body: probe.body,
    });
    statuses.push(response.status);
  }
  const audit = await admin.get('/api/audit?limit=50');
  const ids = new Set(
    (Array.isArray(audit.json) ? audit.json : []).map((/** @type {any} */ r) => r.id),
  );
  return probes.map((probe, i) => ({
    label: probe.label,
    status: statuses[i],
    audited: ids.has(JSON.parse(probe.body.slice(0, probe.body.indexOf(',')) + '}').id),
  }));
}
