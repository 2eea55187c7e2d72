import { execFile, execFileSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Document } from 'yaml';
import { freePort } from '../../support/servers/local-server';
import { ROOT, testLabels } from '../../support/servers/engine';
import { COMPOSE, COMPOSE_V2, ENGINE, engine, healthy, healthyAsync, run, Run } from './engine-cli';

/** The unprivileged owner of the installation (a Pi's `pi` user, in the engine's group). */
export const USER_UID = Number(process.env.STACK_USER_UID ?? 4242);

/** Files of a Pi checkout: what `git clone` puts on the Pi for the stack. */
const INSTALL_FILES = [
  'docker-compose.yml',
  'Makefile',
  'mk',
  'mosquitto',
  'influxdb',
  'grafana',
  'scripts',
  '.env.example',
];

export interface StackPorts {
  readonly http: number;
  readonly mqtt: number;
  readonly mqttTls: number;
  readonly db: number;
  readonly dbInit: number;
  readonly grafana: number;
}

/**
 * Whether the `influxdb` service is the real InfluxDB 2 (GitHub Actions) or the local
 * VictoriaMetrics stand-in serving the same v2 write API (these machines: no InfluxDB 2 image).
 */
export const STACK_DB: 'influxdb2' | 'victoria-metrics' =
  process.env.STACK_INFLUXDB === 'victoria-metrics' ? 'victoria-metrics' : 'influxdb2';
/** Grafana only where its image can be had (GitHub Actions). */
export const WITH_GRAFANA = STACK_DB === 'influxdb2';

/**
 * One Compose project from the project's own docker-compose.yml, in a copy of the Pi checkout
 * owned by an unprivileged user, with a test override: host networking for every service (no
 * bridge network is ever created), service names mapped to 127.0.0.1, the simulated HAT instead
 * of /dev/i2c-1, local images here, free ports where the files allow it.
 */
export class Stack {
  readonly project = `cryopilot-stack-${process.pid}`;
  readonly dir: string;
  readonly install: string;
  readonly override: string;

  private constructor(
    readonly ports: StackPorts,
    readonly images: { mosquitto: string; control: string; db: string },
  ) {
    this.dir = mkdtempSync(join(tmpdir(), 'cryopilot-stack-'));
    chmodSync(this.dir, 0o755);
    this.install = join(this.dir, 'install');
    this.override = join(this.dir, 'docker-compose.test.yml');
  }

  static async create(images: { mosquitto: string; control: string; db: string }) {
    // Here: free ports (a developer's `make run` or a parallel run keeps its own). In GitHub
    // Actions the defaults, because Grafana's provisioned datasource names influxdb:8086.
    const fixed = process.env.STACK_DEFAULT_PORTS === '1';
    const ports: StackPorts = fixed
      ? { http: 8181, mqtt: 1883, mqttTls: 8883, db: 8086, dbInit: 9999, grafana: 3000 }
      : {
          http: await freePort(),
          mqtt: await freePort(),
          mqttTls: await freePort(),
          db: await freePort(),
          dbInit: await freePort(),
          grafana: await freePort(),
        };
    const stack = new Stack(ports, images);
    stack.copyCheckout();
    stack.writeOverride();
    return stack;
  }

  private copyCheckout(): void {
    const files = execFileSync('git', ['ls-files', '--', ...INSTALL_FILES], {
      cwd: ROOT,
      encoding: 'utf8',
    })
      .split('\n')
      .filter(Boolean);
    for (const file of files) {
      const target = join(this.install, file);
      mkdirSync(dirname(target), { recursive: true });
      copyFileSync(join(ROOT, file), target);
      chmodSync(target, statSync(join(ROOT, file)).mode & 0o777);
    }
    mkdirSync(join(this.install, 'mosquitto/certs'), { recursive: true });
    // The broker's listener on the test's port (the file is otherwise the project's own).
    this.editMosquittoConf((conf) =>
      conf.replace(/^listener 1883$/m, `listener ${this.ports.mqtt} 127.0.0.1`),
    );
    execFileSync('chown', ['-R', `${USER_UID}:${USER_UID}`, this.install]);
  }

  editMosquittoConf(edit: (conf: string) => string): void {
    const path = join(this.install, 'mosquitto/config/mosquitto.conf');
    const stat = statSync(path);
    writeFileSync(path, edit(readFileSync(path, 'utf8')));
    chownSync(path, stat.uid, stat.gid);
  }

