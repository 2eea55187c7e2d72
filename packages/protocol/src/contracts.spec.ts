import {
  commandArgsSchemas,
  commandRequestSchema,
  COMMAND_NAMES,
  COMMAND_ROLES,
  DEFAULT_SETPOINTS,
  formatIssuePath,
  hasRole,
  isCommandName,
  mqttTelemetrySchema,
  setpointsSchema,
  wsClientMessageSchema,
} from './index';

describe('roles', () => {
  it.each([
    ['viewer', 'viewer', true],
    ['viewer', 'operator', false],
    ['operator', 'viewer', true],
    ['operator', 'admin', false],
    ['admin', 'operator', true],
  ] as const)('%s has %s rights: %s', (role, required, expected) => {
    expect(hasRole(role, required)).toBe(expected);
  });
});

describe('setpoints', () => {
  it('accepts the defaults', () => {
    expect(setpointsSchema.parse(DEFAULT_SETPOINTS)).toEqual(DEFAULT_SETPOINTS);
  });

  it.each([
    [{ fillStartPct: 80 }, 'fillStopPct'],
    [{ levelLowPct: 25 }, 'fillStartPct'],
    [{ levelHighHighPct: 70 }, 'levelHighHighPct'],
    [{ o2LowPct: 17 }, 'o2LowPct'],
    [{ o2HighPct: 19 }, 'o2HighPct'],
    [{ manualOpenDefaultS: 700 }, 'manualOpenDefaultS'],
    [{ maxFillS: 5 }, 'maxFillS'],
    [{ o2LowLowPct: 30 }, 'o2LowLowPct'],
  ])('rejects %j (reported at %s)', (patch, path) => {
    const result = setpointsSchema.safeParse({ ...DEFAULT_SETPOINTS, ...patch });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => formatIssuePath(i.path))).toContain(path);
  });
});

describe('commands', () => {
  it('has a role for every command', () => {
    expect(Object.keys(COMMAND_ROLES).sort()).toEqual([...COMMAND_NAMES].sort());
  });

  it('recognises command names without prototype tricks', () => {
    expect(isCommandName('mode.set')).toBe(true);
    expect(isCommandName('toString')).toBe(false);
    expect(isCommandName('__proto__')).toBe(false);
  });

  it('rejects unknown keys in the envelope and in arguments', () => {
    expect(commandRequestSchema.safeParse({ name: 'x', extra: 1 }).success).toBe(false);
    expect(commandArgsSchemas['valve.close'].safeParse({ force: true }).success).toBe(false);
  });

  it('requires a reason to shelve and bounds the duration', () => {
    const shelve = commandArgsSchemas['alarm.shelve'];
    expect(
      shelve.safeParse({ alarmId: 'o2_low', minutes: 10, comment: 'maintenance' }).success,
    ).toBe(true);
    expect(shelve.safeParse({ alarmId: 'o2_low', minutes: 10, comment: '  ' }).success).toBe(false);
    expect(shelve.safeParse({ alarmId: 'o2_low', minutes: 0, comment: 'x' }).success).toBe(false);
    expect(shelve.safeParse({ alarmId: 'o2_low', minutes: 1441, comment: 'x' }).success).toBe(
      false,
    );
  });
});

describe('transport payloads', () => {
  it('validates a telemetry message', () => {
    const ok = mqttTelemetrySchema.safeParse({
      seq: 1,
      ts: '2026-11-22T10:00:00.000Z',
      channels: { o2_1: 20.9, ln2_level: null },
      quality: { o2_1: 'good', ln2_level: 'bad' },
      valve: { open: false, output: 0 },
    });
    expect(ok.success).toBe(true);
  });

  it('validates a WebSocket command and rejects other message types', () => {
    expect(
      wsClientMessageSchema.safeParse({ type: 'command', id: 'a', name: 'valve.close' }).success,
    ).toBe(true);
    expect(wsClientMessageSchema.safeParse({ type: 'subscribe', id: 'a' }).success).toBe(false);
  });
});

describe('formatIssuePath', () => {
  it('renders array indexes and nested keys', () => {
    expect(formatIssuePath(['channels', 2, 'range', 'max'])).toBe('channels[2].range.max');
    expect(formatIssuePath([])).toBe('(root)');
  });
});
