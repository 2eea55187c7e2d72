import {
  afterNextRender,
  Component,
  effect,
  ElementRef,
  inject,
  Injector,
  input,
  output,
  viewChild,
} from '@angular/core';
import { I18n } from '../../core/i18n/i18n';
import { RealtimeState } from '../../core/realtime/realtime-state';
import { firstFocusable, focusables, isFocusable } from './focus';

/**
 * A modal confirmation on the native `<dialog>` (top layer, inert page, screen-reader
 * semantics). On top of what the browser gives, it manages focus the same way every time:
 * - it opens once the host's content for *this* request has rendered, and focuses the first
 *   field (a comment, a reason) or else Cancel, the harmless choice;
 * - Tab and Shift+Tab cycle inside it (Chromium would otherwise let Tab leave for the
 *   browser's own toolbar);
 * - Escape cancels (native `cancel` → `close`, never `confirmed`);
 * - on closing, focus goes back to the control that opened it, or to `fallbackFocus` when
 *   that control is gone or disabled (a Reset button whose alarm went back to normal).
 * It also cancels itself when values stop being live: the connection-lost overlay must not
 * sit under a dialog in the top layer, and no command is ever sent from a stale dialog.
 */
@Component({
  selector: 'app-confirm-dialog',
  template: `
    <dialog
      #dialog
      class="dialog"
      [attr.aria-labelledby]="titleId"
      (close)="closed()"
      (keydown)="trapTab($event)"
    >
      <form method="dialog" (submit)="$event.preventDefault(); confirm()">
        <h2 class="dialog-title" [id]="titleId">{{ title() }}</h2>
        <ng-content />
        <div class="dialog-actions">
          <button type="button" class="btn" data-testid="dialog-cancel" (click)="cancel()">
            {{ i18n.t('common.cancel') }}
          </button>
          <button type="submit" class="btn btn-primary" [disabled]="confirmDisabled()">
            {{ confirmLabel() || i18n.t('common.confirm') }}
          </button>
        </div>
      </form>
    </dialog>
  `,
})
export class ConfirmDialog {
  private static nextId = 0;
  protected readonly i18n = inject(I18n);
  private readonly state = inject(RealtimeState);
  private readonly injector = inject(Injector);
  protected readonly titleId = `confirm-title-${ConfirmDialog.nextId++}`;
  private readonly dialog = viewChild.required<ElementRef<HTMLDialogElement>>('dialog');

  readonly title = input.required<string>();
  readonly confirmLabel = input('');
  readonly confirmDisabled = input(false);
  /** Where focus goes when the opener cannot take it back (removed or disabled). */
  readonly fallbackFocus = input<HTMLElement | null>(null);
  readonly confirmed = output<void>();
  private isConfirming = false;
  private opener: HTMLElement | null = null;

  constructor() {
    // Imperative sink: a lost connection closes the dialog as a cancel (see the class comment).
    effect(() => {
      if (!this.state.isLive() && this.dialog().nativeElement.open) this.cancel();
    });
  }

  /** Shows the dialog modally, once the host's content for this request is on screen. */
  open(): void {
    this.opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    this.isConfirming = false;
    afterNextRender(
      () => {
        const dialog = this.dialog().nativeElement;
        if (dialog.open || !this.state.isLive()) return;
        dialog.showModal();
        const field = dialog.querySelector<HTMLElement>('input, textarea, select');
        (field && isFocusable(field)
          ? field
          : dialog.querySelector<HTMLElement>('[data-testid="dialog-cancel"]')
        )?.focus();
      },
      { injector: this.injector },
    );
  }

  /**
   * Keeps focus somewhere sensible after the host's action: if the opener loses it (removed
   * with its alarm, disabled because the valve is open now), focus goes to `fallbackFocus`.
   * The state change that does it may come before or after the command's answer, so this
   * watches for a few seconds; it stops as soon as the user puts focus elsewhere.
   */
  settleFocus(watchMs = 3000): void {
    const opener = this.opener;
    const deadline = Date.now() + watchMs;
    const check = (): void => {
      const active = document.activeElement;
      if (!active || active === document.body || !isFocusable(active as HTMLElement)) {
        this.restoreFocus();
        return;
      }
      if (active === opener && Date.now() < deadline) setTimeout(check, 100);
    };
    check();
  }

  protected confirm(): void {
    if (this.confirmDisabled()) return;
    this.isConfirming = true;
    this.dialog().nativeElement.close();
  }

  protected cancel(): void {
    this.dialog().nativeElement.close();
  }

  protected closed(): void {
    this.restoreFocus();
    const wasConfirmed = this.isConfirming;
    this.isConfirming = false;
    if (wasConfirmed) this.confirmed.emit();
  }

  /** Keeps Tab inside the dialog: past the last control back to the first, and the reverse. */
  protected trapTab(event: KeyboardEvent): void {
    if (event.key !== 'Tab') return;
    const inside = focusables(this.dialog().nativeElement);
    if (inside.length === 0) return;
    const first = inside[0];
    const last = inside[inside.length - 1];
    const active = document.activeElement;
    if (event.shiftKey && (active === first || !inside.includes(active as HTMLElement))) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && (active === last || !inside.includes(active as HTMLElement))) {
      event.preventDefault();
      first.focus();
    }
  }

  private restoreFocus(): void {
    if (this.dialog().nativeElement.open) return;
    const opener = this.opener;
    const target = opener && isFocusable(opener) ? opener : firstFocusable(this.fallbackFocus());
    target?.focus();
  }
}
