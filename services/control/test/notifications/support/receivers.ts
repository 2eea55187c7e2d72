import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import { SMTPServer } from 'smtp-server';
import { freePort } from '../../support/servers/local-server';

/*
 * Real receivers for the notification tests, started by the tests on loopback: an SMTP server
 * (the `smtp-server` package, the server side of nodemailer's project) and a plain node:http
 * server standing in for ntfy and webhook receivers. Each can go away and come back on the
 * same port (an outage), or answer with a chosen HTTP status.
 */

export interface ReceivedMail {
  readonly from: string;
  readonly to: string[];
  readonly user: string | undefined;
  readonly raw: string;
  /** The decoded Subject header (nodemailer encodes non-ASCII subjects). */
  readonly subject: string;
}

/** An SMTP server requiring `username`/`password` (AUTH PLAIN/LOGIN without TLS, tests only). */
export class SmtpReceiver {
  readonly mails: ReceivedMail[] = [];
  private server: SMTPServer | null = null;

  private constructor(
    readonly port: number,
    private readonly credentials: { username: string; password: string },
  ) {}

  static async start(credentials: { username: string; password: string }): Promise<SmtpReceiver> {
    const receiver = new SmtpReceiver(await freePort(), credentials);
    await receiver.up();
    return receiver;
  }

  /** Starts listening (again) on the same port. */
  async up(): Promise<void> {
    const server = new SMTPServer({
      authMethods: ['PLAIN', 'LOGIN'],
      allowInsecureAuth: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      // An outage in a test is a stop now, not after the default 30 s grace.
      closeTimeout: 100,
      onAuth: (auth, _session, callback) => {
        const ok =
          auth.username === this.credentials.username &&
          auth.password === this.credentials.password;
        callback(
          ok ? null : new Error('invalid credentials'),
          ok ? { user: auth.username } : undefined,
        );
      },
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          this.mails.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            user: session.user as string | undefined,
            raw,
            subject: decodeSubject(raw),
          });
          callback();
        });
      },
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.server = server;
  }

  /** Stops listening: connections are refused until `up`. */
  async down(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

function decodeSubject(raw: string): string {
  const header = /^Subject: (.*(?:\r\n[ \t].*)*)/m.exec(raw)?.[1] ?? '';
  return header
    .replace(/\r\n[ \t]/g, ' ')
    .replace(/=\?UTF-8\?([BQ])\?([^?]*)\?=\s*/gi, (_m, enc: string, text: string) =>
      enc.toUpperCase() === 'B'
        ? Buffer.from(text, 'base64').toString('utf8')
        : Buffer.from(
            text
              .replace(/_/g, ' ')
              .replace(/=([0-9A-F]{2})/gi, (_h, hex: string) =>
                String.fromCharCode(parseInt(hex, 16)),
              ),
            'latin1',
          ).toString('utf8'),
    )
    .trim();
}

export interface ReceivedRequest {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** An HTTP receiver: records every POST it accepts; `status` sets the answer (2xx accepts). */
export class HttpReceiver {
  /** Requests answered with a 2xx status, in arrival order. */
  readonly accepted: ReceivedRequest[] = [];
  /** Requests answered with anything else. */
  readonly refused: ReceivedRequest[] = [];
  status = 200;
  /** Takes requests and never answers them (a receiver that hangs). */
  hang = false;
  private server: Server | null = null;

  private constructor(readonly port: number) {}

  static async start(): Promise<HttpReceiver> {
    const receiver = new HttpReceiver(await freePort());
    await receiver.up();
    return receiver;
  }

  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  async up(): Promise<void> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const request = {
          path: req.url ?? '',
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        };
        if (req.method === 'GET' && req.url === '/v1/health') {
          res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"healthy":true}');
          return;
        }
        if (this.hang) return;
        const status = this.status;
        (status >= 200 && status < 300 ? this.accepted : this.refused).push(request);
        res.writeHead(status, { 'Content-Type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.server = server;
  }

  async down(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
