import {
  alarmLine,
  auditLine,
  channelLine,
  diagnosticsLine,
  fillLine,
  valveLine,
} from './telemetry-points';

const T = 1_763_800_000_123;

describe('telemetry line protocol', () => {
  it('writes a channel sample with its acquisition time in ms', () => {
    const reading = {
      id: 'o2_1',
      label: 'O2 1',
      unit: '%vol',
      value: 20.9,
      mA: 17.376,
      quality: 'good' as const,
      ts: '',
    };
    expect(channelLine('lab 1', reading, 42, T)).toBe(
      `channel,channel=o2_1,device=lab\\ 1,unit=%vol ma=17.376,quality="good",seq=42i,value=20.9 ${T}`,
    );
  });

  it('omits the value of an unusable reading instead of writing a fake number', () => {
    const reading = {
      id: 'ln2_level',
      label: 'L',
      unit: '%',
      value: null,
      mA: 0,
      quality: 'bad' as const,
      ts: '',
    };
    expect(channelLine('d', reading, 1, T)).toBe(
      `channel,channel=ln2_level,device=d,unit=% ma=0,quality="bad",seq=1i ${T}`,
    );
  });

  it('escapes strings in valve reasons', () => {
    const valve = {
      open: true,
      output: 100,
      mode: 'auto' as const,
      reason: 'filling: "level" 18 %',
      reasonCode: 'filling' as const,
      reasonParams: {},
      interlocks: [],
      since: '',
      manualUntil: null,
      autoReturnAt: null,
      manualOpen: { allowed: false, blockedBy: ['auto_mode' as const] },
    };
    expect(valveLine('d', valve, T)).toBe(
      `valve,device=d mode="auto",open=T,output=100,reason="filling: \\"level\\" 18 %" ${T}`,
    );
  });

  it('writes alarm, audit and diagnostics points', () => {
    const alarm = {
      id: 'o2_low',
      severity: 'warning' as const,
      message: 'Oxygen low',
      state: 'active-unacked' as const,
      active: true,
      acked: false,
      latching: false,
      activeSince: null,
      lastChange: '',
      ackedBy: null,
      ackComment: null,
      shelvedUntil: null,
      shelvedBy: null,
    };
    expect(alarmLine('d', alarm, T)).toBe(
      `alarm,alarm=o2_low,device=d,severity=warning active=T,message="Oxygen low",state="active-unacked" ${T}`,
    );
    const audit = {
      ts: new Date(T).toISOString(),
      id: 'x',
      user: 'ann',
      role: 'operator' as const,
      source: 'http' as const,
      command: 'mode.set',
      args: { mode: 'manual' },
      ok: false,
      error: { code: 'forbidden' as const, message: 'no' },
    };
    expect(auditLine('d', audit)).toBe(
      `audit,command=mode.set,device=d,source=http args="{\\"mode\\":\\"manual\\"}",error="forbidden: no",ok=F,user="ann" ${T}`,
    );
    expect(
      diagnosticsLine('d', { cpuTempC: 45, supplyV: 24.1, pi5vV: null, i2cErrors: 2 }, T),
    ).toBe(`diagnostics,device=d cpu_temp_c=45,i2c_errors=2i,supply_v=24.1 ${T}`);
  });

  it('writes a finished fill at its end; an open one writes nothing', () => {
    const fill = {
      start: '2026-11-29T10:00:00.000Z',
      end: '2026-11-29T10:12:30.500Z',
      durationS: 750.5,
      levelFromPct: 19.5,
      levelToPct: 80.25,
      mode: 'manual' as const,
      endedBy: 'timer' as const,
      user: 'ali ce',
    };
    const end = Date.parse(fill.end);
    expect(fillLine('d', fill)).toBe(
      `fill,device=d,ended_by=timer,mode=manual duration_s=750.5,level_from_pct=19.5,` +
        `level_to_pct=80.25,rise_pct=60.75,user="ali ce" ${end}`,
    );
    expect(fillLine('d', { ...fill, end: null, endedBy: null })).toBeNull();
    const restart = { ...fill, durationS: null, levelToPct: null, endedBy: 'restart' as const };
    expect(fillLine('d', restart)).toBe(
      `fill,device=d,ended_by=restart,mode=manual level_from_pct=19.5,user="ali ce" ${end}`,
    );
  });
});
