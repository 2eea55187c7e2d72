// @ts-check
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { jsonRequest } from '../lib/http.mjs';
import { sleep } from '../lib/log.mjs';
import { BASE_TOPIC, closeQuietly, connect } from '../lib/mqtt.mjs';
import { sourceAddress } from '../lib/net.mjs';
import { TickObserver } from '../lib/observer.mjs';
import { waitFor } from '../lib/pool.mjs';
import { login, sessionClient } from '../lib/session.mjs';
import { fillUp, mountPrefix, mountSmallFilesystem } from '../lib/small-filesystem.mjs';
import { skippedResult, Tally, text } from '../lib/tally.mjs';
import { underAttack } from '../lib/under-attack.mjs';
import { WsClient } from '../lib/ws.mjs';

/** The data disk: a 16 MiB tmpfs; the alarm limit 4 MB (the service's test uses 8 MiB / 4 MB). */
const DISK_SIZE = '16m';
const STORAGE = { minFreeMb: 4, checkIntervalS: 1 };

/** @type {import('../lib/under-attack.mjs').Suite} */
export default {
  name: 'disk-full',
  summary: `the data directory on a ${DISK_SIZE.replace('m', ' MiB')} tmpfs filled to the last byte: the \`disk_space_low\` alarm and degraded health must show; commands over HTTP, WebSocket and MQTT must each get an answer (never a crash); a setpoint change is either refused or kept (also across a restart on the full disk)`,
  budgetS: 90,
  async run(ctx) {
    const prefix = mountPrefix();
    if (prefix === null)
      return skippedResult(this.name, 'mounting a tmpfs needs root or password-less sudo');
    const tally = new Tally(this.name);
    tally.errorsAreFindings = false; // ENOSPC errors are what this suite provokes
    const started = performance.now();
    const disk = mountSmallFilesystem(DISK_SIZE, prefix);
    try {
      const dataDir = join(disk.path, 'data');
      await underAttack(ctx, tally, { dataDir, config: { storage: STORAGE } }, async (attacked) => {
        const { service, watch } = attacked;
        const target = service.target;
        const health = async () => (await attacked.admin.get('/api/health')).json;
        const alarm = async () =>
          (await attacked.admin.get('/api/state')).json?.alarms?.find(
            (/** @type {any} */ a) => a.id === 'disk_space_low',
          );
        tally.figures.storageBefore = (await health())?.checks?.storage?.status;

        const filler = join(disk.path, 'filler');
        const filledAt = Date.now();
        tally.figures.fillerMb = Math.round(fillUp(filler) / 1048576);
        const raised = await waitFor(async () => (await alarm())?.active === true, 10_000);
        tally.figures.alarmRaisedAfterMs = raised ? Date.now() - filledAt : null;
        const degraded = await health();
        tally.figures.healthWhenFull = `${degraded?.status} (storage ${degraded?.checks?.storage?.status})`;
        tally.input(raised, 'disk_space_low not raised within 10 s of a full disk');
        tally.input(
          degraded?.checks?.storage?.status === 'degraded',
          `health storage is ${degraded?.checks?.storage?.status} on a full disk`,
        );

        // Commands on the full disk, each answered; a setpoint change refused or kept.
        /** @type {Record<string, string>} */
        const outcomes = {};
        let setpoint = (await attacked.admin.get('/api/state')).json?.setpoints?.fillStartPct;
        /**
         * @param {string} label
         * @param {string} name
         * @param {Record<string, unknown>} args
         */
        const http = async (label, name, args) => {
          const response = await attacked.admin.command(name, args);
          const code = response.json?.error?.code;
          outcomes[label] = `${response.status || response.error}${code ? ` ${code}` : ''}`;
          tally.count(`HTTP ${outcomes[label]}`);
          // Answered with a result: accepted, or an error with a stable code other than `internal`.
          const clear =
            response.status === 200 ||
            (response.status >= 400 && code !== undefined && code !== 'internal');
          tally.input(
            clear,
            `${label} on a full disk → ${outcomes[label]} ${response.text.slice(0, 160)}`,
          );
          return response;
        };
        await http('mode.set manual', 'mode.set', { mode: 'manual' });
        await http('valve.open 5 s', 'valve.open', { durationS: 5 });
        await http('valve.close', 'valve.close', {});
        await http('mode.set auto', 'mode.set', { mode: 'auto' });
        await http('alarm.ack disk_space_low', 'alarm.ack', {
          alarmId: 'disk_space_low',
          comment: 'attack run',
        });
        for (const value of [22, 23]) {
          const response = await http(`setpoints.set fillStartPct ${value}`, 'setpoints.set', {
            fillStartPct: value,
          });
          const now = (await attacked.admin.get('/api/state')).json?.setpoints?.fillStartPct;
          if (response.status === 200) setpoint = value;
          if (now !== setpoint) {
            tally.stateChange(
              `setpoints.set ${value} answered ${response.status} but fillStartPct is ${now}`,
            );
          }
        }
        await http('trips.set o2LowLowPct 18.5', 'trips.set', {
          o2LowLowPct: 18.5,
          confirm: true,
          reason: 'attack run, disk full',
        });
        const trip = (await attacked.admin.get('/api/state')).json?.setpoints?.o2LowLowPct;
        const login200 = await jsonRequest(
          target,
          'POST',
          '/api/auth/login',
          { username: 'viewer', password: 'attack-run-password-0123' },
          { from: sourceAddress(12, 0) },
        );
        outcomes['sign-in'] = String(login200.status);
        tally.input(login200.status === 200, `sign-in on a full disk → ${login200.status}`);
        const audit = await attacked.admin.get('/api/audit?limit=10');
        outcomes['GET /api/audit'] = String(audit.status);
        tally.input(audit.status < 500, `GET /api/audit on a full disk → ${audit.status}`);

        const operator = await login(target, 'operator', { from: sourceAddress(12, 1) });
        const ws = await WsClient.open(target, { cookie: operator });
        ws.client?.send(
          JSON.stringify({
            type: 'command',
            id: 'full-1',
            name: 'mode.set',
            args: { mode: 'manual' },
          }),
        );
        ws.client?.send(
          JSON.stringify({ type: 'command', id: 'full-2', name: 'valve.close', args: {} }),
        );
        await ws.client?.waitResults(2, 5000);
        for (const id of ['full-1', 'full-2']) {
          const result = ws.client?.results.find((r) => r.id === id);
          outcomes[`WS ${id}`] = result ? (result.ok ? 'ok' : result.error?.code) : 'no answer';
          tally.input(
            Boolean(result) && result.error?.code !== 'internal',
            `WebSocket command on a full disk → ${outcomes[`WS ${id}`]}`,
          );
        }
        await ws.client?.close();

        const accounts = service.mqttUsers();
        const mqtt = await connect(service.mqttPort, {
          ...accounts.service,
          clientId: 'attack-disk-full',
        });
        /** @type {any} */
        let mqttResult = null;
        mqtt.on('message', (_t, payload) => (mqttResult = JSON.parse(payload.toString('utf8'))));
        await mqtt.subscribeAsync(`${BASE_TOPIC}/cmd/result`, { qos: 1 });
        await mqtt.publishAsync(
          `${BASE_TOPIC}/cmd/mode.set`,
          JSON.stringify({ id: 'full-mqtt', args: { mode: 'auto' } }),
          { qos: 1 },
        );
        for (let i = 0; i < 50 && !mqttResult; i++) await sleep(100);
        await closeQuietly(mqtt);
        outcomes['MQTT mode.set'] = mqttResult
          ? mqttResult.ok
            ? 'ok'
            : mqttResult.error?.code
          : 'no answer';
        tally.input(
          Boolean(mqttResult) && mqttResult.error?.code !== 'internal',
          `MQTT command on a full disk → ${outcomes['MQTT mode.set']}`,
        );
        tally.figures.commandsOnFullDisk = outcomes;

        // Restart on the full disk: it must come up, with what it acknowledged.
        watch.paused = true;
        const errorsBeforeStop = service.errorCount;
        const stopped = await service.stop();
        tally.figures.stopOnFullDisk = stopped?.signal ?? `code ${stopped?.code}`;
        const safeAtStop = /valve in safe state \(shutdown/.test(service.tail(20_000));
        tally.figures.safeStateAtStop = safeAtStop;
        tally.input(
          safeAtStop,
          'SIGTERM on the full disk: no "valve in safe state (shutdown)" in the log',
        );
        if (stopped && stopped.signal !== 'SIGTERM' && stopped.code !== 0) {
          tally.finding(
            `SIGTERM on the full disk ended the service with code ${stopped.code} (a clean stop ends by SIGTERM): ${service.errorLines(errorsBeforeStop).slice(-3).join(' | ') || 'no error logged'}`,
          );
        }
        let restarted = true;
        try {
          await service.spawn();
        } catch (error) {
          restarted = false;
          tally.crash(
            `did not start again on the full disk: ${error instanceof Error ? error.message.slice(0, 600) : String(error)}`,
          );
        }
        watch.paused = false;
        tally.figures.restartOnFullDisk = restarted
          ? `up in ${service.readyAtMs - service.spawnedAtMs} ms`
          : 'failed';
        if (!restarted) return;
        attacked.admin = sessionClient(
          target,
          await login(target, 'admin', { from: sourceAddress(12, 2) }),
        );
        // The broker lives in the service: the observer starts again with it.
        await attacked.observer.stop();
        attacked.observer = await TickObserver.start(service);
        const afterRestart = (await attacked.admin.get('/api/state')).json?.setpoints;
        tally.figures.setpointAfterRestart = {
          acknowledged: setpoint,
          read: afterRestart?.fillStartPct,
          trip: afterRestart?.o2LowLowPct,
          tripBefore: trip,
        };
        if (afterRestart?.fillStartPct !== setpoint) {
          tally.stateChange(
            `fillStartPct acknowledged as ${setpoint} on the full disk, ${afterRestart?.fillStartPct} after a restart`,
          );
        }
        if (afterRestart?.o2LowLowPct !== trip) {
          tally.stateChange(
            `o2LowLowPct was ${trip} on the full disk, ${afterRestart?.o2LowLowPct} after a restart`,
          );
        }

        // Room again: the alarm clears, health recovers, commands persist again.
        rmSync(filler);
        const cleared = await waitFor(
          async () => (await health())?.checks?.storage?.status === 'ok',
          15_000,
        );
        tally.input(cleared, 'health storage not ok again within 15 s of freeing the disk');
        const after = await attacked.admin.command('setpoints.set', { fillStartPct: 20 });
        tally.input(after.status === 200, `setpoints.set with room again → ${after.status}`);
        tally.figures.afterFreeing = `storage ${(await health())?.checks?.storage?.status}, setpoints.set ${after.status}`;
      });
    } finally {
      disk.unmount();
    }
    const f = tally.figures;
    const notable = `alarm after ${text(f.alarmRaisedAfterMs)} ms, health ${text(f.healthWhenFull)}; restart on the full disk: ${text(f.restartOnFullDisk)}; ${tally.counts['HTTP 500 internal'] ?? 0} commands answered 500`;
    return tally.result(notable, (performance.now() - started) / 1000);
  },
};
