/**
 * The project's own image (services/control/Dockerfile, built unchanged: on the local Node
 * stand-in here, on the real Node image in GitHub Actions), run for real: what it carries, the
 * user it runs as, and a HEALTHCHECK that follows the configured port.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../support/servers/local-server';
import { ROOT, reportServer } from '../support/servers/engine';
import {
  controlImage,
  engine,
  ENGINE,
  engineAvailable,
  healthy,
  run,
  waitFor,
} from './support/engine-cli';

jest.setTimeout(180_000);

const dockerfile = readFileSync(join(ROOT, 'services/control/Dockerfile'), 'utf8');
const enabled = engineAvailable('control image test');
const maybe = enabled ? describe : describe.skip;

let image: string;
beforeAll(() => {
  if (!enabled) return;
  image = controlImage();
  reportServer('control image', `container:${image}`);
});

/** Runs a shell command in a throwaway container of the image. */
const inImage = (script: string) =>
  engine(['run', '--rm', '--network', 'host', '--entrypoint', 'sh', image, '-c', script]);

describe('services/control/Dockerfile', () => {
  it('installs with `npm ci` only and sets no npm_config_* environment (npm warns on each call)', () => {
    const installs = [...dockerfile.matchAll(/\bnpm (install|ci|i)\b/g)].map((m) => m[1]);
    expect(installs.length).toBeGreaterThanOrEqual(2);
    expect(installs.every((c) => c === 'ci')).toBe(true);
    expect(dockerfile).not.toMatch(/^\s*ENV\s[^\n]*npm_config_/im);
  });

  it('probes the health of the configured port (no fixed 8181 in HEALTHCHECK or Compose)', () => {
    const health = /HEALTHCHECK[^\n]*\\\n\s*CMD ([^\n]*)/.exec(dockerfile)![1];
    expect(health).not.toContain('8181');
    expect(health).toContain('health-probe.js');
    const compose = readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8');
    const control = compose.slice(compose.indexOf('\n  control:'));
    expect(control.slice(control.indexOf('healthcheck:'))).not.toMatch(/8181\/api\/health/);
  });
});

maybe('the control image', () => {
  it('runs as uid 1000, npm warns about nothing, and it carries no @types, no unused @babel/runtime helpers, no build objects', () => {
    expect(inImage('id -u; id -g')).toBe('1000\n1000');
    const npm = run(ENGINE, ['run', '--rm', '--entrypoint', 'npm', image, '--version']);
    expect(npm.status).toBe(0);
    expect(npm.stderr).not.toMatch(/npm warn/i);
    const modules = '/app/node_modules';
    expect(inImage(`find ${modules} -path '*/@types/*' -prune -print`)).toBe('');
    // Native addons keep their built .node binaries only.
    const buildFiles = inImage(
      `find ${modules} -path '*/build/*' -type f \\( -name '*.o' -o -name '*.d' -o -name 'Makefile' -o -name '*.mk' -o -name 'config.gypi' -o -path '*/obj.target/*' \\)`,
    );
    expect(buildFiles).toBe('');
    expect(inImage(`find ${modules}/i2c-bus/build -type f`)).toBe(
      `${modules}/i2c-bus/build/Release/i2c.node`,
    );
    // @babel/runtime: only the helpers mqtt's timer dependencies load (a few dozen files, not
    // the whole 1 MB package), and mqtt still loads.
    const babel = inImage(`find ${modules}/@babel/runtime -type f | wc -l`);
    expect(Number(babel)).toBeLessThan(40);
    expect(
      inImage(`cd /app/services/control && node -e "require('mqtt'); require('i2c-bus')"`),
    ).toBe('');
  });

  it('reports healthy on a non-default HTTP_PORT and HTTP_HOST; its probe fails on another port', async () => {
    const port = await freePort();
    const name = `cryopilot-image-test-${process.pid}`;
    engine([
      'run',
      '-d',
      '--name',
      name,
      '--label',
      `cryopilot.test=${process.env.CRYOPILOT_TEST_RUN ?? 'manual'}`,
      '--network',
      'host',
      '-e',
      'HARDWARE_DRIVER=simulated',
      '-e',
      `HTTP_PORT=${port}`,
      '-e',
      'HTTP_HOST=127.0.0.1',
      '-e',
      'ADMIN_PASSWORD=image-test-admin-password',
      '-e',
      'DEVICE_ID=image-test',
      image,
    ]);
    try {
      await waitFor(
        async () => (await fetch(`http://127.0.0.1:${port}/api/health`)).ok,
        60_000,
        () => run(ENGINE, ['logs', name]).stderr,
      );
      await waitFor(
        () => healthy(name),
        90_000,
        () => `${name} never healthy`,
      );
      // The image's probe follows HTTP_PORT: another port (nothing there) is unhealthy.
      const probe = ['node', '/app/services/control/dist/health/health-probe.js'];
      expect(run(ENGINE, ['exec', name, ...probe]).status).toBe(0);
      const elsewhere = String(await freePort());
      expect(run(ENGINE, ['exec', '-e', `HTTP_PORT=${elsewhere}`, name, ...probe]).status).toBe(1);
      // Measured here for the report: the whole image and what the project adds to Node's.
      const size = Number(engine(['image', 'inspect', '--format', '{{.Size}}', image]));
      const history = engine(['history', '--format', '{{.Size}}\t{{.CreatedBy}}', image]);
      console.log(`control image ${image}: ${(size / 1e6).toFixed(0)} MB\n${history}`);
    } finally {
      run(ENGINE, ['rm', '-f', '-v', name]);
    }
  });
});
