import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parse } from 'yaml';

/**
 * How the test support chooses a real server (design/engineering.md): an explicit URL from the
 * environment → a Testcontainers container when a container engine answers → a local binary.
 *
 * `CRYOPILOT_TEST_SERVERS=container` (set by .ci/run once podman's service runs, and by the
 * GitHub workflow) makes the engine mandatory: a missing engine fails the test instead of
 * falling back; `=binary` forces the local binaries.
 */
export type ServerMode = 'container' | 'binary';

export const ROOT = resolve(__dirname, '../../../../..');

let engine: Promise<boolean> | undefined;

/** Whether Testcontainers reaches a container engine (Docker, or podman's Docker API). */
export function engineReachable(): Promise<boolean> {
  engine ??= (async () => {
    if (!process.env.DOCKER_HOST && !existsSync('/var/run/docker.sock')) return false;
    try {
      const { getContainerRuntimeClient } = await import('testcontainers');
      await getContainerRuntimeClient();
      return true;
    } catch {
      // No engine behind the socket.
      return false;
    }
  })();
  return engine;
}

/** Container or binary, for the server `what` (used in the error message). */
export async function serverMode(what: string): Promise<ServerMode> {
  const forced = process.env.CRYOPILOT_TEST_SERVERS;
  if (forced === 'binary') return 'binary';
  if (await engineReachable()) return 'container';
  if (forced === 'container') {
    throw new Error(
      `${what}: CRYOPILOT_TEST_SERVERS=container, but no container engine answers at ` +
        `${process.env.DOCKER_HOST ?? '/var/run/docker.sock'}. Install podman (apt-get install ` +
        'podman runc catatonit uidmap fuse-overlayfs slirp4netns), start ' +
        '`podman system service --time=0 unix:///run/podman/podman.sock` and set DOCKER_HOST ' +
        '(.ci/run does all of it), or unset CRYOPILOT_TEST_SERVERS to use local binaries.',
    );
  }
  return 'binary';
}

/**
 * The image a test runs for a service: `envName` when set (.ci/run points it at a local
 * stand-in), otherwise the upstream image pinned in docker-compose.yml for `composeService`,
 * or `fallback`.
 */
export function testImage(envName: string, composeService?: string, fallback?: string): string {
  const fromEnv = process.env[envName];
  if (fromEnv) return fromEnv;
  if (composeService) {
    const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8')) as {
      services: Record<string, { image?: string }>;
    };
    const image = compose.services[composeService]?.image;
    // `${VAR:-default}` → the default.
    if (image) return image.replace(/\$\{[A-Z0-9_]+:-([^}]*)\}/g, '$1');
  }
  if (fallback) return fallback;
  throw new Error(`no image for ${envName}`);
}

/** Labels on every container the tests start (.ci/run removes what a crashed run left). */
export function testLabels(): Record<string, string> {
  return { 'cryopilot.test': process.env.CRYOPILOT_TEST_RUN ?? 'manual' };
}

/**
 * Reports which server a test runs against (`container:<image>`, `binary:<path>`, `url`):
 * printed, and appended to test-artifacts/test-servers.jsonl (summed up by run-tests.mjs).
 */
export function reportServer(what: string, kind: string): void {
  const testPath = expect.getState().testPath ?? 'unknown';
  const file = relative(ROOT, testPath);
  console.log(`test server: ${what} → ${kind} (${file})`);
  try {
    mkdirSync(join(ROOT, 'test-artifacts'), { recursive: true });
    appendFileSync(
      join(ROOT, 'test-artifacts/test-servers.jsonl'),
      `${JSON.stringify({ file, what, kind })}\n`,
    );
  } catch {
    // The report file is a convenience; the console line above is the record.
  }
}
