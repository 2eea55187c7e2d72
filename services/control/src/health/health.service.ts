import { Inject, Injectable } from '@nestjs/common';
import type { Health, HealthCheck, LinkState } from '@cryopilot/protocol';
import { Clock } from '../clock/clock';
import { HEALTH_CONFIG, HealthConfig } from '../config/config.slices';
import { ControlView } from '../control/control.facades';
import { MegaindCard } from '../hardware/megaind/megaind-card';
import { LinkRegistry } from '../links/link-registry';
import { DiskSpaceMonitor } from '../storage/disk-space-monitor';

/** `/api/health`: `down` (HTTP 503) when the control loop or the hardware is down. */
@Injectable()
export class HealthService {
  constructor(
    @Inject(HEALTH_CONFIG.token) private readonly config: HealthConfig,
    private readonly clock: Clock,
    private readonly control: ControlView,
    private readonly card: MegaindCard,
    private readonly links: LinkRegistry,
    private readonly disk: DiskSpaceMonitor,
  ) {}

  check(): Health {
    const loop = this.control.health();
    const hardware: HealthCheck = loop.hardwareOk
      ? { status: 'ok' }
      : { status: 'down', detail: this.card.stats().lastError ?? 'card not responding' };
    const ageMs = loop.lastTickWall === null ? Infinity : this.clock.wallMs() - loop.lastTickWall;
    const controlLoop: HealthCheck = loop.dead
      ? { status: 'down', detail: 'control loop stopped after repeated failures' }
      : ageMs > this.config.samplePeriodMs * 3 + 1000
        ? {
            status: 'down',
            detail: loop.started ? `no tick for ${Math.round(ageMs)} ms` : 'starting',
          }
        : { status: 'ok' };
    const links = this.links.snapshot();
    const checks = {
      hardware,
      controlLoop,
      mqtt: linkCheck(links.mqtt),
      telemetry: linkCheck(links.telemetry),
      storage: this.disk.health(),
    };
    const down = hardware.status === 'down' || controlLoop.status === 'down';
    const degraded = [checks.mqtt, checks.telemetry, checks.storage].some(
      (c) => c.status === 'degraded',
    );
    return { status: down ? 'down' : degraded ? 'degraded' : 'ok', checks };
  }
}

function linkCheck(link: LinkState): HealthCheck {
  const detail = link.detail ? { detail: link.detail } : {};
  switch (link.state) {
    case 'connected':
      return { status: 'ok' };
    case 'disabled':
      return { status: 'disabled', ...detail };
    case 'connecting':
    case 'disconnected':
      return { status: 'degraded', detail: link.detail ?? link.state };
  }
}
