import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HttpError } from '@influxdata/influxdb-client';
import { InfluxLineSink } from './influx-line-sink';
import { TokenFile } from './token-file';

let dir: string;
beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'cryopilot-token-'))));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('TokenFile', () => {
  it('fails with a clear reason until the file exists, then reads it (line break trimmed)', () => {
    const path = join(dir, 'a');
    const file = new TokenFile(path);
    expect(() => file.current()).toThrow(`no InfluxDB token yet: ${path} does not exist`);
    writeFileSync(path, 'first\n');
    expect(file.current()).toBe('first');
  });

  it('reads the file again when it changes (rotation) or after the token was refused', () => {
    const path = join(dir, 'b');
    writeFileSync(path, 'one\n');
    const file = new TokenFile(path, 'one');
    expect(file.current()).toBe('one');
    writeFileSync(path, 'second-token\n');
    expect(file.current()).toBe('second-token');
    unlinkSync(path);
    writeFileSync(path, 'third-token!\n'); // same size as before would still differ by inode
    expect(file.current()).toBe('third-token!');
    file.invalidate();
    expect(file.current()).toBe('third-token!');
  });
});

/**
 * The sink against a stand-in of InfluxDB 2's write endpoint that accepts one token only
 * (`POST /api/v2/write`, `Authorization: Token …`: 204 accepted, 401 refused). The real
 * InfluxDB 2 with the init script's write-only token runs in the GitHub workflow.
 */
describe('InfluxLineSink with INFLUX_TOKEN_FILE', () => {
  let server: Server;
  let url: string;
  let accepted = 'good-token';
  const seen: string[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        seen.push(req.headers.authorization ?? '');
        res.statusCode = req.headers.authorization === `Token ${accepted}` ? 204 : 401;
        res.end(
          res.statusCode === 401 ? '{"code":"unauthorized","message":"unauthorized access"}' : '',
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => server.close());

  it('waits for the file, retries with a rotated token after a 401, never needs a restart', async () => {
    const path = join(dir, 'influx-token');
    const sink = new InfluxLineSink({
      url,
      org: 'cryopilot',
      bucket: 'cryopilot',
      maxLines: 10,
      tokenFile: new TokenFile(path),
    });
    try {
      await expect(sink.send(['m v=1 1'])).rejects.toThrow('no InfluxDB token yet');
      expect(seen).toEqual([]);

      writeFileSync(path, 'old-token\n');
      const refused = await sink.send(['m v=1 1']).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(HttpError);
      expect((refused as HttpError).statusCode).toBe(401);

      accepted = 'new-token';
      writeFileSync(path, 'new-token\n');
      await expect(sink.send(['m v=1 2'])).resolves.toBeUndefined();
      expect(seen).toEqual(['Token old-token', 'Token new-token']);
    } finally {
      sink.close();
    }
  });
});
