import { roleSchema } from '@cryopilot/protocol';
import { z } from 'zod';

// Schemas are functions, built when the configuration is read (see config/config.schema.ts).

const outboxSchema = (defaultMb: number) =>
  z
    .strictObject({
      /** Bound of the on-disk outbox; beyond it the oldest records are dropped (and counted). */
      maxMb: z.number().min(1).max(10_000).default(defaultMb),
      /** Replay rate after an outage, so that live data is never starved (records/s). */
      replayPerSecond: z.number().int().min(1).max(100_000).default(200),
    })
    .prefault({});

/** MQTT link (docs/interfaces.md, MQTT section). */
export const mqttConfigSchema = () =>
  z
    .strictObject({
      /** `mqtt://host:1883`, `mqtts://host:8883`; unset → an embedded broker is started. */
      url: z
        .string()
        .regex(/^(mqtts?|wss?):\/\/.+/, 'must be an mqtt://, mqtts://, ws:// or wss:// URL')
        .optional(),
      /** Port of the embedded broker (only without `url`). */
      embeddedPort: z.number().int().min(1).max(65_535).default(1883),
      /** Host the embedded broker binds to. */
      embeddedHost: z.string().default('127.0.0.1'),
      username: z.string().max(256).optional(),
      /** From MQTT_PASSWORD; never logged. */
      password: z.string().max(256).optional(),
      /** Fixed client id for a persistent session; default `cryopilot-<deviceId>`. */
      clientId: z.string().max(128).optional(),
      /** Base topic; default `cryopilot/<deviceId>`. */
      baseTopic: z
        .string()
        .regex(/^[^#+\s]+[^/#+\s]$/, 'no wildcards, spaces or trailing /')
        .optional(),
      /** 5 (default) or 4 (MQTT 3.1.1) for old brokers. */
      protocolVersion: z.union([z.literal(5), z.literal(4)]).default(5),
      keepaliveS: z.number().int().min(5).max(3600).default(30),
      /** MQTT 5 session expiry, so a persistent session survives reconnects (s). */
      sessionExpiryS: z
        .number()
        .int()
        .min(0)
        .max(7 * 86_400)
        .default(3600),
      tls: z
        .strictObject({
          ca: z.string().optional(),
          cert: z.string().optional(),
          key: z.string().optional(),
          /** Accept self-signed broker certificates (test setups only). */
          insecure: z.boolean().default(false),
        })
        .prefault({}),
      /** Role of commands received over MQTT (never admin unless configured). */
      commandRole: roleSchema.default('operator'),
      /** Commands older than this are refused `expired` (a queued command never runs late) (s). */
      commandMaxAgeS: z.number().min(1).max(3600).default(10),
      /** Largest accepted command payload (bytes). */
      maxPayloadBytes: z.number().int().min(256).max(1_048_576).default(8192),
      /** Home Assistant discovery prefix; empty disables discovery. */
      discoveryPrefix: z.string().default('homeassistant'),
      outbox: outboxSchema(64),
    })
    .prefault({});

/** InfluxDB telemetry (docs/interfaces.md, InfluxDB schema). Disabled without `url`. */
export const telemetryConfigSchema = () =>
  z
    .strictObject({
      url: z
        .string()
        .regex(/^https?:\/\/.+/, 'must be an http:// or https:// URL')
        .optional(),
      /** From INFLUX_TOKEN (or the file INFLUX_TOKEN_FILE names); never logged. */
      token: z.string().optional(),
      /**
       * INFLUX_TOKEN_FILE: where the token is (the InfluxDB init script writes the write-only
       * token there). Re-read while it is missing and whenever it changes (rotation).
       */
      tokenFile: z.string().min(1).optional(),
      org: z.string().default('cryopilot'),
      bucket: z.string().default('cryopilot'),
      /** Lines per write request. */
      batchSize: z.number().int().min(1).max(50_000).default(1000),
      flushIntervalMs: z.number().int().min(100).max(60_000).default(1000),
      /**
       * Lines wait in memory this long for delivery before they are written to the disk outbox
       * (SD-card wear): a crash with InfluxDB reachable loses at most this long (+0.25 s) of
       * telemetry. 0: every line to disk first.
       */
      holdInMemoryMs: z.number().int().min(0).max(60_000).default(2000),
      /** Diagnostics points every this many seconds. */
      diagnosticsPeriodS: z.number().int().min(5).max(3600).default(60),
      outbox: outboxSchema(256),
    })
    .superRefine((t, ctx) => {
      // The pump sends at most every flushIntervalMs: a shorter hold writes every line to disk.
      if (t.holdInMemoryMs > 0 && t.holdInMemoryMs <= t.flushIntervalMs) {
        ctx.addIssue({
          code: 'custom',
          path: ['holdInMemoryMs'],
          message: `must be 0 or longer than flushIntervalMs (${t.flushIntervalMs})`,
        });
      }
    })
    .prefault({});
