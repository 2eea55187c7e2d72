import {
  channelIdSchema,
  DEFAULT_SETPOINTS,
  languageCodeSchema,
  setpointFields,
  Setpoints,
  setpointsSchema,
} from '@cryopilot/protocol';
import { z } from 'zod';
import { notificationsConfigSchema } from '../notifications/notifications-config.schema';
import { mqttConfigSchema, telemetryConfigSchema } from './link-config.schema';
import { logisticsConfigSchema } from './logistics-config.schema';
import { maintenanceConfigSchema } from './maintenance-config.schema';

/*
 * Every schema of the configuration is a function that builds it, not a module constant: the
 * configuration is validated once, at start-up, and schemas held by the module cache would
 * stay on the heap for the life of the process (~1 MB of zod objects and closures on a Pi,
 * issue 13). Built on each call, they are garbage once `loadStartup` returns.
 */
const hatChannel = () =>
  z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4)], {
    error: 'must be 1, 2, 3 or 4',
  });

const channelSchema = () =>
  z
    .strictObject({
      id: channelIdSchema,
      label: z.string().min(1).max(64),
      /** The label in other languages, by two-letter code (`{ fr: Capteur O2 1 }`); else `label`. */
      labels: z.record(languageCodeSchema, z.string().min(1).max(64)).optional(),
      /** What control does with it: exactly one `level`, at least one `o2`. */
      role: z.enum(['o2', 'level', 'other']),
      /** HAT 4–20 mA() input 1..4. */
      input: hatChannel(),
      unit: z.string().max(16),
      /** Engineering value at 4 mA() (`min`) and 20 mA() (`max`). */
      range: z.strictObject({ min: z.number().finite(), max: z.number().finite() }),
      warmupS: z.number().min(0).max(3600).default(0),
    })
    .check((ctx) => {
      if (!(ctx.value.range.max > ctx.value.range.min)) {
        ctx.issues.push({
          code: 'custom',
          path: ['range', 'max'],
          message: 'must be > min',
          input: ctx.value.range.max,
        });
      }
    });
export type ChannelConfig = z.infer<ReturnType<typeof channelSchema>>;

const mA = () => z.number().min(0).max(20);
const volts = () => z.number().min(0).max(10);
const valveSchema = () =>
  z.discriminatedUnion('kind', [
    z.strictObject({
      kind: z.literal('od-switch'),
      channel: hatChannel(),
      normallyOpen: z.boolean().default(false),
    }),
    z.strictObject({
      kind: z.literal('ma-proportional'),
      channel: hatChannel(),
      closedMa: mA().default(4),
      openMa: mA().default(20),
    }),
    z.strictObject({
      kind: z.literal('v-proportional'),
      channel: hatChannel(),
      closedV: volts().default(0),
      openV: volts().default(10),
    }),
  ]);

const DEFAULT_CHANNELS = [
  {
    id: 'o2_1',
    label: 'O2 sensor 1',
    labels: { fr: 'Capteur O2 1' },
    role: 'o2',
    input: 1,
    unit: '%vol',
    range: { min: 0, max: 25 },
    warmupS: 60,
  },
  {
    id: 'o2_2',
    label: 'O2 sensor 2',
    labels: { fr: 'Capteur O2 2' },
    role: 'o2',
    input: 2,
    unit: '%vol',
    range: { min: 0, max: 25 },
    warmupS: 60,
  },
  {
    id: 'ln2_level',
    label: 'LN2 level',
    labels: { fr: 'Niveau LN2' },
    role: 'level',
    input: 3,
    unit: '%',
    range: { min: 0, max: 100 },
    warmupS: 0,
  },
] as const;

