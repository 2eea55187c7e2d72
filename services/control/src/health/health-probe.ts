import { get as httpGet } from 'node:http';
import { get as httpsGet } from 'node:https';
import { loadConfig } from '../config/config.loader';

/**
 * The container health check (Dockerfile HEALTHCHECK, docker-compose.yml): `GET /api/health`
 * on the port and address the service itself listens on — the same config, YAML and
 * environment (HTTP_PORT, HTTP_HOST), so that moving the port never reports a healthy service
 * as unhealthy. A wildcard listen address is probed on loopback.
 */
export function healthUrl(env: NodeJS.ProcessEnv = process.env): string {
  const { host, port, tls } = loadConfig(env).http;
  const probed = ['', '0.0.0.0', '::', '[::]'].includes(host) ? '127.0.0.1' : host;
  const scheme = tls ? 'https' : 'http';
  return `${scheme}://${probed.includes(':') ? `[${probed}]` : probed}:${port}/api/health`;
}

/** 0 when the service answers 2xx within `timeoutMs`, 1 otherwise (the exit code). */
export async function probeHealth(
  env: NodeJS.ProcessEnv = process.env,
  timeoutMs = 4000,
): Promise<number> {
  try {
    const status = await getStatus(healthUrl(env), timeoutMs);
    return status >= 200 && status < 300 ? 0 : 1;
  } catch (error) {
    console.error(`health probe: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}

/**
 * The HTTP status of a GET. Over HTTPS the certificate is not verified: the probe asks the
 * service in its own container over loopback, whose identity is not in question (and a
 * certificate made for the Pi's name does not name 127.0.0.1).
 */
function getStatus(url: string, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const options = { timeout: timeoutMs, rejectUnauthorized: false };
    const req = (url.startsWith('https:') ? httpsGet : httpGet)(url, options, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
  });
}

if (require.main === module) {
  void probeHealth().then((code) => process.exit(code));
}
