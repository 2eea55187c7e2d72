// @ts-check
import {
  BASE_ARGS,
  COMMAND_NAMES,
  fixedCommandCases,
  randomCommandCases,
} from '../cases/commands.mjs';
import { JUNK } from '../cases/junk.mjs';
import { StateGuard } from '../lib/guard.mjs';
import { jsonRequest } from '../lib/http.mjs';
import { sourceAddress } from '../lib/net.mjs';
import { runPool } from '../lib/pool.mjs';
import { login } from '../lib/session.mjs';
import { Tally, text } from '../lib/tally.mjs';
import { manualModeOpenable, underAttack } from '../lib/under-attack.mjs';
import { WsClient } from '../lib/ws.mjs';

/** Frames per connection: below the gateway's burst of 20, so the rate limit stays out of it. */
const FRAMES_PER_SOCKET = 18;
/** Sockets of one user at once: below `http.maxSocketsPerUser` (10). */
const SOCKETS_AT_ONCE = 8;
const RANDOM_CASES = 300;
const SEED = 1616;

/**
 * @typedef {object} Frame
 * @property {string} label
 * @property {string | Buffer} data
 * @property {boolean} [binary]
 * @property {boolean} [alone] closes the socket (1007: not UTF-8): sent on a socket of its own
 */

/** @type {import('../lib/under-attack.mjs').Suite} */
export default {
  name: 'ws-fuzz',
  summary:
    'the operator WebSocket: refused upgrades (no or ended session, foreign origin), junk and binary frames, oversized messages and frames (> 64 KiB), commands with wrong arguments from an operator and any command from a viewer; the per-user socket cap and the message-rate limit',
  budgetS: 80,
  async run(ctx) {
    const tally = new Tally(this.name);
    const started = performance.now();
    await underAttack(ctx, tally, {}, async ({ service, observer, admin }) => {
      const target = service.target;
      const operator = await login(target, 'operator');
      const viewer = await login(target, 'viewer');
      const ended = await login(target, 'viewer');
      await jsonRequest(target, 'POST', '/api/auth/logout', {}, { cookie: ended });
      tally.figures.valveOpenableDuringFuzz = await manualModeOpenable(admin);
      const guard = new StateGuard(admin);
      await guard.begin();
      const from = Date.now();

      // Upgrades that must be refused with an HTTP status, no socket opened.
      const token = viewer.split('=')[1];
      /** @type {[string, Parameters<typeof WsClient.open>[1]][]} */
      const upgrades = [
        ['no cookie', {}],
        [
          'unknown session',
          { cookie: 'cryopilot_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' },
        ],
        ['malformed %-escape', { cookie: 'cryopilot_session=%zz' }],
        ['cookie under another name', { cookie: `session=${token}` }],
        ['ended session', { cookie: ended }],
        ...[
          'http://evil.example',
          'null',
          `http://127.0.0.1:${target.port + 1}`,
          `http://localhost:${target.port}`,
          'garbage',
          '',
        ].map(
          (origin) =>
            /** @type {[string, Parameters<typeof WsClient.open>[1]]} */ ([
              `origin ${JSON.stringify(origin)}`,
              { cookie: viewer, origin },
            ]),
        ),
      ];
      for (const [label, options] of upgrades) {
        const opened = await WsClient.open(target, options);
        tally.count(`upgrade ${opened.status}`);
        tally.input(
          opened.status === 401 || opened.status === 403,
          `upgrade [${label}] → ${opened.status}`,
        );
        await opened.client?.close();
      }

      // Frames from an operator (all invalid) and a viewer (also valid commands: forbidden).
      const invalid = invalidFrames();
      const valid = COMMAND_NAMES.map((name, i) => ({
        label: `viewer sends valid ${name}`,
        data: JSON.stringify({ type: 'command', id: `valid-${i}`, name, args: BASE_ARGS[name] }),
      }));
      tally.figures.framesPerUser = {
        operator: invalid.length,
        viewer: invalid.length + valid.length,
      };
      await Promise.all([
        sendFrames(target, operator, invalid, tally, 0, ctx.signal),
        sendFrames(target, viewer, [...valid, ...invalid], tally, 1, ctx.signal),
      ]);

      // A frame above the hard limit (64 KiB) is not even read: close 1009.
      const big = await WsClient.open(target, { cookie: operator });
      big.client?.send(
        JSON.stringify({
          type: 'command',
          name: 'mode.set',
          args: { mode: 'auto', pad: 'x'.repeat(70_000) },
        }),
      );
      const bigClose = big.client
        ? await Promise.race([big.client.closed, sleepValue(5000, -1)])
        : -1;
      tally.count(`oversized frame close ${bigClose}`);
      tally.input(bigClose === 1009, `70 KB frame → close ${bigClose}`);
      tally.figures.oversizedFrameClose = bigClose;

      // Per-user cap: 12 sockets at once, then 12 one after the other (10 allowed).
      tally.figures.capAtOnce = await capProbe(target, operator, 12, true, tally);
      tally.figures.capOneByOne = await capProbe(target, operator, 12, false, tally);

      // Message rate: 40 frames at once on one socket; the gateway closes it (1008) after 20.
      const flood = await WsClient.open(target, { cookie: viewer });
      for (let i = 0; i < 40; i++)
        flood.client?.send(
          JSON.stringify({ type: 'command', id: `flood-${i}`, name: 'valve.open', args: {} }),
        );
      const floodClose = flood.client
        ? await Promise.race([flood.client.closed, sleepValue(5000, -1)])
        : -1;
      tally.figures.rateLimit = {
        sent: 40,
        answered: flood.client?.results.length ?? 0,
        close: floodClose,
      };
      tally.count(`flood close ${floodClose}`);
      tally.input(floodClose === 1008, `40 frames at once → close ${floodClose}`);

      const { changes, accepted } = await guard.end();
      for (const change of changes) tally.stateChange(change);
      const window = observer.window(from);
      if (window.valveOpenSamples > 0)
        tally.stateChange(`valve open in ${window.valveOpenSamples} samples`);
      tally.figures.acceptedCommandsInAudit = accepted.length;
    });
    const cap = /** @type {{ accepted?: number } | undefined} */ (tally.figures.capAtOnce);
    const rate = /** @type {{ close?: number } | undefined} */ (tally.figures.rateLimit);
    const notable = `cap: ${cap?.accepted ?? '?'} of 12 sockets at once; 40 frames → close ${rate?.close ?? '?'}; 70 KB frame → close ${text(tally.figures.oversizedFrameClose)}`;
    return tally.result(notable, (performance.now() - started) / 1000);
  },
};