const baseConfigSchema = () =>
  z.strictObject({
    deviceId: z
      .string()
      .regex(
        /^[A-Za-z0-9_-]{1,64}$/,
        'letters, digits, - and _ only (it becomes an MQTT topic level)',
      ),
    samplePeriodMs: z.number().int().min(100).max(10_000).default(500),
    dataDir: z.string().min(1).default('./data'),
    /** Free space on the data disk (the SD card): below `minFreeMb`, alarm and degraded health. */
    storage: z
      .strictObject({
        minFreeMb: z.number().min(1).max(100_000).default(200),
        checkIntervalS: z.number().min(1).max(3600).default(30),
      })
      .prefault({}),
    hardware: z
      .strictObject({
        driver: z.enum(['megaind', 'simulated']).default('simulated'),
        /** Linux I2C bus number (`/dev/i2c-<bus>`). */
        bus: z.number().int().min(0).max(31).default(1),
        /** Stack level set by the ID jumpers: address 0x50 + stack. */
        stack: z.number().int().min(0).max(7).default(0),
        maxRetries: z.number().int().min(0).max(10).default(3),
        watchdog: z
          .strictObject({
            enabled: z.boolean().default(true),
            /** Power-cycle the Pi when the loop has not reloaded it for this long (s). */
            periodS: z.number().int().min(10).max(64_999).default(60),
            /** Period after a power-up, long enough for the Pi and Docker to boot (s). */
            initialPeriodS: z.number().int().min(10).max(64_999).default(300),
            /** How long the Pi is kept off when the watchdog fires (s). */
            offTimeS: z.number().int().min(10).max(4_147_200).default(10),
          })
          .prefault({}),
        /** Diagnostics (temperature, supply) are read every this many seconds. */
        diagnosticsPeriodS: z.number().int().min(1).max(3600).default(10),
        /**
         * Production mode only: exit (and be restarted by the container's restart policy) after
         * the card has been unreachable, or the loop has not ticked, for this long; 0 = never (s).
         */
        exitAfterDownS: z.number().int().min(0).max(86_400).default(300),
      })
      .prefault({}),
    channels: z
      .array(channelSchema())
      .min(1)
      .max(4)
      .default(() => DEFAULT_CHANNELS.map((c) => ({ ...c, range: { ...c.range } })))
      .superRefine(checkChannels),
    valve: valveSchema().prefault({ kind: 'od-switch', channel: 1 }),
    /** Initial setpoints; runtime changes persist in the data directory and take precedence. */
    setpoints: z.strictObject(setpointFields).partial().default({}).superRefine(checkSetpoints),
    alarms: z
      .strictObject({
        supplyMinV: z.number().min(0).max(40).default(10.8),
        supplyMaxV: z.number().min(0).max(40).default(26.4),
        levelDeadbandPct: z.number().min(0).max(20).default(2),
      })
      .prefault({})
      .superRefine(checkSupplyLimits),
    control: z
      .strictObject({
        /** Good level samples needed after start-up before the first fill. */
        startupGoodSamples: z.number().int().min(1).max(100).default(3),
        /** Consecutive failed ticks after which the loop is declared dead (safe state, exit). */
        maxConsecutiveFailures: z.number().int().min(1).max(1000).default(20),
        /**
         * The loop supervisor (a small process outside the event loop): when no tick has completed
         * for `staleAfterS`, it drives the valve safe through its own bus handle and kills the
         * process for a restart. Must act before the card's watchdog (`hardware.watchdog`).
         */
        supervisor: z
          .strictObject({
            enabled: z.boolean().default(true),
            staleAfterS: z.number().min(1).max(600).default(10),
          })
          .prefault({}),
      })
      .prefault({}),
    http: z
      .strictObject({
        port: z.number().int().min(1).max(65_535).default(8181),
        host: z.string().default('0.0.0.0'),
        bodyLimitBytes: z.number().int().min(1024).max(1_048_576).default(16_384),
        /** Operator-page WebSockets one account may hold open at once (tabs, wall display). */
        maxSocketsPerUser: z.number().int().min(1).max(1000).default(10),
        /** Failed sign-ins per account within 15 minutes before it is refused for a while. */
        loginFailuresPerAccount: z.number().int().min(3).max(1000).default(20),
        /**
         * HTTPS: PEM certificate (chain) and private key files. With them the page, the API and
         * the WebSocket are served over TLS only, cookies are `Secure` and HSTS is sent.
         */
        tls: z.strictObject({ certFile: z.string().min(1), keyFile: z.string().min(1) }).optional(),
      })
      .prefault({}),
    simulator: z
      .strictObject({
        /** Time-scale factor for plant, warm-up and control timers (simulated driver only). */
        speed: z.number().positive().max(10_000).default(1),
        scenario: z
          .enum(['normal', 'o2-leak', 'o2-drop', 'fast-drain', 'vacuum-loss', 'supply-low'])
          .default('normal'),
        initialLevelPct: z.number().min(0).max(100).default(50),
        drainPctPerMin: z.number().min(0).max(100).default(0.5),
        fillPctPerMin: z.number().min(0).max(100).default(4),
      })
      .prefault({}),
    mqtt: mqttConfigSchema(),
    telemetry: telemetryConfigSchema(),
    logistics: logisticsConfigSchema(),
    maintenance: maintenanceConfigSchema(),
    /** Email, ntfy and webhook notifications (notifications/notifications-config.schema.ts). */
    notifications: notificationsConfigSchema(),
    trend: z
      .strictObject({
        /** How much history `/api/trend` and the UI can show (minutes). */
        retainMinutes: z
          .number()
          .int()
          .min(1)
          .max(24 * 60)
          .default(240),
        /**
         * The history kept on the data volume (`trend.jsonl`) so the trend survives a restart:
         * one min/max/last point per `storeEverySeconds`, written in one batch every
         * `flushSeconds` and at shutdown (a crash loses at most that much of the stored history).
         */
        store: z
          .strictObject({
            enabled: z.boolean().default(true),
            everySeconds: z.number().min(0.1).max(600).default(10),
            flushSeconds: z.number().min(1).max(3600).default(300),
          })
          .prefault({}),
      })
      .prefault({}),
  });

