import { execFile, spawnSync, SpawnSyncOptions } from 'node:child_process';
import { existsSync } from 'node:fs';

/**
 * The container engine's own command line, for the tests that run the project's images and its
 * Compose stack: podman here (.ci/run starts its Docker-compatible service), Docker in GitHub
 * Actions. `CONTAINER_ENGINE` and `STACK_COMPOSE` override the choice.
 */
export const ENGINE: string =
  process.env.CONTAINER_ENGINE ??
  ((process.env.DOCKER_HOST ?? '').includes('podman') ? 'podman' : 'docker');

/** Debian's docker-compose 1.29 here (no Compose v2 on Debian 12); `docker compose` elsewhere. */
export const COMPOSE: string[] = (process.env.STACK_COMPOSE ?? 'docker-compose').split(' ');
export const COMPOSE_V2 = COMPOSE.join(' ') === 'docker compose';

export interface Run {
  status: number;
  stdout: string;
  stderr: string;
}

export function run(command: string, args: string[], options: SpawnSyncOptions = {}): Run {
  const result = spawnSync(command, args, {
    encoding: 'utf8',
    timeout: 300_000,
    maxBuffer: 64 << 20,
    ...options,
  });
  if (result.error && (result.error as NodeJS.ErrnoException).code === 'ENOENT') {
    throw new Error(`${command} not found: ${installHint(command)}`);
  }
  return {
    status: result.status ?? 1,
    stdout: String(result.stdout ?? ''),
    stderr: String(result.stderr ?? ''),
  };
}

function installHint(command: string): string {
  if (command === 'docker-compose') return 'apt-get install docker-compose';
  if (command === 'podman') {
    return 'apt-get install podman runc catatonit uidmap fuse-overlayfs slirp4netns (see scripts/containers/)';
  }
  return `install ${command}`;
}

/** Runs `engine …`; throws with its output unless it succeeds. */
export function engine(args: string[], options: SpawnSyncOptions = {}): string {
  const r = run(ENGINE, args, options);
  if (r.status !== 0) throw new Error(`${ENGINE} ${args.join(' ')}: ${r.stderr}${r.stdout}`);
  return r.stdout.trim();
}

/**
 * Fails loudly unless a container engine answers (these tests have no binary fallback), or
 * returns false when the developer chose the local binaries (`CRYOPILOT_TEST_SERVERS=binary`):
 * the caller then skips, saying so.
 */
export function engineAvailable(what: string): boolean {
  if (process.env.CRYOPILOT_TEST_SERVERS === 'binary') {
    console.warn(`${what}: SKIPPED — CRYOPILOT_TEST_SERVERS=binary (no container engine wanted)`);
    return false;
  }
  const socket = (process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock').replace('unix://', '');
  const r = existsSync(socket) ? run(ENGINE, ['version'], { timeout: 30_000 }) : null;
  if (!r || r.status !== 0) {
    throw new Error(
      `${what} needs a container engine at ${socket} (${ENGINE}): on Debian run .ci/run, or ` +
        'apt-get install podman runc catatonit uidmap fuse-overlayfs slirp4netns docker-compose, ' +
        'then scripts/containers/build-images.sh and scripts/containers/podman-service.sh start ' +
        'with DOCKER_HOST=unix:///run/podman/podman.sock. Set CRYOPILOT_TEST_SERVERS=binary to ' +
        `skip it knowingly.${r ? `\n${r.stderr}` : ''}`,
    );
  }
  return true;
}

/** Whether the container's HEALTHCHECK passes now (podman: run it; Docker: its last result). */
export function healthy(container: string): boolean {
  if (ENGINE === 'podman') return run('podman', ['healthcheck', 'run', container]).status === 0;
  const status = run('docker', ['inspect', '--format', '{{.State.Health.Status}}', container]);
  return status.stdout.trim() === 'healthy';
}

/** Like `healthy`, without blocking the event loop (for tests that poll meanwhile). */
export function healthyAsync(container: string): Promise<boolean> {
  const args =
    ENGINE === 'podman'
      ? ['healthcheck', 'run', container]
      : ['inspect', '--format', '{{.State.Health.Status}}', container];
  return new Promise((resolve) => {
    execFile(ENGINE, args, { timeout: 60_000 }, (error, stdout) =>
      resolve(ENGINE === 'podman' ? !error : String(stdout).trim() === 'healthy'),
    );
  });
}

/** Waits until `check()` holds (polled), or throws `message()` after `timeoutMs`. */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
  message: () => string,
): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await Promise.resolve(check()).catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`timed out after ${timeoutMs} ms: ${message()}`);
}

/** The control image the stack and image tests run: CONTROL_TEST_IMAGE (.ci/run builds it). */
export function controlImage(): string {
  const image = process.env.CONTROL_TEST_IMAGE;
  if (!image) {
    throw new Error(
      'CONTROL_TEST_IMAGE is not set: build the image (scripts/containers/build-images.sh ' +
        'control here, or docker build -f services/control/Dockerfile .) and name it there',
    );
  }
  if (run(ENGINE, ['image', 'inspect', image]).status !== 0) {
    throw new Error(`${image} does not exist: scripts/containers/build-images.sh control`);
  }
  return image;
}
