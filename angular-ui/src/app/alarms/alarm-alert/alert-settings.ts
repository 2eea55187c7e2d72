import { Injectable, signal } from '@angular/core';

const MUTE_KEY = 'cryopilot.muted';
const NOTIFY_KEY = 'cryopilot.notifications';

/** The browser's notification permission, or `unsupported` (no Notification API). */
export type NotificationAccess = NotificationPermission | 'unsupported';

/**
 * This browser's alert choices, remembered in it: sound (on unless muted) and system
 * notifications (off until the user turns them on; the permission is asked only then, on
 * that click — browsers refuse or penalise a request without a user gesture).
 */
@Injectable({ providedIn: 'root' })
export class AlertSettings {
  readonly muted = signal(read(MUTE_KEY) === 'true');
  readonly notifications = signal(read(NOTIFY_KEY) === 'true' && access() === 'granted');
  readonly access = signal<NotificationAccess>(access());

  toggleMute(): void {
    this.muted.update((m) => !m);
    write(MUTE_KEY, String(this.muted()));
  }

  /** Turns notifications on (asking the permission, from the click that calls it) or off. */
  async toggleNotifications(): Promise<void> {
    if (this.notifications()) {
      this.notifications.set(false);
      write(NOTIFY_KEY, 'false');
      return;
    }
    if (access() === 'unsupported') return;
    const permission =
      Notification.permission === 'default'
        ? await Notification.requestPermission()
        : Notification.permission;
    this.access.set(permission);
    this.notifications.set(permission === 'granted');
    write(NOTIFY_KEY, String(permission === 'granted'));
  }
}

function access(): NotificationAccess {
  return typeof Notification === 'undefined' ? 'unsupported' : Notification.permission;
}

function read(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    // Storage disabled: the defaults (sound on, no notifications).
    return null;
  }
}

function write(key: string, value: string): void {
  try {
    localStorage.setItem(key, value);
  } catch {
    // Storage disabled: the choice lasts for this page only.
  }
}
