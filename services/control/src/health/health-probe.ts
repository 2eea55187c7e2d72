import { loadConfig } from '../config/config.loader';

/**
 * The container health check (Dockerfile HEALTHCHECK, docker-compose.yml): `GET /api/health`
 * on the port and address the service itself listens on — the same config, YAML and
 * environment (HTTP_PORT, HTTP_HOST), so that moving the port never reports a healthy service
 * as unhealthy. A wildcard listen address is probed on loopback.
 */
export function healthUrl(env: NodeJS.ProcessEnv = process.env): string {
  const { host, port } = loadConfig(env).http;
  const probed = ['', '0.0.0.0', '::', '[::]'].includes(host) ? '127.0.0.1' : host;
  return `http://${probed.includes(':') ? `[${probed}]` : probed}:${port}/api/health`;
}

/** 0 when the service answers 2xx within `timeoutMs`, 1 otherwise (the exit code). */
export async function probeHealth(
  env: NodeJS.ProcessEnv = process.env,
  timeoutMs = 4000,
): Promise<number> {
  try {
    const res = await fetch(healthUrl(env), { signal: AbortSignal.timeout(timeoutMs) });
    return res.ok ? 0 : 1;
  } catch (error) {
    console.error(`health probe: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}

if (require.main === module) {
  void probeHealth().then((code) => process.exit(code));
}
