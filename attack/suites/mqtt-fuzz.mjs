// @ts-check
import { BASE_ARGS, fixedCommandCases, randomCommandCases } from '../cases/commands.mjs';
import { JUNK } from '../cases/junk.mjs';
import { StateGuard } from '../lib/guard.mjs';
import { sleep } from '../lib/log.mjs';
import { BASE_TOPIC, closeQuietly, collect, connect, tryConnect } from '../lib/mqtt.mjs';
import { DEVICE_ID } from '../lib/service.mjs';
import { Tally, text } from '../lib/tally.mjs';
import { manualModeOpenable, underAttack } from '../lib/under-attack.mjs';
import { PASSWORD } from '../lib/users.mjs';

const RANDOM_CASES = 300;
const SEED = 1661;
/** What every spoofed payload carries, to find it again among the retained messages. */
const SPOOF = 'ATTACK-SPOOF';

/** @type {import('../lib/under-attack.mjs').Suite} */
export default {
  name: 'mqtt-fuzz',
  summary:
    'the embedded broker and MQTT commands: anonymous and wrong-password connects; the read-only account publishing commands and spoofing retained state and discovery; malformed, oversized, retained, unknown and admin-only commands from the account allowed to command (each must get an error result and change nothing)',
  budgetS: 60,
  async run(ctx) {
    const tally = new Tally(this.name);
    const started = performance.now();
    await underAttack(ctx, tally, {}, async ({ service, observer, admin }) => {
      const port = service.mqttPort;
      const accounts = service.mqttUsers();
      tally.figures.valveOpenableDuringFuzz = await manualModeOpenable(admin);
      const guard = new StateGuard(admin);
      await guard.begin();
      const from = Date.now();

      // 1. Connections that must be refused.
      /** @type {[string, import('../lib/mqtt.mjs').ConnectSpec][]} */
      const refusedConnects = [
        ['anonymous', {}],
        ['anonymous, MQTT 3.1', { protocolVersion: 3 }],
        ['anonymous, MQTT 5', { protocolVersion: 5 }],
        ['user name without password', { username: accounts.reader.username }],
        [
          'reader, wrong password',
          { username: accounts.reader.username, password: 'wrong-password-1234' },
        ],
        [
          'service, wrong password',
          { username: accounts.service.username, password: 'wrong-password-1234' },
        ],
        [
          'service name, reader password',
          { username: accounts.service.username, password: accounts.reader.password },
        ],
        ['the web admin', { username: 'admin', password: PASSWORD }],
        ['empty user and password', { username: '', password: '' }],
      ];
      tally.figures.badConnects = refusedConnects.length;
      for (const [label, spec] of refusedConnects) {
        const result = await tryConnect(port, spec);
        tally.count(`connect ${result.ok ? 'accepted' : `refused ${result.code}`}`);
        tally.input(!result.ok, `connect [${label}] accepted`);
        if (result.ok) await closeQuietly(result.client);
      }

      // Every command result, from here on (the service account may read them).
      const listener = await connect(port, {
        ...accountSpec(accounts.service),
        clientId: 'attack-results',
      });
      /** @type {any[]} */
      const results = [];
      listener.on('message', (_topic, payload) => {
        try {
          results.push(JSON.parse(payload.toString('utf8')));
        } catch {
          results.push({ unparsable: payload.toString('utf8').slice(0, 80) });
        }
      });
      await listener.subscribeAsync(`${BASE_TOPIC}/cmd/result`, { qos: 1 });

      // 2. The read-only account publishes commands and spoofed state: refused, no effect.
      const readerPublishes = [
        [`${BASE_TOPIC}/cmd/valve.open`, { id: 'reader-open', args: { durationS: 5 } }, false],
        [`${BASE_TOPIC}/cmd/mode.set`, { id: 'reader-mode', args: { mode: 'auto' } }, false],
        [`${BASE_TOPIC}/cmd/mode.set`, { id: 'reader-retained', args: { mode: 'auto' } }, true],
        [`${BASE_TOPIC}/status`, `offline ${SPOOF}`, true],
        [`${BASE_TOPIC}/valve/state`, { open: true, spoof: SPOOF }, true],
        [`${BASE_TOPIC}/alarms/state`, [{ id: 'o2_low_low', spoof: SPOOF }], true],
        [`${BASE_TOPIC}/channels/o2_1/state`, { value: 12, spoof: SPOOF }, true],
        [`${BASE_TOPIC}/telemetry`, { seq: 1, spoof: SPOOF }, false],
        [`${BASE_TOPIC}/cmd/result`, { id: 'reader-result', ok: true, spoof: SPOOF }, false],
        [`homeassistant/valve/${DEVICE_ID}/valve/config`, { name: SPOOF }, true],
        [`homeassistant/sensor/${DEVICE_ID}/o2_1/config`, { name: SPOOF }, true],
        ['homeassistant/status', 'online', false],
        [`other/${SPOOF}`, SPOOF, true],
      ];
      tally.figures.readerPublishes = readerPublishes.length * 2;
      for (const [topic, body, retain] of /** @type {[string, unknown, boolean][]} */ (
        readerPublishes
      )) {
        for (const qos of /** @type {const} */ ([0, 1])) {
          const client = await connect(port, {
            ...accountSpec(accounts.reader),
            clientId: `attack-reader-${qos}`,
          });
          let closed = false;
          client.once('close', () => (closed = true));
          client.publish(topic, typeof body === 'string' ? body : JSON.stringify(body), {
            qos,
            retain,
          });
          for (let i = 0; i < 20 && !closed; i++) await sleep(50);
          tally.count(`reader publish qos ${qos}: ${closed ? 'disconnected' : 'still connected'}`);
          // Handled = refused; the effects (results, retained messages) are checked below.
          tally.input(closed, `reader published ${topic} (qos ${qos}) and stayed connected`);
          await closeQuietly(client);
        }
      }

      // 3. The account allowed to command: malformed commands, each answered ok:false.
      const fuzzer = await connect(port, {
        ...accountSpec(accounts.service),
        clientId: 'attack-mqtt-fuzzer',
      });
      const all = commandMessages();
      tally.figures.commandMessages = all.length;
      const messages = all.filter((m) => !m.retain);
      const before = results.length;
      for (const m of messages) {
        if (ctx.signal.aborted) break;
        await fuzzer.publishAsync(`${BASE_TOPIC}/cmd/${m.name}`, m.payload, { qos: 1 });
      }
      // Retained commands, even from the service account, are refused by the broker (MQTT
      // 3.1.1 would deliver them as live ones): a connection of their own, which must close.
      for (const m of all.filter((x) => x.retain)) {
        const client = await connect(port, {
          ...accountSpec(accounts.service),
          clientId: 'attack-mqtt-retained',
        });
        let closed = false;
        client.once('close', () => (closed = true));
        client.publish(`${BASE_TOPIC}/cmd/${m.name}`, m.payload, { qos: 1, retain: true });
        for (let i = 0; i < 40 && !closed; i++) await sleep(50);
        tally.count(`retained command: ${closed ? 'refused (disconnected)' : 'accepted'}`);
        tally.input(closed, `[${m.label}] a retained command was accepted by the broker`);
        await closeQuietly(client);
        // One the broker took stays there: cleared (an empty retained message).
        if (!closed) {
          await fuzzer.publishAsync(`${BASE_TOPIC}/cmd/${m.name}`, '', { qos: 1, retain: true });
        }
      }
      const expected = messages.length;
      const deadline = Date.now() + 15_000;
      while (results.length - before < expected && Date.now() < deadline) await sleep(100);
      const answers = results.slice(before);
      for (const answer of answers) {
        tally.count(answer.ok ? 'result ok:true' : `result ${answer.error?.code}`);
        const m = messages.find((x) => answer.id && x.id === answer.id);
        if (
          answer.id === 'reader-open' ||
          answer.id === 'reader-mode' ||
          answer.id === 'reader-retained'
        ) {
          tally.stateChange(
            `a command the reader published was executed: ${JSON.stringify(answer)}`,
          );
          continue;
        }
        tally.input(
          answer.ok === false,
          `[${m?.label ?? answer.id}] accepted over MQTT: ${JSON.stringify(answer).slice(0, 160)}`,
        );
      }
      const missing = expected - answers.length;
      for (let i = 0; i < missing; i++)
        tally.input(false, 'an MQTT command got no result within 15 s');
      tally.figures.resultsReceived = answers.length;
      await closeQuietly(fuzzer);

      // Effects of the reader's publications: spoofed retained messages, executed commands.
      const checker = await connect(port, {
        ...accountSpec(accounts.reader),
        clientId: 'attack-retained-check',
      });
      const retained = await collect(checker, [`${BASE_TOPIC}/#`, 'homeassistant/#'], 1500);
      await closeQuietly(checker);
      for (const m of retained.filter((x) => x.payload.includes(SPOOF))) {
        tally.stateChange(`the reader's spoofed message is retained on ${m.topic}`);
      }
      const status = retained.find((m) => m.topic === `${BASE_TOPIC}/status`);
      tally.figures.retainedStatus = status?.payload ?? null;
      if (status?.payload !== 'online') tally.stateChange(`retained status is ${status?.payload}`);
      tally.figures.retainedMessagesChecked = retained.length;
      await closeQuietly(listener);

      const { changes, accepted } = await guard.end();
      for (const change of changes) tally.stateChange(change);
      const window = observer.window(from);
      if (window.valveOpenSamples > 0)
        tally.stateChange(`valve open in ${window.valveOpenSamples} samples`);
      tally.figures.acceptedCommandsInAudit = accepted.length;
    });
    const refusedPublishes =
      (tally.counts['reader publish qos 0: disconnected'] ?? 0) +
      (tally.counts['reader publish qos 1: disconnected'] ?? 0);
    const notable =
      `bad connects accepted ${tally.counts['connect accepted'] ?? 0}/${text(tally.figures.badConnects)}; reader publishes refused ${refusedPublishes}/${text(tally.figures.readerPublishes)}; ` +
      `commands accepted ${tally.counts['result ok:true'] ?? 0}/${text(tally.figures.commandMessages)}`;
    return tally.result(notable, (performance.now() - started) / 1000);
  },
};

