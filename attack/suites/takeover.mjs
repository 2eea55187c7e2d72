// @ts-check
import { sleep } from '../lib/log.mjs';
import { BASE_TOPIC, closeQuietly, connect, SERVICE_CLIENT_ID, tryConnect } from '../lib/mqtt.mjs';
import { Tally, text } from '../lib/tally.mjs';
import { underAttack } from '../lib/under-attack.mjs';
import { PASSWORD } from '../lib/users.mjs';

/** Tries of each attempt (a takeover loop reconnects again and again). */
const REPEATS = 3;

/** @type {import('../lib/under-attack.mjs').Suite} */
export default {
  name: 'takeover',
  summary: `connects to the embedded broker with the service's own client id (the predictable \`cryopilot-<deviceId>\`) under every other identity, clean and persistent sessions: the broker must refuse, the service stay connected and keep receiving commands`,
  budgetS: 40,
  async run(ctx) {
    const tally = new Tally(this.name);
    const started = performance.now();
    await underAttack(ctx, tally, {}, async ({ service, observer, admin }) => {
      const port = service.mqttPort;
      const accounts = service.mqttUsers();
      const linkBefore = (await admin.get('/api/diagnostics')).json?.links?.mqtt;
      tally.figures.serviceClientId = SERVICE_CLIENT_ID;
      const from = Date.now();
      /** @type {[string, import('../lib/mqtt.mjs').ConnectSpec][]} */
      const attempts = [
        ['reader account, clean session', { ...accounts.reader, clean: true }],
        ['reader account, persistent session', { ...accounts.reader, clean: false }],
        ['anonymous', {}],
        [
          'service name, wrong password',
          { username: accounts.service.username, password: 'wrong-password-1234' },
        ],
        [
          'reader name, service password',
          { username: accounts.reader.username, password: accounts.service.password },
        ],
        ['the web admin', { username: 'admin', password: PASSWORD }],
        ['anonymous, MQTT 5', { protocolVersion: 5 }],
      ];
      /** @type {string[]} */
      const tookOver = [];
      for (const [label, spec] of attempts) {
        for (let i = 0; i < REPEATS && !ctx.signal.aborted; i++) {
          const result = await tryConnect(port, { ...spec, clientId: SERVICE_CLIENT_ID });
          tally.count(result.ok ? 'accepted' : `refused ${result.code}`);
          tally.input(!result.ok, `[${label}] connected as ${SERVICE_CLIENT_ID}`);
          if (!result.ok) continue;
          // Accepted: does it get the service's commands? (A persistent session would.)
          tookOver.push(label);
          await result.client
            .subscribeAsync(`${BASE_TOPIC}/cmd/+`, { qos: 1 })
            .catch(() => undefined);
          await sleep(500);
          await closeQuietly(result.client);
        }
      }
      await sleep(1500); // a kicked-off service would be reconnecting now

      // The service still holds its session, and commands still reach it.
      const linkAfter = (await admin.get('/api/diagnostics')).json?.links?.mqtt;
      const before = `${text(linkBefore?.state)} since ${text(linkBefore?.since)}`;
      const after = `${text(linkAfter?.state)} since ${text(linkAfter?.since)}`;
      tally.figures.serviceLinkBefore = before;
      tally.figures.serviceLinkAfter = after;
      if (linkAfter?.state !== 'connected' || linkAfter?.since !== linkBefore?.since) {
        tally.stateChange(`the service's MQTT session was disturbed: ${before} → ${after}`);
      }
      const probe = await connect(port, { ...accounts.service, clientId: 'attack-takeover-probe' });
      /** @type {any} */
      let answer = null;
      probe.on('message', (_t, payload) => {
        const result = JSON.parse(payload.toString('utf8'));
        if (result.id === 'takeover-probe') answer = result;
      });
      await probe.subscribeAsync(`${BASE_TOPIC}/cmd/result`, { qos: 1 });
      const sent = Date.now();
      await probe.publishAsync(
        `${BASE_TOPIC}/cmd/valve.close`,
        JSON.stringify({ id: 'takeover-probe', args: {} }),
        { qos: 1 },
      );
      for (let i = 0; i < 50 && !answer; i++) await sleep(100);
      await closeQuietly(probe);
      tally.figures.commandAfterAttempts = answer
        ? `answered ok:${answer.ok} in ${Date.now() - sent} ms`
        : 'no answer in 5 s';
      if (!answer)
        tally.stateChange(
          'a command published after the attempts got no answer: the service lost its subscription',
        );
      const window = observer.window(from);
      tally.figures.telemetryDuringAttempts = {
        samples: window.samples,
        missing: window.missing,
        maxGapMs: window.maxGapMs,
      };
      if (tookOver.length > 0)
        tally.stateChange(
          `connected with the service's client id as: ${[...new Set(tookOver)].join(', ')}`,
        );
    });
    const notable = `${tally.counts.accepted ?? 0}/${tally.tried} connects with the service's id accepted; service link ${text(tally.figures.serviceLinkAfter).split(' ')[0]}, command after: ${text(tally.figures.commandAfterAttempts)}`;
    return tally.result(notable, (performance.now() - started) / 1000);
  },
};