  private writeOverride(): void {
    const p = this.ports;
    const host = {
      network_mode: 'host',
      extra_hosts: ['mosquitto:127.0.0.1', 'influxdb:127.0.0.1'],
      // .ci/run removes what a crashed run leaves, by this label.
      labels: testLabels(),
    };
    const services: Record<string, Record<string, unknown>> = {
      mosquitto: {
        ...host,
        image: this.images.mosquitto,
        environment: { MQTT_PORT: String(p.mqtt) },
      },
      control: {
        ...host,
        image: this.images.control,
        // The simulated HAT: no /dev/i2c-1 needed (Compose v1 merges devices by their path in
        // the container; Compose v2 resets the list below).
        devices: ['/dev/null:/dev/i2c-1'],
        environment: {
          HARDWARE_DRIVER: 'simulated',
          HTTP_PORT: String(p.http),
          HTTP_HOST: '127.0.0.1',
          MQTT_URL: `mqtt://mosquitto:${p.mqtt}`,
          INFLUX_URL: `http://influxdb:${p.db}`,
          // Load: ten samples a second, each one published and written.
          SAMPLE_PERIOD_MS: '100',
        },
      },
    };
    if (STACK_DB === 'victoria-metrics') {
      // VictoriaMetrics runs no InfluxDB init script, so no write-token file appears: the
      // service gets a token directly (VictoriaMetrics ignores it).
      Object.assign(services.control.environment as Record<string, string>, {
        INFLUX_TOKEN_FILE: '',
        INFLUX_TOKEN: 'victoria-metrics-accepts-any-token',
      });
      services.influxdb = {
        ...host,
        image: this.images.db,
        entrypoint: ['/victoria-metrics-prod'],
        command: [
          `-httpListenAddr=127.0.0.1:${p.db}`,
          '-storageDataPath=/var/lib/influxdb2',
          '-retentionPeriod=100y',
          '-search.latencyOffset=0s',
        ],
        healthcheck: { test: ['CMD', 'curl', '-fsS', `http://127.0.0.1:${p.db}/health`] },
      };
    } else {
      services.influxdb = {
        ...host,
        image: this.images.db,
        environment: {
          INFLUXD_HTTP_BIND_ADDRESS: `127.0.0.1:${p.db}`,
          INFLUXD_INIT_PORT: String(p.dbInit),
        },
        healthcheck: { test: ['CMD', 'influx', 'ping', '--host', `http://127.0.0.1:${p.db}`] },
      };
      services.grafana = {
        ...host,
        environment: { GF_SERVER_HTTP_ADDR: '127.0.0.1', GF_SERVER_HTTP_PORT: String(p.grafana) },
        healthcheck: {
          test: ['CMD-SHELL', `wget -q -O - http://127.0.0.1:${p.grafana}/api/health | grep -q ok`],
        },
      };
    }
    const volumes = Object.fromEntries(
      [
        'mosquitto-data',
        'influxdb-data',
        'influxdb-config',
        'influxdb-write-token',
        'grafana-data',
        'control-data',
      ].map((v) => [v, { labels: testLabels() }]),
    );
    const doc = new Document({ services, volumes });
    if (COMPOSE_V2) {
      // Compose v2 appends sequences: drop the Pi's device and published ports (host
      // networking publishes nothing) outright. The groups stay: HTTPS_KEY_GID reads the key.
      const reset = (service: string, key: string) => {
        doc.setIn(['services', service, key], doc.createNode([]));
        (doc.getIn(['services', service, key], true) as { tag?: string }).tag = '!reset';
      };
      for (const key of ['devices', 'ports']) reset('control', key);
      for (const service of ['mosquitto', 'grafana']) reset(service, 'ports');
    }
    writeFileSync(this.override, doc.toString());
    if (!COMPOSE_V2) this.writeV1Wrapper();
  }

  /**
   * Compose v1 cannot take a published port off a service in an override (lists are merged),
   * and podman refuses published ports with host networking. The wrapper renders the project's
   * file plus the override with the current .env (`docker-compose config`), takes the ports
   * (and, here, Grafana) out of the result, and runs docker-compose on that.
   */
  private writeV1Wrapper(): void {
    const render = join(this.dir, 'render.cjs');
    writeFileSync(
      render,
      [
        `const { parse, stringify } = require(${JSON.stringify(require.resolve('yaml'))});`,
        "const fs = require('node:fs');",
        'const doc = parse(fs.readFileSync(0, "utf8"));',
        `for (const name of ${JSON.stringify(WITH_GRAFANA ? [] : ['grafana'])}) delete doc.services[name];`,
        'for (const s of Object.values(doc.services)) delete s.ports;',
        'process.stdout.write(stringify(doc));',
        '',
      ].join('\n'),
    );
    const [cmd, ...rest] = COMPOSE;
    const base = [cmd, ...rest, '-p', this.project, '--project-directory', this.install];
    const q = (a: string) => `'${a.replace(/'/g, "'\\''")}'`;
    writeFileSync(
      join(this.dir, 'compose.sh'),
      [
        '#!/bin/sh',
        'set -e',
        'rendered="$(mktemp /tmp/cryopilot-stack-compose.XXXXXX)"',
        'trap \'rm -f "$rendered"\' EXIT',
        `cd ${q(this.install)}`,
        `${[...base, '-f', 'docker-compose.yml', '-f', this.override].map(q).join(' ')} config | node ${q(render)} >"$rendered"`,
        `${base.map(q).join(' ')} -f "$rendered" "$@"`,
        '',
      ].join('\n'),
      { mode: 0o755 },
    );
  }

  /** The Compose command line for this project (as Make gets it in COMPOSE). */
  composeArgs(): string[] {
    if (!COMPOSE_V2) return [join(this.dir, 'compose.sh')];
    return [...COMPOSE, '-p', this.project, '-f', 'docker-compose.yml', '-f', this.override];
  }