/** Frames that must each be answered `ok:false` (or close the socket with a code). @returns {Frame[]} */
function invalidFrames() {
  /** @type {Frame[]} */
  const frames = JUNK.map((j) => ({
    label: `junk ${j.label}`,
    data: j.text,
    alone: Buffer.isBuffer(j.text),
  }));
  frames.push(
    {
      label: 'binary JSON',
      data: Buffer.from(
        JSON.stringify({ type: 'command', name: 'mode.set', args: { mode: 'auto' } }),
      ),
      binary: true,
    },
    { label: 'binary junk', data: Buffer.from([0, 1, 2, 255]), binary: true },
    {
      label: 'array',
      data: JSON.stringify([{ type: 'command', name: 'mode.set', args: { mode: 'auto' } }]),
    },
    { label: 'no type', data: JSON.stringify({ name: 'mode.set', args: { mode: 'auto' } }) },
    { label: 'type hello', data: JSON.stringify({ type: 'hello' }) },
    {
      label: 'type null',
      data: JSON.stringify({ type: null, name: 'mode.set', args: { mode: 'auto' } }),
    },
    {
      label: 'type COMMAND',
      data: JSON.stringify({ type: 'COMMAND', name: 'mode.set', args: { mode: 'auto' } }),
    },
    { label: 'type snapshot', data: JSON.stringify({ type: 'snapshot', state: {} }) },
    {
      label: 'type command-result',
      data: JSON.stringify({ type: 'command-result', id: 'x', ok: true }),
    },
    {
      label: '5 KB message',
      data: JSON.stringify({
        type: 'command',
        name: 'mode.set',
        args: { mode: 'auto', pad: 'x'.repeat(5000) },
      }),
    },
  );
  const commands = [...fixedCommandCases(), ...randomCommandCases(RANDOM_CASES, SEED)];
  commands.forEach((c, i) =>
    frames.push({
      label: c.label,
      data: JSON.stringify({ type: 'command', id: `ws-${i}`, ...c.request }),
    }),
  );
  return frames;
}

