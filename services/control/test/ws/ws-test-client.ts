import { WsServerMessage, wsServerMessageSchema } from '@cryopilot/protocol';
import request from 'supertest';
import WebSocket from 'ws';
import { UsersStore } from '../../src/auth/users-store';
import { ADMIN_PASSWORD, PASSWORD, TestApp } from '../support/test-app';

export type RoleName = 'viewer' | 'operator' | 'admin';

/**
 * The session cookie (`name=value`) of a fresh login as `role` (user named after the role).
 * Logins are rate-limited (10 a minute): tests reuse cookies.
 */
export async function sessionCookie(t: TestApp, role: RoleName): Promise<string> {
  const username = role === 'admin' ? 'admin' : role;
  const users = t.app.get(UsersStore);
  if (!users.find(username)) await users.add(username, PASSWORD, role);
  const res = await request(t.app.getHttpServer())
    .post('/api/auth/login')
    .send({ username, password: role === 'admin' ? ADMIN_PASSWORD : PASSWORD })
    .expect(200);
  const setCookie = res.headers['set-cookie'] as unknown as string[];
  return setCookie[0].split(';')[0];
}

export function wsUrl(t: TestApp): string {
  const { port } = t.app.getHttpServer().address() as { port: number };
  return `ws://127.0.0.1:${port}/ws`;
}

/** The HTTP status of a refused upgrade (or 101 when it was accepted). */
export function upgradeStatus(url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { headers });
    socket.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      socket.terminate();
    });
    socket.once('open', () => {
      resolve(101);
      socket.close();
    });
    socket.once('error', (error) => reject(error));
  });
}

/** A real `ws` client that validates and records every server message. */
export class LiveClient {
  readonly messages: WsServerMessage[] = [];
  readonly socket: WebSocket;
  closeCode: number | null = null;

  private constructor(socket: WebSocket) {
    this.socket = socket;
    socket.on('message', (data) => {
      this.messages.push(
        wsServerMessageSchema.parse(JSON.parse((data as Buffer).toString('utf8'))),
      );
    });
    socket.on('close', (code) => (this.closeCode = code));
  }

  static open(url: string, cookie: string): Promise<LiveClient> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url, { headers: { cookie } });
      const client = new LiveClient(socket);
      socket.once('open', () => resolve(client));
      socket.once('error', reject);
    });
  }

  send(message: unknown): void {
    const raw = typeof message === 'string' || Buffer.isBuffer(message);
    this.socket.send(raw ? message : JSON.stringify(message));
  }

  of<T extends WsServerMessage['type']>(type: T): Extract<WsServerMessage, { type: T }>[] {
    return this.messages.filter((m): m is Extract<WsServerMessage, { type: T }> => m.type === type);
  }

  /** Waits for a message matching `predicate` (already received or future). */
  async next<T extends WsServerMessage['type']>(
    type: T,
    predicate: (m: Extract<WsServerMessage, { type: T }>) => boolean = () => true,
    timeoutMs = 5000,
  ): Promise<Extract<WsServerMessage, { type: T }>> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const found = this.of(type).find(predicate);
      if (found) return found;
      if (Date.now() > end) throw new Error(`no ${type} message in time`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Sends a command and waits for its result. */
  async command(id: string, name: string, args: object, ts = new Date().toISOString()) {
    this.send({ type: 'command', id, name, args, ts });
    return this.next('command-result', (m) => m.id === id);
  }

  close(): void {
    this.socket.terminate();
  }
}