  compose(args: string[], options: { timeout?: number; input?: string } = {}): Run {
    const [cmd, ...rest] = this.composeArgs();
    return run(cmd, [...rest, ...args], { cwd: this.install, ...options });
  }

  /** Like `compose`, throwing with its output when it fails. */
  composeOk(args: string[], options: { timeout?: number; input?: string } = {}): string {
    const r = this.compose(args, options);
    if (r.status !== 0) throw new Error(`compose ${args.join(' ')}:\n${r.stderr}${r.stdout}`);
    return r.stdout;
  }

  /** Like `composeOk`, without blocking the test's event loop (pollers keep running). */
  composeAsync(args: string[]): Promise<string> {
    const [cmd, ...rest] = this.composeArgs();
    return new Promise((resolve, reject) => {
      execFile(
        cmd,
        [...rest, ...args],
        { cwd: this.install, timeout: 300_000 },
        (error, out, err) =>
          error ? reject(new Error(`compose ${args.join(' ')}: ${err}${out}`)) : resolve(out),
      );
    });
  }

  /** `make <target>` in the checkout, as root (`sudo make`) or as its owner. */
  make(target: string, asUser: boolean, vars: Record<string, string> = {}, timeout = 300_000): Run {
    const args = [
      '-C',
      this.install,
      '--no-print-directory',
      target,
      `COMPOSE=${this.composeArgs().join(' ')}`,
      ...Object.entries(vars).map(([k, v]) => `${k}=${v}`),
    ];
    const env = { ...process.env, HOME: this.dir };
    if (!asUser) {
      return run('make', args, {
        env: { ...env, SUDO_UID: String(USER_UID), SUDO_GID: String(USER_UID) },
        timeout,
      });
    }
    return run('setpriv', [...userPriv(), 'make', ...args], { env, timeout });
  }

  /** What a service's container logged since `since` (ISO time). */
  logsSince(service: string, since: string): string {
    const r = run(ENGINE, ['logs', '--since', since, this.container(service)]);
    return `${r.stdout}${r.stderr}`;
  }

  /** The container id of a service. */
  container(service: string): string {
    return this.composeOk(['ps', '-q', service]).trim();
  }

  /** `allHealthy` without blocking the event loop. */
  async allHealthyAsync(services: string[]): Promise<boolean> {
    for (const service of services) {
      const id = (await this.composeAsync(['ps', '-q', service])).trim();
      if (id === '' || !(await healthyAsync(id))) return false;
    }
    return true;
  }

  /** Whether every given service's HEALTHCHECK passes. */
  allHealthy(services: string[]): boolean {
    return services.every((s) => {
      const id = this.container(s);
      return id !== '' && healthy(id);
    });
  }

  env(): Record<string, string> {
    return Object.fromEntries(
      readFileSync(join(this.install, '.env'), 'utf8')
        .split('\n')
        .filter((l) => /^[A-Z_][A-Z0-9_]*=/.test(l))
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    );
  }

  logs(service: string): string {
    const r = this.compose(['logs', '--no-color', '--tail', '60', service]);
    return `${r.stdout}${r.stderr}`;
  }

  /** Stops and removes the project's containers and volumes (by label if Compose cannot). */
  down(): void {
    this.compose(['down', '-v', '--remove-orphans', '-t', '5'], { timeout: 120_000 });
    const label = `label=com.docker.compose.project=${this.project}`;
    const left = run(ENGINE, ['ps', '-aq', '--filter', label]).stdout.split('\n').filter(Boolean);
    if (left.length > 0) run(ENGINE, ['rm', '-f', '-v', ...left]);
    const volumes = run(ENGINE, ['volume', 'ls', '-q', '--filter', label]).stdout;
    const names = volumes.split('\n').filter(Boolean);
    if (names.length > 0) run(ENGINE, ['volume', 'rm', '-f', ...names]);
  }
}

/**
 * setpriv arguments that run a command as the checkout's owner with the engine socket's group
 * (the `docker` group of a Pi user): the engine's socket is made group-accessible for it.
 */
export function userPriv(): string[] {
  const socket = (process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock').replace('unix://', '');
  const st = statSync(socket);
  if ((st.mode & 0o060) !== 0o060) chmodSync(socket, (st.mode & 0o777) | 0o060);
  return [
    `--reuid=${USER_UID}`,
    `--regid=${USER_UID}`,
    `--groups=${st.gid}`,
    '--reset-env',
    'env',
    `PATH=${process.env.PATH ?? ''}:/usr/sbin`,
    `HOME=/tmp`,
    ...['DOCKER_HOST', 'CONTAINERS_CONF'].flatMap((k) =>
      process.env[k] ? [`${k}=${process.env[k]}`] : [],
    ),
  ];
}

/** No network the engine did not have before (the network rule: host networking only). */
export function networks(): string[] {
  return engine(['network', 'ls', '--format', '{{.Name}}']).split('\n').filter(Boolean).sort();
}

export { ENGINE };
