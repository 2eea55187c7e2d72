/**
 * The service over HTTPS (`http.tls`): page, API and WebSocket over TLS with a certificate made
 * by openssl here, Secure cookies, HSTS; plain HTTP on the same port is redirected to HTTPS.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { healthUrl, probeHealth } from '../../src/health/health-probe';
import { readHttpsFiles } from '../../src/http/https';
import { ADMIN_PASSWORD, startTestApp, TestApp } from '../support/test-app';

let dir: string;
let files: { certFile: string; keyFile: string };
let ca: Buffer;
let app: TestApp;
let port: number;

/** A self-signed certificate for 127.0.0.1 and localhost, as `make setup` would make one. */
function makeCertificate(name: string): { certFile: string; keyFile: string } {
  const certFile = join(dir, `${name}.crt`);
  const keyFile = join(dir, `${name}.key`);
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      keyFile,
      '-out',
      certFile,
      '-days',
      '2',
      '-subj',
      '/CN=cryopilot test',
      '-addext',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
    ],
    { stdio: 'ignore' },
  );
  return { certFile, keyFile };
}

function fetchTls(path: string, init: { method?: string; body?: string; cookie?: string } = {}) {
  return new Promise<{
    status: number;
    headers: Record<string, string | string[] | undefined>;
    body: string;
  }>((resolve, reject) => {
    const req = httpsRequest(
      {
        host: '127.0.0.1',
        port,
        path,
        method: init.method ?? 'GET',
        ca,
        headers: {
          ...(init.body ? { 'content-type': 'application/json' } : {}),
          ...(init.cookie ? { cookie: init.cookie } : {}),
        },
      },
      (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(init.body);
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'https-'));
  files = makeCertificate('service');
  ca = readFileSync(files.certFile);
  app = await startTestApp({ http: { tls: files } });
  port = (app.app.getHttpServer().address() as { port: number }).port;
});
afterAll(async () => {
  await app.close();
  rmSync(dir, { recursive: true, force: true });
});

it('serves the API over TLS with HSTS, and a Secure, HttpOnly, SameSite=Strict session cookie', async () => {
  const health = await fetchTls('/api/health');
  expect(health.status).toBe(200);
  expect(health.headers['strict-transport-security']).toBe('max-age=31536000');
  const login = await fetchTls('/api/auth/login', {
    method: 'POST',
    body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
  });
  expect(login.status).toBe(200);
  const cookie = String(login.headers['set-cookie']);
  expect(cookie).toMatch(/; Secure/);
  expect(cookie).toMatch(/; HttpOnly/);
  expect(cookie).toMatch(/SameSite=Strict/);
  const session = cookie.split(';')[0];
  expect((await fetchTls('/api/state', { cookie: session })).status).toBe(200);

  // The operator WebSocket over wss:, with the same cookie.
  const ws = new WebSocket(`wss://127.0.0.1:${port}/ws`, { ca, headers: { cookie: session } });
  const first = await new Promise<string>((resolve, reject) => {
    ws.once('message', (data: Buffer) => resolve(data.toString()));
    ws.once('error', reject);
  });
  expect(JSON.parse(first)).toMatchObject({ type: 'snapshot' });
  ws.close();
});

it('the container health check probes over HTTPS when the service serves HTTPS', async () => {
  const env = {
    HTTP_PORT: String(port),
    HTTP_HOST: '127.0.0.1',
    HTTPS_CERT_FILE: files.certFile,
    HTTPS_KEY_FILE: files.keyFile,
  };
  expect(healthUrl(env)).toBe(`https://127.0.0.1:${port}/api/health`);
  expect(await probeHealth(env)).toBe(0);
});

/** A plain-HTTP request to the HTTPS port: its status, Location and body. */
function plainHttp(path: string, headers: Record<string, string> = {}, method = 'GET') {
  return new Promise<{ status: number; location?: string; body: string }>((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, method, headers }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, location: res.headers.location, body }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

it('redirects plain HTTP on the same port to HTTPS (308: same host, port, path and method)', async () => {
  const get = await plainHttp('/setpoints?x=1');
  expect(get).toMatchObject({ status: 308, location: `https://127.0.0.1:${port}/setpoints?x=1` });
  expect(get.body).not.toContain('CryoPilot'); // nothing of the page in the clear
  const post = await plainHttp('/api/commands', { host: `pi.local:${port}` }, 'POST');
  expect(post).toMatchObject({ status: 308, location: `https://pi.local:${port}/api/commands` });
  // A Host that is not a host name gets no redirect anywhere.
  expect(await plainHttp('/', { host: 'evil.example/x' })).toMatchObject({ status: 400 });
  // Followed, the redirect lands on the page over TLS.
  const page = await fetchTls(new URL(get.location!).pathname);
  expect(page.status).toBe(200);
});

it('survives clients that close, reset or stay silent before their first byte', async () => {
  const { connect } = await import('node:net');
  const silent = connect(port, '127.0.0.1');
  const closed = connect(port, '127.0.0.1', () => closed.end());
  const reset = connect(port, '127.0.0.1', () => reset.resetAndDestroy());
  const junk = connect(port, '127.0.0.1', () => junk.end(Buffer.from([0x00, 0xff, 0x16])));
  await new Promise((r) => setTimeout(r, 300));
  silent.destroy();
  expect((await fetchTls('/api/health')).status).toBe(200);
  expect((await plainHttp('/')).status).toBe(308);
});

it('a key that does not belong to the certificate, or a missing file, is a start-up problem', () => {
  const a = makeCertificate('a');
  const b = makeCertificate('b');
  const problems: string[] = [];
  expect(readHttpsFiles({ certFile: a.certFile, keyFile: b.keyFile }, problems)).toBeNull();
  expect(problems).toEqual([
    expect.stringMatching(/^http\.tls: certificate and key unusable together/),
  ]);
  const missing: string[] = [];
  readHttpsFiles({ certFile: join(dir, 'nope.crt'), keyFile: join(dir, 'nope.key') }, missing);
  expect(missing).toEqual([
    expect.stringMatching(/^http\.tls\.certFile: cannot read .*nope\.crt \(ENOENT\)$/),
    expect.stringMatching(/^http\.tls\.keyFile: cannot read .*nope\.key \(ENOENT\)$/),
  ]);
});
