// @ts-check
import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { ManagedProcess } from '../lib/managed-process.mjs';
import { freePort, isListening } from '../lib/net.mjs';

/** Broker account shared by the service, the peers and the bench's subscribers. */
export const MQTT_USER = 'bench';
export const MQTT_PASSWORD = 'bench-mqtt-password';

/**
 * A real Mosquitto broker (the `mosquitto` binary) on a free loopback port, no persistence,
 * with a password file like on the Pi (the service runs with NODE_ENV=production, which
 * requires broker credentials).
 * @param {string} workDir
 * @returns {Promise<{ process: ManagedProcess, port: number, url: string }>}
 */
export async function startMosquitto(workDir) {
  const port = await freePort();
  const passwordFile = join(workDir, 'mosquitto.passwd');
  writeFileSync(passwordFile, '', { mode: 0o600 });
  try {
    execFileSync(
      existsSync('/usr/bin/mosquitto_passwd') ? '/usr/bin/mosquitto_passwd' : 'mosquitto_passwd',
      ['-b', passwordFile, MQTT_USER, MQTT_PASSWORD],
      { stdio: 'pipe' },
    );
  } catch (error) {
    // ENOENT: the tool is missing; say which package brings it.
    const code = /** @type {NodeJS.ErrnoException} */ (error).code;
    throw new Error(
      code === 'ENOENT' ? 'mosquitto_passwd not found: apt-get install mosquitto' : String(error),
    );
  }
  const conf = join(workDir, 'mosquitto.conf');
  writeFileSync(
    conf,
    [
      `listener ${port} 127.0.0.1`,
      'allow_anonymous false',
      `password_file ${passwordFile}`,
      'persistence false',
      'log_type error',
      'log_type warning',
      // Started as root, Mosquitto would switch to its own user, which cannot read our files.
      `user ${userInfo().username}`,
      '',
    ].join('\n'),
  );
  const broker = new ManagedProcess({
    name: 'mosquitto',
    // Debian puts it in /usr/sbin, often not on a normal user's PATH.
    command: existsSync('/usr/sbin/mosquitto') ? '/usr/sbin/mosquitto' : 'mosquitto',
    args: ['-c', conf],
    aptPackage: 'mosquitto',
  });
  await broker.waitReady(() => isListening(port));
  return { process: broker, port, url: `mqtt://127.0.0.1:${port}` };
}
