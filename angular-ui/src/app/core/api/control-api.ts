import { Injectable } from '@angular/core';
import type {
  AuditRecord,
  Consumption,
  FillsResponse,
  SensorMaintenance,
  SessionInfo,
  Trend,
} from '@cryopilot/protocol';

/** An HTTP failure with the service's error code (`{ok:false, error:{code, message}}`). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface Diagnostics {
  readonly deviceId: string;
  readonly hardware: {
    readonly driver: string;
    readonly address: string;
    readonly firmware: string | null;
    readonly cpuTempC: number | null;
    readonly supplyV: number | null;
    readonly pi5vV: number | null;
    readonly diagnosticsTs: string | null;
    readonly i2c: Record<string, number>;
    readonly watchdog: {
      readonly enabled: boolean;
      readonly periodS: number;
      readonly reloads: number;
    };
  };
  readonly controlLoop: {
    readonly periodMs: number;
    readonly ticks: number;
    readonly consecutiveFailures: number;
    readonly dead: boolean;
    readonly jitterMs: { readonly p50: number; readonly p99: number; readonly max: number };
  };
  readonly links: Record<
    string,
    { readonly state: string; readonly since: string; readonly detail?: string }
  >;
  readonly disk: {
    readonly path: string;
    readonly freeMb?: number;
    readonly totalMb?: number;
    readonly error?: string;
  };
  readonly process: { readonly uptimeS: number; readonly rssMb: number; readonly node: string };
}

/** The HTTP side of the service: login, history, audit, diagnostics. */
/** A wall display's key as the admin sees it (never the key itself). */
export interface DisplayKeyInfo {
  readonly name: string;
  readonly createdAt: string;
  readonly createdBy: string;
}

@Injectable({ providedIn: 'root' })
export class ControlApi {
  login(username: string, password: string): Promise<SessionInfo> {
    return this.request('POST', '/api/auth/login', { username, password });
  }

  logout(): Promise<unknown> {
    return this.request('POST', '/api/auth/logout');
  }

  /** A wall display signs in with its key (read-only); 401 when the key is unknown or revoked. */
  displayLogin(key: string): Promise<SessionInfo> {
    return this.request('POST', '/api/auth/display', { key });
  }

  displayKeys(): Promise<{ keys: DisplayKeyInfo[] }> {
    return this.request('GET', '/api/auth/display-keys');
  }

  /** A new display key: in this answer only. */
  createDisplayKey(name: string): Promise<{ name: string; key: string }> {
    return this.request('POST', '/api/auth/display-keys', { name });
  }

  removeDisplayKey(name: string): Promise<{ ok: true }> {
    return this.request('DELETE', `/api/auth/display-keys/${encodeURIComponent(name)}`);
  }

  /** The current session; rejects with status 401 without one. */
  session(): Promise<SessionInfo> {
    return this.request('GET', '/api/auth/session');
  }

  trend(minutes: number): Promise<Trend> {
    return this.request('GET', `/api/trend?minutes=${minutes}`);
  }

  audit(limit: number): Promise<AuditRecord[]> {
    return this.request('GET', `/api/audit?limit=${limit}`);
  }

  fills(limit: number): Promise<FillsResponse> {
    return this.request('GET', `/api/fills?limit=${limit}`);
  }

  consumption(): Promise<Consumption> {
    return this.request('GET', '/api/consumption');
  }

  sensorMaintenance(sensorId: string): Promise<SensorMaintenance> {
    return this.request('GET', `/api/sensors/${encodeURIComponent(sensorId)}/maintenance`);
  }

  diagnostics(): Promise<Diagnostics> {
    return this.request('GET', '/api/diagnostics');
  }

  private async request<T>(
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    body?: unknown,
  ): Promise<T> {
    const response = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const payload: unknown = await response.json().catch(() => null);
    if (!response.ok) {
      // Commands answer {error: {code, message}}; other routes Nest's {message}.
      const body = payload as {
        error?: { code?: string; message?: string };
        message?: unknown;
      } | null;
      const message =
        body?.error?.message ?? (typeof body?.message === 'string' ? body.message : null);
      throw new ApiError(
        response.status,
        body?.error?.code ?? 'error',
        message ?? `HTTP ${response.status}`,
      );
    }
    return payload as T;
  }
}
