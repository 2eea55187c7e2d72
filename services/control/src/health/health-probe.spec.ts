import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { healthUrl, probeHealth } from './health-probe';

/** A stand-in for the service's /api/health with a chosen status, on a free loopback port. */
function healthServer(status: number, host = '127.0.0.1'): Promise<Server> {
  return new Promise((resolve) => {
    const server = createServer((req, res) => {
      res.statusCode = req.url === '/api/health' ? status : 404;
      res.end('{}');
    });
    server.listen(0, host, () => resolve(server));
  });
}
const portOf = (s: Server) => String((s.address() as AddressInfo).port);
const close = (s: Server) => new Promise((r) => s.close(r));

describe('health probe (container HEALTHCHECK)', () => {
  it('probes the configured port and address, loopback for a wildcard', () => {
    expect(healthUrl({})).toBe('http://127.0.0.1:8181/api/health');
    expect(healthUrl({ HTTP_PORT: '9090' })).toBe('http://127.0.0.1:9090/api/health');
    expect(healthUrl({ HTTP_PORT: '9090', HTTP_HOST: '127.0.0.2' })).toBe(
      'http://127.0.0.2:9090/api/health',
    );
    expect(healthUrl({ HTTP_HOST: '::' })).toBe('http://127.0.0.1:8181/api/health');
  });

  it('passes when the service answers on HTTP_PORT, fails when it does not or says 503', async () => {
    const ok = await healthServer(200);
    const down = await healthServer(503);
    try {
      expect(await probeHealth({ HTTP_PORT: portOf(ok) })).toBe(0);
      expect(await probeHealth({ HTTP_PORT: portOf(down) })).toBe(1);
      const port = portOf(ok);
      await close(ok);
      expect(await probeHealth({ HTTP_PORT: port }, 1000)).toBe(1);
    } finally {
      await close(down);
      if (ok.listening) await close(ok);
    }
  });
});
