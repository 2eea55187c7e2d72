import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TcpProxy } from '../../mqtt/support/tcp-proxy';
import { startTestApp, type TestApp } from '../../support/test-app';
import { ROOT } from '../../support/servers/engine';
import { startMosquitto, type TestBroker } from '../../support/servers/mosquitto';
import type { VictoriaMetricsServer } from '../../support/servers/victoria-metrics';

export const DEVICE_SCRIPT = join(ROOT, 'deploy/central/fleet-device.sh');
export const BRIDGE_SCRIPT = join(ROOT, 'scripts/fleet/pi-bridge.sh');
export const scriptEnv = (extra: Record<string, string>) => ({
  PATH: `${process.env.PATH}:/usr/sbin`,
  HOME: process.env.HOME ?? '/tmp',
  CI: 'true',
  ...extra,
});

/** `KEY=value` lines a project script printed (its answers for a Pi's .env). */
export function answers(output: string): Record<string, string> {
  const result: Record<string, string> = {};
  for (const m of output.matchAll(/^([A-Z_]+)=(\S*)$/gm)) result[m[1]] = m[2];
  return result;
}

/**
 * The central site as docs/fleet.md sets it up: identities made by the real
 * deploy/central/fleet-device.sh (CA, one password per device, the people's users) and a real
 * Mosquitto with the password file that script wrote and the shipped central ACL, as is.
 */
export class CentralSite {
  private constructor(
    readonly dir: string,
    readonly broker: TestBroker,
    readonly devicePasswords: Record<string, string>,
    readonly people: Record<'fleet-reader' | 'fleet-operator', string>,
  ) {}

  static async start(devices: readonly string[]): Promise<CentralSite> {
    const dir = mkdtempSync(join(tmpdir(), 'cryopilot-central-'));
    const run = (...args: string[]) =>
      execFileSync('bash', [DEVICE_SCRIPT, ...args], {
        env: scriptEnv({ CENTRAL_DIR: dir }),
        encoding: 'utf8',
      });
    run('init', '127.0.0.1');
    const devicePasswords: Record<string, string> = {};
    for (const d of devices) devicePasswords[d] = answers(run('add', d)).FLEET_PASSWORD;
    const password = (user: string) => /password: (\w+)/.exec(run('user', user))![1];
    const people = {
      'fleet-reader': password('fleet-reader'),
      'fleet-operator': password('fleet-operator'),
    };
    const broker = await startMosquitto({
      passwordFile: readFileSync(join(dir, 'mosquitto/config/passwd'), 'utf8'),
      acl: readFileSync(join(ROOT, 'deploy/central/mosquitto/config/acl'), 'utf8'),
      persistence: true,
      controllable: true,
    });
    return new CentralSite(dir, broker, devicePasswords, people);
  }

  async close(): Promise<void> {
    await this.broker.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export interface PiOptions {
  readonly device: string;
  readonly password: string;
  readonly allowCommands: boolean;
  readonly central: TestBroker;
  readonly tsdb: VictoriaMetricsServer;
}

/**
 * One Pi: its own Mosquitto with the bridge that the real scripts/fleet/pi-bridge.sh renders
 * from the real template (answers as env vars, DEVICE_ID in its .env), a TCP relay standing for
 * its WAN link to the central broker, and the control service (simulated HAT) publishing under
 * the same DEVICE_ID and writing telemetry to the central time-series database.
 */
export class Pi {
  private constructor(
    readonly device: string,
    readonly bridgeConf: string,
    readonly wan: TcpProxy,
    readonly broker: TestBroker,
    readonly app: TestApp,
    private readonly dir: string,
  ) {}

  static async start(o: PiOptions): Promise<Pi> {
    const dir = mkdtempSync(join(tmpdir(), `cryopilot-pi-${o.device}-`));
    const wan = await TcpProxy.start(o.central.host, o.central.port);
    writeFileSync(join(dir, '.env'), `DEVICE_ID=${o.device}\n`);
    const bridgePath = join(dir, 'conf.d/fleet-bridge.conf');
    execFileSync('bash', [BRIDGE_SCRIPT], {
      env: scriptEnv({
        ENV_FILE: join(dir, '.env'),
        BRIDGE_CONF: bridgePath,
        FLEET_CENTRAL_URL: wan.url,
        FLEET_ALLOW_COMMANDS: o.allowCommands ? 'yes' : 'no',
        FLEET_PASSWORD: o.password,
      }),
      encoding: 'utf8',
      stdio: 'pipe',
    });
    const bridgeConf = readFileSync(bridgePath, 'utf8');
    const broker = await startMosquitto({ extraConfig: bridgeConf, controllable: true });
    const app = await startTestApp({
      deviceId: o.device,
      mqtt: { url: broker.url },
      telemetry: {
        url: o.tsdb.url,
        token: 'victoria-metrics-ignores-it',
        flushIntervalMs: 200,
      },
    });
    return new Pi(o.device, bridgeConf, wan, broker, app, dir);
  }

  async close(): Promise<void> {
    await this.app.close();
    await this.broker.close();
    await this.wan.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