/**
 * Sends `frames` over sockets of `cookie`'s user, `FRAMES_PER_SOCKET` each, and counts the
 * answers: one `ok:false` result per frame is handled; an `ok:true` result or no answer is not
 * (unless the socket was closed with a code, which answers the rest).
 * @param {{ host: string, port: number }} target
 * @param {string} cookie
 * @param {Frame[]} frames
 * @param {Tally} tally
 * @param {number} block
 * @param {AbortSignal} signal
 */
async function sendFrames(target, cookie, frames, tally, block, signal) {
  /** @type {Frame[][]} */
  const batches = [];
  const together = frames.filter((f) => !f.alone);
  for (let i = 0; i < together.length; i += FRAMES_PER_SOCKET)
    batches.push(together.slice(i, i + FRAMES_PER_SOCKET));
  for (const frame of frames.filter((f) => f.alone)) batches.push([frame]);
  await runPool(
    batches,
    SOCKETS_AT_ONCE,
    async (batch, index) => {
      const opened = await WsClient.open(target, {
        cookie,
        from: sourceAddress(10 + block, index),
      });
      if (!opened.client) {
        for (const frame of batch)
          tally.input(false, `[${frame.label}]: upgrade refused ${opened.status}`);
        return;
      }
      const client = opened.client;
      for (const frame of batch) client.send(frame.data, frame.binary ?? false);
      await client.waitResults(batch.length, 8000);
      const results = client.results;
      for (const result of results) {
        tally.count(result.ok ? 'result ok:true' : `result ${result.error?.code}`);
        const frame = batch.find(
          (f) => typeof f.data === 'string' && result.id && f.data.includes(`"id":"${result.id}"`),
        );
        tally.input(
          result.ok === false,
          `[${frame?.label ?? result.id}] accepted: ${JSON.stringify(result).slice(0, 200)}`,
        );
      }
      const missing = batch.length - results.length;
      if (missing > 0) {
        const code = client.closeCode;
        tally.count(`closed ${code} with ${missing} unanswered`);
        for (let i = 0; i < missing; i++)
          tally.input(
            code !== null && code !== 1000 && code !== 1006,
            `no answer to a frame (socket ${code ?? 'open'})`,
          );
      }
      await client.close();
    },
    signal,
  );
}

/**
 * Opens `count` sockets of one user, at once or one by one; how many the gateway took.
 * @param {{ host: string, port: number }} target
 * @param {string} cookie
 * @param {number} count
 * @param {boolean} atOnce
 * @param {Tally} tally
 */
async function capProbe(target, cookie, count, atOnce, tally) {
  /** @type {{ status: number, client?: WsClient }[]} */
  let opened = [];
  if (atOnce) {
    opened = await Promise.all(
      Array.from({ length: count }, () => WsClient.open(target, { cookie })),
    );
  } else {
    for (let i = 0; i < count; i++) opened.push(await WsClient.open(target, { cookie }));
  }
  const accepted = opened.filter((o) => o.status === 101).length;
  const refused = opened.filter((o) => o.status === 429).length;
  for (const [i, o] of opened.entries()) {
    tally.count(`cap ${atOnce ? 'at once' : 'one by one'} ${o.status}`);
    tally.input(
      i < 10 ? o.status === 101 : o.status === 429,
      `socket ${i + 1} of ${count} (${atOnce ? 'at once' : 'one by one'}) → ${o.status}`,
    );
  }
  await Promise.all(opened.flatMap((o) => (o.client ? [o.client.close()] : [])));
  await new Promise((resolve) => setTimeout(resolve, 300)); // the gateway forgets closed sockets
  return { accepted, refused, other: count - accepted - refused };
}

/**
 * @template T
 * @param {number} ms
 * @param {T} value
 * @returns {Promise<T>}
 */
function sleepValue(ms, value) {
  return new Promise((resolve) => setTimeout(() => resolve(value), ms));
}
