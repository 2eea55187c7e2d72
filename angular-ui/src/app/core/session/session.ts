import { computed, inject, Injectable, signal } from '@angular/core';
import type { SessionInfo } from '@cryopilot/protocol';
import { ApiError, ControlApi } from '../api/control-api';
import { RealtimeConnection } from '../realtime/realtime-connection';
import { RealtimeState } from '../realtime/realtime-state';

/** Who is logged in. Logging in starts the live connection; logging out stops it. */
@Injectable({ providedIn: 'root' })
export class Session {
  private readonly api = inject(ControlApi);
  private readonly connection = inject(RealtimeConnection);
  private readonly state = inject(RealtimeState);
  private readonly userSignal = signal<SessionInfo | null>(null);
  private checked: Promise<boolean> | null = null;

  readonly user = this.userSignal.asReadonly();
  readonly role = computed(() => this.userSignal()?.role ?? null);
  /** The admin pages (audit) are for admins only, as the service's routes are. */
  readonly isAdmin = computed(() => this.role() === 'admin');
  /** A wall display (signed in with a display key): read-only, no navigation. */
  readonly isDisplay = computed(() => this.userSignal()?.user.startsWith('display:') ?? false);

  /**
   * Whether the service lets this user send `command`: the service says so in the session,
   * so the page holds no role rules of its own.
   */
  may(command: string): boolean {
    return this.userSignal()?.commands.includes(command) ?? false;
  }
  /** True when the connection stopped because the session ended (show it on the login page). */
  readonly ended = computed(() => this.connection.state() === 'unauthorized');

  /**
   * Asks the service once whether a session cookie is already valid (page reload). When the
   * service cannot be reached (offline, restarting), the page opens on the session it last
   * had in this tab, behind the connection-lost overlay, and reconnects by itself: a reload
   * must not turn an outage into a sign-in form that cannot work either. The connection asks
   * the service again once it answers, and a session that ended leads to the form then.
   */
  restore(): Promise<boolean> {
    this.checked ??= this.api.session().then(
      (user) => {
        this.start(user);
        return true;
      },
      (error: unknown) => {
        const last = error instanceof ApiError && error.status === 401 ? null : lastSession();
        if (last) this.start(last);
        return last !== null;
      },
    );
    return this.checked;
  }

  async login(username: string, password: string): Promise<void> {
    this.start(await this.api.login(username, password));
  }

  /** A wall display's sign-in with its key; rejects with ApiError 401 for a revoked key. */
  async displayLogin(key: string): Promise<void> {
    this.start(await this.api.displayLogin(key));
  }

  async logout(): Promise<void> {
    this.connection.disconnect();
    this.state.clear();
    this.userSignal.set(null);
    this.checked = null;
    remember(null);
    await this.api.logout().catch(() => undefined); // the cookie may already be gone
  }

  /**
   * For the connection: is the session cookie still good? A 401 is asked again once, a
   * second later, before the page signs out: a service going down or coming up may answer
   * for a moment without its sessions, and a wall screen must not drop to the sign-in form.
   */
  async probe(confirmDelayMs = 1000): Promise<'valid' | 'invalid' | 'unreachable'> {
    let verdict = await this.askSession();
    if (verdict === 'invalid' && confirmDelayMs > 0) {
      await new Promise((resolve) => setTimeout(resolve, confirmDelayMs));
      verdict = await this.askSession();
    }
    if (verdict === 'invalid') {
      remember(null);
      this.userSignal.set(null);
      this.checked = null;
    }
    return verdict;
  }

  private async askSession(): Promise<'valid' | 'invalid' | 'unreachable'> {
    try {
      await this.api.session();
      return 'valid';
    } catch (error) {
      // 401: the session is gone (logged out elsewhere, expired); else unreachable.
      return error instanceof ApiError && error.status === 401 ? 'invalid' : 'unreachable';
    }
  }

  private start(user: SessionInfo): void {
    remember(user);
    this.userSignal.set(user);
    this.connection.connect();
  }
}

const LAST_SESSION_KEY = 'cryopilot.session';

/** The tab's last session (who and which commands; never a secret: the cookie is HttpOnly). */
function remember(user: SessionInfo | null): void {
  try {
    if (user) sessionStorage.setItem(LAST_SESSION_KEY, JSON.stringify(user));
    else sessionStorage.removeItem(LAST_SESSION_KEY);
  } catch {
    // Storage disabled: an offline reload shows the sign-in form.
  }
}

function lastSession(): SessionInfo | null {
  try {
    const stored = JSON.parse(sessionStorage.getItem(LAST_SESSION_KEY) ?? 'null') as unknown;
    return isSessionInfo(stored) ? stored : null;
  } catch {
    return null;
  }
}

function isSessionInfo(value: unknown): value is SessionInfo {
  const v = value as Partial<SessionInfo> | null;
  return (
    typeof v?.user === 'string' &&
    typeof v.role === 'string' &&
    Array.isArray(v.commands) &&
    v.commands.every((c) => typeof c === 'string')
  );
}
