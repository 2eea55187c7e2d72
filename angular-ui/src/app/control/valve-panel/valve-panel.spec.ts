import { TestBed } from '@angular/core/testing';
import { commandsAllowedFor, sessionInfo, type Role } from '@cryopilot/protocol';
import { ControlApi } from '../../core/api/control-api';
import { RealtimeConnection } from '../../core/realtime/realtime-connection';
import { REALTIME_URL, SESSION_PROBE, SOCKET_FACTORY } from '../../core/realtime/socket-factory';
import { alarm, FakeSocketFactory, snapshot } from '../../core/realtime/testing/fake-socket';
import { Session } from '../../core/session/session';
import { ValvePanel } from './valve-panel';
import { valveControlReasons } from './valve-rules';

async function render(role: Role, over: Parameters<typeof snapshot>[0] = {}) {
  const sockets = new FakeSocketFactory();
  const api = { session: () => Promise.resolve(sessionInfo('u', role)) };
  TestBed.configureTestingModule({
    providers: [
      { provide: SOCKET_FACTORY, useValue: sockets.create },
      { provide: REALTIME_URL, useValue: 'ws://test/ws' },
      { provide: SESSION_PROBE, useValue: () => Promise.resolve('valid') },
      { provide: ControlApi, useValue: api },
    ],
  });
  await TestBed.inject(Session).restore();
  sockets.last.open();
  sockets.last.receive(snapshot(over));
  const fixture = TestBed.createComponent(ValvePanel);
  fixture.detectChanges();
  const element = fixture.nativeElement as HTMLElement;
  const button = (id: string) => element.querySelector<HTMLButtonElement>(`[data-testid="${id}"]`)!;
  return { fixture, element, button, sockets };
}

describe('ValvePanel', () => {
  beforeEach(() => localStorage.setItem('cryopilot.language', 'en'));

  it('a viewer sees both buttons disabled, with the role as the reason', async () => {
    const { element, button } = await render('viewer');
    expect(button('valve-open').disabled).toBe(true);
    expect(button('valve-close').disabled).toBe(true);
    expect(element.querySelector('#why-open')?.textContent).toContain('viewer');
    // The mode buttons too, with a visible reason rather than a tooltip (touch screens).
    const modes = [...element.querySelectorAll<HTMLButtonElement>('.segmented .btn')];
    expect(
      modes.every((b) => b.disabled && b.getAttribute('aria-describedby') === 'why-open'),
    ).toBe(true);
    expect(modes.some((b) => b.hasAttribute('title'))).toBe(false);
  });

  it('says when manual mode returns to auto by itself, and nothing when it will not', async () => {
    const base = snapshot().state.valve;
    const at = '2026-11-30T14:30:00.000Z';
    const { element } = await render('operator', {
      valve: { ...base, mode: 'manual', autoReturnAt: at },
    });
    const line = element.querySelector('[data-testid="valve-auto-return"]')?.textContent ?? '';
    expect(line).toContain('Back to Auto at');
    expect(line).toContain(new Date(at).toLocaleTimeString('en', { hour12: false }));
    TestBed.resetTestingModule();
    const off = await render('operator', {
      valve: { ...base, mode: 'manual', autoReturnAt: null },
    });
    expect(off.element.querySelector('[data-testid="valve-auto-return"]')).toBeNull();
  });

  it('an operator in auto mode may close but must switch to manual to open', async () => {
    const { element, button } = await render('operator');
    expect(button('valve-open').disabled).toBe(true);
    expect(element.querySelector('#why-open')?.textContent).toContain('manual');
    expect(button('valve-close').disabled).toBe(false);
  });

  it('an interlock disables opening and names the interlock', async () => {
    const base = snapshot().state.valve;
    const { element, button } = await render('operator', {
      valve: {
        ...base,
        mode: 'manual',
        interlocks: ['o2_low_low'],
        reason: 'inhibited: o2_low_low',
        reasonCode: 'inhibited',
        reasonParams: { interlocks: ['o2_low_low'] },
        manualOpen: { allowed: false, blockedBy: ['o2_low_low'] },
      },
    });
    expect(button('valve-open').disabled).toBe(true);
    expect(element.querySelector('#why-open')?.textContent).toContain('O2 trip latched');
    // Said from the code and its parameters, not the service's English sentence.
    expect(element.querySelector('[data-testid="valve-reason"]')?.textContent).toContain(
      'Filling held off: O2 trip latched',
    );
  });

  it('everything is disabled as soon as the connection drops', async () => {
    const { fixture, button, sockets } = await render('admin');
    expect(button('valve-close').disabled).toBe(false);
    sockets.last.drop();
    fixture.detectChanges();
    expect(button('valve-close').disabled).toBe(true);
    expect(TestBed.inject(RealtimeConnection).state()).toBe('reconnecting');
  });
});

describe('ValvePanel never colour alone (issue 11)', () => {
  beforeEach(() => localStorage.setItem('cryopilot.language', 'en'));

  it('a normal start-up interlock is a neutral badge; one behind an alarm takes its priority', async () => {
    const base = snapshot().state.valve;
    const { element } = await render('operator', {
      valve: { ...base, interlocks: ['startup', 'o2_low_low'] },
      alarms: [alarm({ id: 'o2_low_low', severity: 'critical', state: 'latched' })],
    });
    const badges = [...element.querySelectorAll('[data-testid="interlock"]')];
    expect(badges[0].className).toContain('badge-muted');
    expect(badges[0].textContent).toContain('starting up');
    expect(badges[1].className).toContain('badge-critical');
    expect(badges[1].textContent).toContain('■');
  });

  it('the selected mode is pressed, not disabled; Close is not painted as an alarm', async () => {
    const { element, button } = await render('operator');
    const auto = [...element.querySelectorAll<HTMLButtonElement>('.segmented .btn')][0];
    expect(auto.getAttribute('aria-pressed')).toBe('true');
    expect(auto.disabled).toBe(false);
    expect(button('valve-close').className).not.toMatch(/danger|critical/);
  });
});

describe('valveControlReasons', () => {
  const valve = snapshot().state.valve;
  const as = (role: Role) => ({
    may: (command: string) => (commandsAllowedFor(role) as string[]).includes(command),
    role: () => role,
  });
  const manual = {
    ...valve,
    mode: 'manual' as const,
    manualOpen: { allowed: true, blockedBy: [] },
  };

  it('allows opening in manual mode without interlocks', () => {
    expect(valveControlReasons(manual, as('operator'), true).open).toBeNull();
  });
  it('allows closing whatever the mode', () => {
    expect(valveControlReasons({ ...valve, open: true }, as('operator'), true).close).toBeNull();
  });
  it('follows the service under a fill timeout: a watched manual fill is allowed', () => {
    const underTimeout = { ...manual, interlocks: ['fill_timeout' as const] };
    expect(valveControlReasons(underTimeout, as('operator'), true).open).toBeNull();
  });
  it('names the role when the service does not let the user command the valve', () => {
    expect(valveControlReasons(manual, as('viewer'), true).open).toEqual({
      key: 'valve.why.role',
      params: { role: 'viewer' },
    });
  });
});
