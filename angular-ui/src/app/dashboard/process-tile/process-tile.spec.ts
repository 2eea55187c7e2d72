import { TestBed } from '@angular/core/testing';
import type { Alarm, Quality } from '@cryopilot/protocol';
import { RealtimeConnection } from '../../core/realtime/realtime-connection';
import { RealtimeState } from '../../core/realtime/realtime-state';
import { REALTIME_URL, SESSION_PROBE, SOCKET_FACTORY } from '../../core/realtime/socket-factory';
import { alarm, FakeSocketFactory, snapshot } from '../../core/realtime/testing/fake-socket';
import { ProcessTile } from './process-tile';

function render(
  quality: Quality,
  value: number | null,
  mA: number | null = 12,
  { unit = '%', alarms = [] as Alarm[] } = {},
) {
  const sockets = new FakeSocketFactory();
  TestBed.configureTestingModule({
    providers: [
      { provide: SOCKET_FACTORY, useValue: sockets.create },
      { provide: REALTIME_URL, useValue: 'ws://test/ws' },
      { provide: SESSION_PROBE, useValue: () => Promise.resolve('valid') },
    ],
  });
  // The standing alarms reach the tile through the live state, as in the page.
  TestBed.inject(RealtimeState);
  TestBed.inject(RealtimeConnection).connect();
  sockets.last.open();
  sockets.last.receive(snapshot({}, alarms));
  const fixture = TestBed.createComponent(ProcessTile);
  fixture.componentRef.setInput('channel', {
    id: unit === '%' ? 'ln2_level' : 'o2_1',
    label: unit === '%' ? 'LN2 level' : 'O2 1',
    unit,
    value,
    mA,
    quality,
    ts: '2026-11-22T10:00:00.000Z',
  });
  fixture.componentRef.setInput('setpoints', snapshot().state.setpoints);
  fixture.detectChanges();
  return fixture.nativeElement as HTMLElement;
}

describe('ProcessTile', () => {
  beforeEach(() => localStorage.setItem('cryopilot.language', 'en'));

  it('shows a good value as a large number with its unit', () => {
    const element = render('good', 47);
    expect(element.querySelector('[data-testid="value"]')?.textContent).toContain('47');
    expect(element.querySelector('[data-testid="quality"]')).toBeNull();
  });

  it.each([
    ['bad', 'BAD', 2.1],
    ['stale', 'STALE', null],
    ['warmup', 'WARM-UP', 17.4],
  ] as const)('never shows a %s reading as a plain number', (quality, label, mA) => {
    // Even if a value slipped through, an unusable quality hides it.
    const element = render(quality, quality === 'warmup' ? 20.9 : null, mA);
    expect(element.querySelector('[data-testid="value"]')).toBeNull();
    expect(element.querySelector('.num')).toBeNull();
    expect(element.querySelector('[data-testid="quality"]')?.textContent?.trim()).toBe(label);
  });

  it('flags an uncertain value next to the number', () => {
    const element = render('uncertain', 100);
    expect(element.querySelector('.num')?.textContent).toContain('100');
    expect(element.querySelector('.badge-warning')?.textContent).toContain('uncertain');
  });

  it('marks the thresholds on the bar', () => {
    const element = render('good', 50);
    const labels = [...element.querySelectorAll('.mark-label')].map((e) => e.textContent);
    expect(labels).toEqual(['L', '▲', '▼', 'HH']);
  });

  describe('never colour alone (issue 11)', () => {
    // The fixture's element is the tile's host, where the priority classes live.
    const classes = (element: HTMLElement) => element.className;

    it.each([
      ['%vol', 17.5, 'LOW-LOW', 'critical', '■'],
      ['%vol', 19, 'LOW', 'warning', '▲'],
      ['%vol', 24, 'HIGH', 'warning', '▲'],
      ['%', 96, 'HIGH-HIGH', 'critical', '■'],
      ['%', 5, 'LOW', 'warning', '▲'],
    ] as const)('%s %s is tagged %s with the %s shape', (unit, value, tag, priority, shape) => {
      const element = render('good', value, 12, { unit });
      const text = element.querySelector('[data-testid="tag"]')?.textContent ?? '';
      expect(text).toContain(tag);
      expect(text).toContain(shape);
      expect(text).toContain(`(${priority})`); // said to screen readers, not only shown
      expect(classes(element)).toContain(`tile-${priority}`);
    });

    it('a value inside the limits has no tag and no alarm colour', () => {
      const element = render('good', 50);
      expect(element.querySelector('[data-testid="tag"]')).toBeNull();
      expect(classes(element)).not.toMatch(/tile-(critical|warning)/);
    });

    it('a wire break takes the priority of its alarm: warning, not critical red', () => {
      const fault = alarm({ id: 'level_sensor_fault', severity: 'warning' });
      const element = render('bad', null, 2.1, { alarms: [fault] });
      expect(classes(element)).toContain('tile-warning');
      expect(classes(element)).not.toContain('tile-critical');
      expect(element.querySelector('.tile-quality')?.textContent).toContain('▲');
    });

    it('bad data without a standing alarm is neutral (no alarm colour at all)', () => {
      const element = render('bad', null, 2.1);
      expect(classes(element)).not.toMatch(/tile-(critical|warning)/);
    });
  });
});
