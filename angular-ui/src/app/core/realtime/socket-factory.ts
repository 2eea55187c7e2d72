import { InjectionToken } from '@angular/core';

/** The part of a browser WebSocket the connection uses; tests provide a fake. */
export interface RealtimeSocket {
  readonly readyState: number;
  onopen: ((event: Event) => void) | null;
  onmessage: ((event: MessageEvent<string>) => void) | null;
  onclose: ((event: CloseEvent) => void) | null;
  onerror: ((event: Event) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

export type SocketFactory = (url: string) => RealtimeSocket;

/** Creates the socket; the only place that knows about the browser's WebSocket. */
export const SOCKET_FACTORY = new InjectionToken<SocketFactory>('SOCKET_FACTORY', {
  providedIn: 'root',
  factory: () => (url: string) => new WebSocket(url),
});

/** `ws://host/ws` (or `wss://` behind TLS) of the page's own origin. */
export function defaultRealtimeUrl(location: Pick<Location, 'protocol' | 'host'>): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
}

export const REALTIME_URL = new InjectionToken<string>('REALTIME_URL', {
  providedIn: 'root',
  factory: () => defaultRealtimeUrl(window.location),
});

/** Answers "is my session still valid?" when a connection attempt fails (401 is invisible). */
export type SessionProbe = () => Promise<'valid' | 'invalid' | 'unreachable'>;

export const SESSION_PROBE = new InjectionToken<SessionProbe>('SESSION_PROBE');
