/**
 * What a signed-in client can write into the service's log (an SD card): oversized WebSocket
 * frames must not each leave a stack trace. The built service as a process, its real output.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { DEFAULT_GATEWAY_LIMITS } from '../../src/gateway/gateway.limits';
import { ServiceProcess, startServiceProcess } from '../support/service-process';

let dir: string;
let service: ServiceProcess;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'log-flood-'));
  service = await startServiceProcess(dir);
});
afterAll(async () => {
  await service.stop();
  rmSync(dir, { recursive: true, force: true });
});

it('oversized frames: each sender closed with 1009, one log line a minute, no stack', async () => {
  const codes: number[] = [];
  for (let i = 0; i < 20; i++) {
    const ws = new WebSocket(`${service.base.replace('http', 'ws')}/ws`, {
      headers: { cookie: service.cookie },
    });
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    ws.send('x'.repeat(DEFAULT_GATEWAY_LIMITS.maxFrameBytes + 1));
    codes.push(await new Promise<number>((resolve) => ws.once('close', resolve)));
  }
  expect(codes.every((code) => code === 1009)).toBe(true);
  const lines = service.output().split('\n');
  const reports = lines.filter((l) => l.includes('client connection closed'));
  expect(reports).toHaveLength(1);
  expect(reports[0]).toMatch(/Max payload size exceeded \[WS_ERR_UNSUPPORTED_MESSAGE_LENGTH\]/);
  expect(lines.filter((l) => /^\s+at /.test(l))).toEqual([]);
  // The service is fine: its health answers.
  expect((await service.get('/api/health')).status).toBe(200);
});
