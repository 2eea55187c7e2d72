/**
 * The Compose stack, validated offline (no Docker engine here): `make setup` generates every
 * secret, Debian's `docker-compose config -q` accepts the file with them and refuses it
 * without, and the project's rules hold (pinned images, health checks, restart policy, log
 * limits, no secret literal, documented variables, image build, CI workflows).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';

const ROOT = resolve(__dirname, '../../../..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
const composeText = read('docker-compose.yml');
const compose = parse(composeText) as {
  services: Record<string, Record<string, unknown>>;
  volumes: Record<string, unknown>;
};
const services = Object.entries(compose.services);

/** The secrets `make setup` generates (its own list). */
const SECRETS = /SECRETS=\(\n([\s\S]*?)\n\)/
  .exec(read('scripts/pi-setup.sh'))![1]
  .split('\n')
  .map((s) => s.trim())
  .filter(Boolean);

let dir: string;
beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'cryopilot-compose-'))));
beforeAll(() => {
  // `make setup` hashes the MQTT passwords with the host's mosquitto_passwd (here: no Docker).
  if (spawnSync('sh', ['-c', 'command -v mosquitto_passwd']).status !== 0) {
    throw new Error('mosquitto_passwd not found: apt-get install mosquitto');
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function runSetup(envFile: string) {
  return spawnSync('bash', [join(ROOT, 'scripts/pi-setup.sh')], {
    env: {
      ...process.env,
      ENV_FILE: envFile,
      ENV_EXAMPLE: join(ROOT, '.env.example'),
      PASSWD_FILE: join(dir, 'passwd'),
      CERTS_DIR: join(dir, 'certs'),
      BACKUP_DIR: join(dir, 'backups'),
    },
    encoding: 'utf8',
  });
}

function envValues(path: string): Record<string, string> {
  return Object.fromEntries(
    readFileSync(path, 'utf8')
      .split('\n')
      .filter((l) => /^[A-Z_][A-Z0-9_]*=/.test(l))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
}

function composeConfig(envFile: string) {
  const result = spawnSync(
    'docker-compose',
    [
      '--project-directory',
      ROOT,
      '--env-file',
      envFile,
      '-f',
      join(ROOT, 'docker-compose.yml'),
      'config',
      '-q',
    ],
    { encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } },
  );
  if (result.error && (result.error as NodeJS.ErrnoException).code === 'ENOENT') {
    throw new Error('docker-compose not found: apt-get install docker-compose');
  }
  return result;
}

describe('make setup', () => {
  it('generates every secret into a private .env, and keeps them on a second run', () => {
    const envFile = join(dir, 'setup.env');
    const first = runSetup(envFile);
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    expect(statSync(envFile).mode & 0o777).toBe(0o600);
    const values = envValues(envFile);
    expect(SECRETS.length).toBeGreaterThanOrEqual(8);
    for (const name of SECRETS) expect(values[name]).toMatch(/^[0-9a-f]{48}$/);
    expect(new Set(SECRETS.map((n) => values[n])).size).toBe(SECRETS.length);
    expect(values.I2C_GID).toMatch(/^\d+$/);
    expect(values.DEVICE_ID).toMatch(/^[A-Za-z0-9_-]+$/);
    // The service's MQTT client id cannot be guessed (Mosquitto does not tie ids to users).
    expect(values.MQTT_CLIENT_ID).toMatch(
      new RegExp(`^cryopilot-${values.DEVICE_ID}-[0-9a-f]{16}$`),
    );

    // HTTPS: a certificate for this host's names, signed by a local CA whose key is gone.
    const certs = join(dir, 'certs/https');
    expect(readdirSync(certs).sort()).toEqual(['ca.crt', 'server.crt', 'server.key']);
    const verify = spawnSync('openssl', [
      'verify',
      '-CAfile',
      join(certs, 'ca.crt'),
      join(certs, 'server.crt'),
    ]);
    expect(verify.status).toBe(0);
    const names = spawnSync(
      'openssl',
      [
        'x509',
        '-in',
        join(certs, 'server.crt'),
        '-noout',
        '-ext',
        'subjectAltName,extendedKeyUsage',
      ],
      { encoding: 'utf8' },
    ).stdout;
    expect(names).toContain(`DNS:${hostname().split('.')[0]}.local`);
    expect(names).toContain('IP Address:127.0.0.1');
    expect(names).toContain('TLS Web Server Authentication');
    const key = statSync(join(certs, 'server.key'));
    expect([key.mode & 0o777, String(key.gid)]).toEqual([0o640, values.HTTPS_KEY_GID]);
    const certificate = readFileSync(join(certs, 'server.crt'));

    const second = runSetup(envFile);
    expect(second.status).toBe(0);
    expect(second.stdout).toContain('0 secret(s) generated');
    expect(envValues(envFile)).toEqual(values);
    expect(readFileSync(join(certs, 'server.crt'))).toEqual(certificate); // kept
    // The broker's password file holds hashes, never the passwords.
    const passwd = readFileSync(join(dir, 'passwd'), 'utf8');
    expect(passwd).toMatch(/^cryopilot:\$7\$/m);
    expect(passwd).not.toContain(values.MQTT_PASSWORD);
  });

  it('.env.example documents every variable docker-compose.yml reads and every secret', () => {
    const documented = Object.keys(envValues(join(ROOT, '.env.example')));
    const used = [...composeText.matchAll(/\$\{([A-Z_][A-Z0-9_]*)/g)].map((m) => m[1]);
    for (const name of new Set([...used, ...SECRETS])) expect(documented).toContain(name);
    // …and ships no secret value.
    for (const name of SECRETS) expect(envValues(join(ROOT, '.env.example'))[name]).toBe('');
  });
});

describe('docker-compose.yml', () => {
  it('is valid for Debian docker-compose with the generated secrets', () => {
    const envFile = join(dir, 'valid.env');
    expect(runSetup(envFile).status).toBe(0);
    const result = composeConfig(envFile);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('refuses to start without the secrets, naming `make setup`', () => {
    const envFile = join(dir, 'empty.env');
    writeFileSync(envFile, 'DEVICE_ID=pi\nI2C_GID=998\n');
    const result = composeConfig(envFile);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('run make setup');
  });

  it('requires every secret with ${VAR:?} and holds no secret literal', () => {
    // Every secret reaches a container, except the read-only MQTT user's: it only goes into
    // the broker's password file.
    const inCompose = SECRETS.filter((n) => composeText.includes(`\${${n}`));
    expect(SECRETS.filter((n) => !inCompose.includes(n))).toEqual(['MQTT_READONLY_PASSWORD']);
    for (const name of inCompose) {
      const uses = [...composeText.matchAll(new RegExp(`\\$\\{${name}(.)`, 'g'))].map((m) => m[1]);
      expect(uses.length).toBeGreaterThan(0);
      for (const u of uses) expect(`${name}${u}`).toBe(`${name}:`);
    }
    for (const [name, service] of services) {
      const env = (service.environment ?? {}) as Record<string, string>;
      for (const [key, value] of Object.entries(env)) {
        // `…_FILE` variables name a file holding the secret (a path, not a secret).
        if (/PASSWORD|TOKEN|SECRET/.test(key) && !key.endsWith('_FILE')) {
          expect(`${name}.${key}=${value}`).toMatch(/=\$\{[A-Z_]+:[?-][^}]*\}$/);
        }
      }
    }
    expect(composeText).not.toMatch(/[0-9a-f]{32,}/i);
  });

  it('pins every image, and gives every service a health check, restart policy, log limits and tmpfs', () => {
    for (const [name, service] of services) {
      const image = String(service.image);
      // A service built from this repository has no upstream tag to pin.
      if (!service.build) expect(`${name}: ${image}`).toMatch(/:\d+\.\d+\.\d+$/);
      expect(`${name}: ${image}`).not.toMatch(/:latest$/);
      expect(service.restart).toBe('unless-stopped');
      const health = service.healthcheck as { test: unknown[] };
      expect(health.test.length).toBeGreaterThan(1);
      const logging = service.logging as { driver: string; options: Record<string, string> };
      expect(logging.options['max-size']).toMatch(/^\d+m$/);
      expect(logging.options['max-file']).toMatch(/^\d+$/);
      expect((service.tmpfs as string[]).length).toBeGreaterThan(0);
    }
    expect(compose.services.mosquitto.image).toMatch(/^eclipse-mosquitto:2\.0\.\d+$/);
    expect(compose.services.influxdb.image).toMatch(/^influxdb:2\.9\.\d+$/);
    expect(compose.services.grafana.image).toMatch(/^grafana\/grafana:\d+\.\d+\.\d+$/);
    // The broker's health check is a publish/subscribe round trip.
    expect(read('mosquitto/healthcheck.sh')).toMatch(/mosquitto_sub[\s\S]*mosquitto_pub/);
  });

  it('starts control whatever the others do: start order only, never a health condition', () => {
    // A broken broker or a failed InfluxDB init must not keep the safety loop from starting.
    const control = compose.services.control as { depends_on?: unknown };
    expect(control.depends_on).toEqual(['mosquitto', 'influxdb']);
    // (pi-stack.e2e-spec.ts starts it for real while the broker is broken.)
  });

  it('keeps data in named volumes and publishes only the needed ports', () => {
    for (const [, service] of services) {
      for (const v of (service.volumes ?? []) as string[]) {
        const source = v.split(':')[0];
        if (!source.startsWith('.')) expect(Object.keys(compose.volumes)).toContain(source);
      }
    }
    const published = services.flatMap(([, s]) =>
      ((s.ports ?? []) as string[]).map((p) => p.split(':').at(-1)),
    );
    expect(published.sort()).toEqual(['1883', '3000', '8181', '8883']);
    const mqttPorts = compose.services.mosquitto.ports as string[];
    for (const p of mqttPorts) expect(p).toMatch(/^\$\{MQTT_(LAN|TLS)_BIND:-127\.0\.0\.1\}:/);
  });

  it('runs the published multi-arch control image by default, with `build:` kept for local builds', () => {
    const control = compose.services.control as { image: string; build: unknown };
    expect(control.image).toBe(
      'ghcr.io/${CRYOPILOT_IMAGE_OWNER:-cryopilot}/cryopilot-control:${CRYOPILOT_IMAGE_TAG:-main}',
    );
    expect(control.build).toEqual({ context: '.', dockerfile: 'services/control/Dockerfile' });
    const make = read('mk/pi.mk');
    // `make up` pulls (never builds on the Pi); `make up-local` builds here; `make update`
    // pulls the control image too.
    expect(/^up:[^\n]*\n((?:\t[^\n]*\n)+)/m.exec(make)![1]).not.toContain('--build');
    expect(/^up-local:[^\n]*\n((?:\t[^\n]*\n)+)/m.exec(make)![1]).toContain('build control');
    expect(/^update:[^\n]*\n((?:\t[^\n]*\n)+)/m.exec(make)![1]).not.toContain('--ignore-buildable');
  });

  it('gives the control service the I2C device, the host i2c group, HTTPS and production mode', () => {
    const control = compose.services.control as {
      build: unknown;
      devices: string[];
      group_add: string[];
      environment: Record<string, string>;
      volumes: string[];
      privileged?: boolean;
    };
    expect(control.build).toEqual({ context: '.', dockerfile: 'services/control/Dockerfile' });
    expect(control.devices).toEqual(['/dev/i2c-${I2C_BUS:-1}:/dev/i2c-${I2C_BUS:-1}']);
    expect(control.group_add).toEqual([
      '${I2C_GID:?run make setup}',
      '${HTTPS_KEY_GID:?run make setup}',
    ]);
    expect(control.environment).toMatchObject({
      NODE_ENV: 'production',
      HARDWARE_DRIVER: 'megaind',
      HTTPS_CERT_FILE: '/run/cryopilot/https/server.crt',
      HTTPS_KEY_FILE: '/run/cryopilot/https/server.key',
    });
    expect(control.volumes).toContain('./certs/https:/run/cryopilot/https:ro');
    expect(control.privileged).toBeUndefined();
  });
});

describe('services/control/Dockerfile', () => {
  const dockerfile = read('services/control/Dockerfile');
  const stages = dockerfile.split(/^FROM /m).slice(1);

  it('is multi-stage on a pinned Node 24 slim image; compilers only in the build stages', () => {
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:24\.\d+\.\d+-\w+-slim$/m);
    expect(stages.length).toBeGreaterThanOrEqual(3);
    const toolchain = stages.find((s) => s.includes('AS toolchain'))!;
    expect(toolchain).toMatch(/apt-get install[^\n]*python3 make g\+\+/);
    const runtime = stages.at(-1)!;
    expect(runtime).not.toMatch(/g\+\+|python3|apt-get/);
    expect(runtime).toMatch(/^USER node$/m);
    expect(runtime).toContain('COPY --from=build /app/angular-ui/dist/browser ui');
    expect(runtime).toMatch(/UI_DIR=\/app\/ui/);
    expect(runtime).toMatch(/HEALTHCHECK/);
  });

  it('the build context excludes secrets and local builds', () => {
    const ignore = read('.dockerignore').split('\n');
    for (const entry of ['.env', 'certs', '**/node_modules', '**/dist', '.git'])
      expect(ignore).toContain(entry);
  });
});

describe('.github/workflows', () => {
  const workflows = readdirSync(join(ROOT, '.github/workflows')).filter((f) => /\.ya?ml$/.test(f));

  it('grant no permission by default and pin every action by commit SHA with a version comment', () => {
    expect(workflows.length).toBeGreaterThan(0);
    for (const file of workflows) {
      const text = read(`.github/workflows/${file}`);
      expect(parse(text).permissions).toEqual({});
      const uses = [...text.matchAll(/uses:\s*(\S+)(.*)$/gm)];
      expect(uses.length).toBeGreaterThan(0);
      for (const [, action, rest] of uses) {
        expect(action).toMatch(/^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/);
        expect(rest).toMatch(/# v\d+/);
      }
    }
  });

  it('lint, tests, the Testcontainers job, browser tests (in .ci/run) and the multi-arch image', () => {
    const ci = parse(read('.github/workflows/ci.yml'));
    expect(Object.keys(ci.jobs).sort()).toEqual([
      'containers',
      'fleet-replication',
      'image',
      'lint',
      'stack-real',
      'test',
    ]);
    const text = read('.github/workflows/ci.yml');
    expect(text).toContain('platforms: linux/arm64,linux/amd64');
    expect(text).toContain('bash .ci/run');
  });

  it('publishes the image to GHCR on main and tags, with packages: write in that job only', () => {
    const ci = parse(read('.github/workflows/ci.yml')) as {
      on: { push: { branches: string[]; tags: string[] } };
      jobs: Record<
        string,
        { permissions: Record<string, string>; steps: { with?: Record<string, unknown> }[] }
      >;
    };
    expect(ci.on.push.branches).toEqual(['main']);
    expect(ci.on.push.tags).toEqual(['v*']);
    for (const [name, job] of Object.entries(ci.jobs)) {
      expect(`${name}: ${job.permissions.packages ?? 'none'}`).toBe(
        name === 'image' ? 'image: write' : `${name}: none`,
      );
    }
    const build = ci.jobs.image.steps.find((s) => s.with?.platforms)!;
    expect(String(build.with!.push)).toContain("== 'true'");
    expect(String(build.with!.tags)).toContain('steps.meta.outputs.tags');
    expect(read('.github/workflows/ci.yml')).toContain('ghcr.io/${OWNER,,}/cryopilot-control');
  });

  it('installs with npm ci, runs the suite on Node 24 (the image) and the container tests on real images', () => {
    const text = read('.github/workflows/ci.yml');
    expect(text).not.toMatch(/npm install\b/);
    const ci = parse(text) as {
      jobs: Record<
        string,
        { strategy?: { matrix: { node: number[] } }; env?: Record<string, string> }
      >;
    };
    expect(ci.jobs.test.strategy!.matrix.node).toContain(24);
    expect(ci.jobs.containers.env!.CRYOPILOT_TEST_SERVERS).toBe('container');
    expect(text).toContain('services/control/test/stack/pi-stack');
  });
});
