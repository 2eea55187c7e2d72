import { Component, signal, viewChild } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { RealtimeConnection } from '../../core/realtime/realtime-connection';
import { REALTIME_URL, SESSION_PROBE, SOCKET_FACTORY } from '../../core/realtime/socket-factory';
import { FakeSocketFactory, snapshot } from '../../core/realtime/testing/fake-socket';
import { ConfirmDialog } from './confirm-dialog';

/** A host like the alarm panel: an opener, a heading to fall back to, an optional field. */
@Component({
  imports: [ConfirmDialog],
  template: `
    <h2 tabindex="-1" #heading>Alarms</h2>
    @if (showOpener()) {
      <button type="button" id="opener" (click)="dialog().open()">Ask</button>
    }
    <app-confirm-dialog
      title="Sure?"
      [fallbackFocus]="heading"
      (confirmed)="confirmed = confirmed + 1"
    >
      @if (withField()) {
        <textarea id="comment"></textarea>
      }
    </app-confirm-dialog>
  `,
})
class Host {
  readonly dialog = viewChild.required(ConfirmDialog);
  readonly showOpener = signal(true);
  readonly withField = signal(true);
  confirmed = 0;
}

// jsdom has no modal dialogs: the smallest stand-in for what the component relies on.
beforeAll(() => {
  HTMLDialogElement.prototype.showModal = function (this: HTMLDialogElement) {
    this.setAttribute('open', '');
  };
  HTMLDialogElement.prototype.close = function (this: HTMLDialogElement) {
    if (!this.hasAttribute('open')) return;
    this.removeAttribute('open');
    this.dispatchEvent(new Event('close'));
  };
});

async function render(withField = true) {
  const sockets = new FakeSocketFactory();
  TestBed.configureTestingModule({
    providers: [
      { provide: SOCKET_FACTORY, useValue: sockets.create },
      { provide: REALTIME_URL, useValue: 'ws://test/ws' },
      { provide: SESSION_PROBE, useValue: () => Promise.resolve('valid') },
    ],
  });
  const fixture = TestBed.createComponent(Host);
  fixture.componentInstance.withField.set(withField);
  TestBed.inject(RealtimeConnection).connect();
  sockets.last.open();
  sockets.last.receive(snapshot());
  await fixture.whenStable();
  const root = fixture.nativeElement as HTMLElement;
  const q = <T extends HTMLElement>(selector: string) => root.querySelector<T>(selector);
  const dialog = q<HTMLDialogElement>('dialog')!;
  const openFromButton = async () => {
    q('#opener')!.focus();
    q('#opener')!.click();
    await fixture.whenStable();
  };
  const press = (key: string, shiftKey = false) =>
    document.activeElement!.dispatchEvent(
      new KeyboardEvent('keydown', { key, shiftKey, bubbles: true, cancelable: true }),
    );
  return { fixture, root, q, dialog, openFromButton, press, sockets };
}

describe('ConfirmDialog focus', () => {
  beforeEach(() => localStorage.setItem('cryopilot.language', 'en'));

  it('focuses the first field when there is one, else Cancel', async () => {
    const withField = await render(true);
    await withField.openFromButton();
    expect(withField.dialog.open).toBe(true);
    expect(document.activeElement?.id).toBe('comment');
    TestBed.resetTestingModule();

    const plain = await render(false);
    await plain.openFromButton();
    expect(document.activeElement?.textContent?.trim()).toBe('Cancel');
  });

  it('keeps Tab inside the dialog, both ways', async () => {
    const { q, openFromButton, press } = await render(true);
    await openFromButton();
    expect(press('Tab', true)).toBe(false); // Shift+Tab on the first control: default prevented
    expect(document.activeElement?.textContent?.trim()).toBe('Confirm');
    expect(press('Tab')).toBe(false);
    expect(document.activeElement).toBe(q('#comment'));
  });

  it('cancel returns focus to the opener and confirms nothing', async () => {
    const { fixture, q, dialog, openFromButton } = await render(true);
    await openFromButton();
    q<HTMLButtonElement>('[data-testid="dialog-cancel"]')!.click();
    expect(dialog.open).toBe(false);
    expect(document.activeElement).toBe(q('#opener'));
    expect(fixture.componentInstance.confirmed).toBe(0);
  });

  it('after confirming, focus goes to the heading when the opener is gone', async () => {
    const { fixture, q, dialog, openFromButton } = await render(true);
    await openFromButton();
    fixture.componentInstance.showOpener.set(false); // the alarm went back to normal
    await fixture.whenStable();
    dialog.querySelector('form')!.dispatchEvent(new Event('submit', { cancelable: true }));
    expect(fixture.componentInstance.confirmed).toBe(1);
    expect(document.activeElement).toBe(q('h2'));
  });

  it('settleFocus moves focus off a control the action disabled', async () => {
    const { fixture, q, openFromButton } = await render(true);
    await openFromButton();
    q<HTMLButtonElement>('[data-testid="dialog-cancel"]')!.click();
    q<HTMLButtonElement>('#opener')!.disabled = true; // jsdom keeps focus on it, browsers do not
    (document.activeElement as HTMLElement).blur();
    fixture.componentInstance.dialog().settleFocus();
    expect(document.activeElement).toBe(q('h2'));
  });

  it('closes as a cancel when the connection drops, so the outage overlay is never hidden', async () => {
    const { fixture, dialog, openFromButton, sockets } = await render(true);
    await openFromButton();
    sockets.last.drop();
    await fixture.whenStable();
    expect(dialog.open).toBe(false);
    expect(fixture.componentInstance.confirmed).toBe(0);
  });
});