/** Cross-field rules that no single field can express. */
type Add = (path: PropertyKey[], message: string) => void;
const adder =
  (ctx: z.RefinementCtx): Add =>
  (path, message) =>
    ctx.addIssue({ code: 'custom', path, message });

/*
 * Cross-field rules sit on the smallest object that holds their fields, so that they run (and
 * are reported) even when an unrelated part of the file is broken: every problem at once.
 */

function checkChannels(channels: ChannelConfig[], ctx: z.RefinementCtx): void {
  const add = adder(ctx);
  const seenIds = new Map<string, number>();
  const seenInputs = new Map<number, number>();
  channels.forEach((ch, i) => {
    const sameId = seenIds.get(ch.id);
    if (sameId !== undefined) add([i, 'id'], `duplicate of channels[${sameId}]`);
    seenIds.set(ch.id, i);
    const sameInput = seenInputs.get(ch.input);
    if (sameInput !== undefined) {
      add([i, 'input'], `input ${ch.input} already used by channels[${sameInput}]`);
    }
    seenInputs.set(ch.input, i);
  });
  const levels = channels.filter((ch) => ch.role === 'level').length;
  if (levels !== 1) add([], `exactly one channel must have role "level" (found ${levels})`);
  if (!channels.some((ch) => ch.role === 'o2')) add([], 'at least one channel must have role "o2"');
}

function checkSetpoints(setpoints: Partial<Setpoints>, ctx: z.RefinementCtx): void {
  const merged = setpointsSchema.safeParse({ ...DEFAULT_SETPOINTS, ...setpoints });
  if (merged.success) return;
  // Field problems are reported by the fields themselves; add only the combination rules.
  for (const issue of merged.error.issues) {
    if (issue.code === 'custom') adder(ctx)(issue.path, issue.message);
  }
}

function checkSupplyLimits(
  alarms: { supplyMinV: number; supplyMaxV: number },
  ctx: z.RefinementCtx,
) {
  if (alarms.supplyMinV >= alarms.supplyMaxV) adder(ctx)(['supplyMaxV'], 'must be > supplyMinV');
}

function checkConsistency(
  c: z.output<ReturnType<typeof baseConfigSchema>>,
  ctx: z.RefinementCtx,
): void {
  const add = adder(ctx);
  if (c.hardware.driver === 'megaind' && c.simulator.speed !== 1) {
    add(
      ['simulator', 'speed'],
      'must be 1 with the megaind driver (time scaling is for the simulator only)',
    );
  }
  const supervisor = c.control.supervisor;
  if (supervisor.enabled && supervisor.staleAfterS * 1000 < 4 * c.samplePeriodMs) {
    add(['control', 'supervisor', 'staleAfterS'], 'must be at least 4 sample periods');
  }
  const watchdog = c.hardware.watchdog;
  if (supervisor.enabled && watchdog.enabled && supervisor.staleAfterS >= watchdog.periodS) {
    add(
      ['control', 'supervisor', 'staleAfterS'],
      `must be < hardware.watchdog.periodS (${watchdog.periodS} s): the supervisor acts first`,
    );
  }
}

/** The validated configuration, with every default filled in (built on each call: see above). */
export const appConfigSchema = () => baseConfigSchema().superRefine(checkConsistency);
export type AppConfig = z.output<ReturnType<typeof appConfigSchema>>;
export type ValveConfig = AppConfig['valve'];
