import { TestBed } from '@angular/core/testing';
import type { Quality } from '@cryopilot/protocol';
import { REALTIME_URL, SESSION_PROBE, SOCKET_FACTORY } from '../../core/realtime/socket-factory';
import { FakeSocketFactory, snapshot } from '../../core/realtime/testing/fake-socket';
import { ProcessTile } from './process-tile';

function render(quality: Quality, value: number | null, mA: number | null = 12) {
  TestBed.configureTestingModule({
    providers: [
      { provide: SOCKET_FACTORY, useValue: new FakeSocketFactory().create },
      { provide: REALTIME_URL, useValue: 'ws://test/ws' },
      { provide: SESSION_PROBE, useValue: () => Promise.resolve('valid') },
    ],
  });
  const fixture = TestBed.createComponent(ProcessTile);
  fixture.componentRef.setInput('channel', {
    id: 'ln2_level',
    label: 'LN2 level',
    unit: '%',
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
});
