import type { Role } from '@cryopilot/protocol';
import { readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';
import { join } from 'node:path';
import type { MqttConfig } from '../../config/config.slices';
import type { MqttConnectOptions } from './mqtt-connection';
import { baseTopicFor } from '../publishing/mqtt-topics';

/** Everything the MQTT feature needs, resolved once from the validated config (pure). */
export interface MqttSettings {
  /** Where to start the embedded broker; null when an external broker is configured. */
  readonly embedded: {
    readonly host: string;
    readonly port: number;
    /** The broker's generated accounts (service, reader). */
    readonly usersFile: string;
  } | null;
  readonly url: string;
  /** The URL without credentials: safe for logs, health and link details. */
  readonly displayUrl: string;
  readonly clientId: string;
  readonly username?: string;
  readonly password?: string;
  readonly protocolVersion: 4 | 5;
  readonly keepaliveS: number;
  readonly sessionExpiryS: number;
  readonly tls: {
    readonly caFile?: string;
    readonly certFile?: string;
    readonly keyFile?: string;
    readonly insecure: boolean;
  };
  readonly baseTopic: string;
  readonly discoveryPrefix: string;
  readonly commandRole: Role;
  readonly commandMaxAgeMs: number;
  readonly maxPayloadBytes: number;
  readonly outbox: {
    readonly dir: string;
    readonly maxBytes: number;
    readonly replayPerSecond: number;
  };
}

export function resolveMqttSettings(config: MqttConfig): MqttSettings {
  const m = config.mqtt;
  const embedded = m.url
    ? null
    : {
        host: m.embeddedHost,
        port: m.embeddedPort,
        usersFile: join(config.dataDir, 'mqtt-embedded-users.json'),
      };
  const url = m.url ?? `mqtt://${clientHostFor(m.embeddedHost)}:${m.embeddedPort}`;
  return {
    embedded,
    url,
    displayUrl: withoutCredentials(url),
    clientId: m.clientId ?? `cryopilot-${config.deviceId}`,
    ...(m.username !== undefined ? { username: m.username } : {}),
    ...(m.password !== undefined ? { password: m.password } : {}),
    // aedes (the embedded broker) speaks MQTT 3.1.1 only.
    protocolVersion: embedded ? 4 : m.protocolVersion,
    keepaliveS: m.keepaliveS,
    sessionExpiryS: m.sessionExpiryS,
    tls: {
      ...(m.tls.ca !== undefined ? { caFile: m.tls.ca } : {}),
      ...(m.tls.cert !== undefined ? { certFile: m.tls.cert } : {}),
      ...(m.tls.key !== undefined ? { keyFile: m.tls.key } : {}),
      insecure: m.tls.insecure,
    },
    baseTopic: baseTopicFor(config.deviceId, m.baseTopic),
    discoveryPrefix: m.discoveryPrefix,
    commandRole: m.commandRole,
    commandMaxAgeMs: m.commandMaxAgeS * 1000,
    maxPayloadBytes: m.maxPayloadBytes,
    outbox: {
      dir: join(config.dataDir, 'outbox', 'mqtt'),
      maxBytes: Math.round(m.outbox.maxMb * 1024 * 1024),
      replayPerSecond: m.outbox.replayPerSecond,
    },
  };
}

/** A wildcard bind address is reached through loopback. */
function clientHostFor(bindHost: string): string {
  if (bindHost === '0.0.0.0' || bindHost === '') return '127.0.0.1';
  if (bindHost === '::') return '[::1]';
  return bindHost.includes(':') && !bindHost.startsWith('[') ? `[${bindHost}]` : bindHost;
}

/** `mqtts://user:secret@host:8883` → `mqtts://host:8883`. */
export function withoutCredentials(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.toString().replace(/\/$/, '');
  } catch {
    // Not parseable as a URL (the config regex is lenient): show only the scheme.
    const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url)?.[1];
    return scheme ? `${scheme}://…` : '(unparseable URL)';
  }
}

/**
 * Options of one connection attempt: persistent session, retained `offline` last will on
 * `statusTopic`, TLS files read now (so renewed certificates are picked up at the next
 * attempt; an unreadable file throws, and the attempt is retried with the reason).
 */
export function connectOptionsFor(
  s: MqttSettings,
  statusTopic: string,
  connectTimeoutMs: number,
  readFile: (path: string) => Buffer = readFileSync,
): MqttConnectOptions {
  const read = (file: string | undefined) => (file === undefined ? undefined : readFile(file));
  const usesTls =
    /^(mqtts|wss):/.test(s.url) || s.tls.caFile !== undefined || s.tls.certFile !== undefined;
  const tls = usesTls
    ? {
        ca: read(s.tls.caFile),
        cert: read(s.tls.certFile),
        key: read(s.tls.keyFile),
        rejectUnauthorized: !s.tls.insecure,
      }
    : null;
  if (tls) checkTlsMaterial(tls, s.tls);
  return {
    url: s.url,
    clientId: s.clientId,
    ...(s.username !== undefined ? { username: s.username } : {}),
    ...(s.password !== undefined ? { password: s.password } : {}),
    protocolVersion: s.protocolVersion,
    keepaliveS: s.keepaliveS,
    sessionExpiryS: s.sessionExpiryS,
    connectTimeoutMs,
    will: { topic: statusTopic, payload: 'offline', retain: true },
    ...(tls ? { tls } : {}),
  };
}

/**
 * Builds a TLS context from the files once, so that a malformed or mismatched key, certificate
 * or CA fails here with the files named — an attempt that the link retries and reports —
 * instead of deep inside the MQTT client.
 * @throws Error naming the files.
 */
function checkTlsMaterial(
  tls: { ca?: Buffer; cert?: Buffer; key?: Buffer },
  files: MqttSettings['tls'],
): void {
  try {
    createSecureContext({ ca: tls.ca, cert: tls.cert, key: tls.key });
  } catch (error) {
    const named = [files.caFile, files.certFile, files.keyFile].filter((f) => f !== undefined);
    throw new Error(
      `TLS files unusable (${named.join(', ')}): ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}
