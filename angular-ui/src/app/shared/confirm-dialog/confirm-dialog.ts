import { Component, ElementRef, inject, input, output, viewChild } from '@angular/core';
import { I18n } from '../../core/i18n/i18n';

/**
 * A modal confirmation on the native `<dialog>` (focus trap, Escape and screen-reader
 * semantics come with it). Projected content goes between the title and the buttons.
 */
@Component({
  selector: 'app-confirm-dialog',
  template: `
    <dialog #dialog class="dialog" [attr.aria-labelledby]="titleId" (close)="closed()">
      <form method="dialog" (submit)="$event.preventDefault(); confirm()">
        <h2 class="dialog-title" [id]="titleId">{{ title() }}</h2>
        <ng-content />
        <div class="dialog-actions">
          <button type="button" class="btn" (click)="cancel()">
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
  protected readonly titleId = `confirm-title-${ConfirmDialog.nextId++}`;
  private readonly dialog = viewChild.required<ElementRef<HTMLDialogElement>>('dialog');

  readonly title = input.required<string>();
  readonly confirmLabel = input('');
  readonly confirmDisabled = input(false);
  readonly confirmed = output<void>();
  private isConfirming = false;

  /** Shows the dialog modally. */
  open(): void {
    this.isConfirming = false;
    this.dialog().nativeElement.showModal();
  }

  protected confirm(): void {
    this.isConfirming = true;
    this.dialog().nativeElement.close();
  }

  protected cancel(): void {
    this.dialog().nativeElement.close();
  }

  protected closed(): void {
    if (this.isConfirming) this.confirmed.emit();
    this.isConfirming = false;
  }
}