/** @param {{ username: string, password: string }} account */
function accountSpec(account) {
  return { username: account.username, password: account.password };
}

/**
 * The command cases as `cmd/<name>` messages (the name is the topic: cases about the name
 * field itself become topics when they can be one), plus MQTT's own: empty, not UTF-8,
 * oversized, retained, unknown topics, and admin-only commands (MQTT acts as operator).
 * @returns {{ label: string, name: string, id?: string, payload: string | Buffer, retain?: boolean }[]}
 */
function commandMessages() {
  /** @type {{ label: string, name: string, id?: string, payload: string | Buffer, retain?: boolean }[]} */
  const out = [];
  const cases = [...fixedCommandCases(), ...randomCommandCases(RANDOM_CASES, SEED)];
  cases.forEach((c, i) => {
    const { name, ...rest } = c.request;
    if (typeof name !== 'string' || name === '' || /[/+#]/.test(name) || name.includes('\u0000'))
      return;
    const id = `mq-${i}`;
    const payload = 'id' in rest ? rest : { id, ...rest };
    out.push({
      label: c.label,
      name,
      id: 'id' in rest ? undefined : id,
      payload: JSON.stringify(payload),
    });
  });
  for (const j of JUNK) out.push({ label: `junk ${j.label}`, name: 'mode.set', payload: j.text });
  out.push(
    {
      label: 'oversized 9000 bytes',
      name: 'mode.set',
      payload: JSON.stringify({ args: { mode: 'auto' }, pad: 'x'.repeat(9000) }),
    },
    {
      label: 'retained mode.set',
      name: 'mode.set',
      id: 'mq-retained',
      payload: JSON.stringify({ id: 'mq-retained', args: { mode: 'auto' } }),
      retain: true,
    },
    {
      label: 'admin-only setpoints.set',
      name: 'setpoints.set',
      id: 'mq-admin-1',
      payload: JSON.stringify({ id: 'mq-admin-1', args: BASE_ARGS['setpoints.set'] }),
    },
    {
      label: 'admin-only trips.set',
      name: 'trips.set',
      id: 'mq-admin-2',
      payload: JSON.stringify({ id: 'mq-admin-2', args: BASE_ARGS['trips.set'] }),
    },
    {
      label: 'admin-only, claiming user admin',
      name: 'setpoints.set',
      id: 'mq-admin-3',
      payload: JSON.stringify({
        id: 'mq-admin-3',
        user: 'admin',
        args: BASE_ARGS['setpoints.set'],
      }),
    },
    { label: 'topic valve.explode', name: 'valve.explode', payload: '{}' },
    { label: 'topic __proto__', name: '__proto__', payload: '{}' },
    { label: 'topic constructor', name: 'constructor', payload: '{}' },
    { label: 'topic VALVE.OPEN', name: 'VALVE.OPEN', payload: '{"args":{"durationS":5}}' },
    {
      label: 'user field too long',
      name: 'mode.set',
      id: 'mq-user',
      payload: JSON.stringify({ id: 'mq-user', user: 'u'.repeat(65), args: { mode: 'auto' } }),
    },
    {
      label: 'expired ts',
      name: 'valve.open',
      id: 'mq-ts',
      payload: JSON.stringify({
        id: 'mq-ts',
        ts: new Date(Date.now() - 60_000).toISOString(),
        args: { durationS: 5 },
      }),
    },
  );
  return out;
}
