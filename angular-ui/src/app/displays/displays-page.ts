import { Component, inject, OnInit, signal, viewChild } from '@angular/core';
import { ControlApi, DisplayKeyInfo } from '../core/api/control-api';
import { I18n } from '../core/i18n/i18n';
import { ConfirmDialog } from '../shared/confirm-dialog/confirm-dialog';
import { requestFailureText } from '../shared/service-text';

/**
 * Wall displays (admins): create a display link (its key is shown once, the service keeps a
 * hash), list them, revoke one (its screen is signed out at once).
 */
@Component({
  selector: 'app-displays-page',
  imports: [ConfirmDialog],
  template: `
    <section class="panel">
      <h1 class="panel-title" tabindex="-1" #heading>{{ i18n.t('displays.title') }}</h1>
      <p>{{ i18n.t('displays.intro') }}</p>
      <form class="create" (submit)="$event.preventDefault(); create()">
        <label class="field">
          <span>{{ i18n.t('displays.name') }}</span>
          <input
            name="name"
            autocomplete="off"
            maxlength="32"
            pattern="[A-Za-z0-9_\\-]{1,32}"
            required
            [value]="name()"
            (input)="name.set($any($event.target).value)"
          />
        </label>
        <button type="submit" class="btn btn-primary" [disabled]="!name().trim() || busy()">
          {{ i18n.t('displays.create') }}
        </button>
      </form>
      @if (link(); as url) {
        <div class="link" role="status">
          <p>{{ i18n.t('displays.link') }}</p>
          <code data-testid="display-link">{{ url }}</code>
          <button type="button" class="btn btn-small" (click)="copy(url)">
            {{ copied() ? i18n.t('displays.copied') : i18n.t('displays.copy') }}
          </button>
        </div>
      }
      @if (error()) {
        <p class="error" role="alert">{{ error() }}</p>
      }
      <ul class="keys">
        @for (display of keys(); track display.name) {
          <li>
            <strong>{{ display.name }}</strong>
            <span class="meta">{{
              i18n.t('displays.created', {
                time: display.createdAt.slice(0, 10) + ' ' + i18n.time(display.createdAt),
                user: display.createdBy,
              })
            }}</span>
            <button type="button" class="btn btn-small" (click)="askRevoke(display.name)">
              {{ i18n.t('displays.revoke') }}
            </button>
          </li>
        } @empty {
          <li class="meta">{{ i18n.t('displays.none') }}</li>
        }
      </ul>
    </section>
    <app-confirm-dialog
      [fallbackFocus]="heading"
      [title]="i18n.t('displays.confirmRevoke', { name: revoking() ?? '' })"
      [confirmLabel]="i18n.t('displays.revoke')"
      (confirmed)="revoke()"
    />
  `,
  styles: `
    .create {
      display: flex;
      flex-wrap: wrap;
      gap: 0.75rem;
      align-items: end;
      margin-bottom: 1rem;
    }
    .link {
      display: grid;
      gap: 0.5rem;
      margin-bottom: 1rem;
    }
    .link code {
      overflow-wrap: anywhere;
      padding: 0.5rem;
      background: var(--muted-bg);
      border-radius: 4px;
    }
    .keys {
      list-style: none;
      padding: 0;
      display: grid;
      gap: 0.5rem;
    }
    .keys li {
      display: flex;
      flex-wrap: wrap;
      gap: 0.75rem;
      align-items: center;
    }
    .meta {
      color: var(--ink-2);
    }
  `,
})
export class DisplaysPage implements OnInit {
  protected readonly i18n = inject(I18n);
  private readonly api = inject(ControlApi);
  private readonly dialog = viewChild.required(ConfirmDialog);

  protected readonly keys = signal<DisplayKeyInfo[]>([]);
  protected readonly name = signal('');
  protected readonly link = signal<string | null>(null);
  protected readonly copied = signal(false);
  protected readonly error = signal('');
  protected readonly busy = signal(false);
  protected readonly revoking = signal<string | null>(null);

  ngOnInit(): void {
    void this.load();
  }

  protected async create(): Promise<void> {
    this.busy.set(true);
    this.error.set('');
    try {
      const { key } = await this.api.createDisplayKey(this.name().trim());
      // The key rides in the fragment: never sent to a server, dropped from the address bar.
      this.link.set(`${location.origin}/display#key=${key}`);
      this.copied.set(false);
      this.name.set('');
      await this.load();
    } catch (error) {
      this.fail(error);
    } finally {
      this.busy.set(false);
    }
  }

  protected async copy(url: string): Promise<void> {
    await navigator.clipboard?.writeText(url).then(
      () => this.copied.set(true),
      () => undefined,
    );
  }

  protected askRevoke(name: string): void {
    this.revoking.set(name);
    this.dialog().open();
  }

  protected async revoke(): Promise<void> {
    const name = this.revoking();
    if (name === null) return;
    try {
      await this.api.removeDisplayKey(name);
      await this.load();
    } catch (error) {
      this.fail(error);
    }
    // Its Revoke button went with it: focus goes to the page heading, not to nowhere.
    this.dialog().settleFocus();
  }

  private async load(): Promise<void> {
    try {
      this.keys.set((await this.api.displayKeys()).keys);
    } catch (error) {
      this.fail(error);
    }
  }

  private fail(error: unknown): void {
    this.error.set(
      this.i18n.t('displays.failed', { message: requestFailureText(this.i18n, error) }),
    );
  }
}
