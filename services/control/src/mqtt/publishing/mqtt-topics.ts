/**
 * Every MQTT topic the service uses, in one place (docs/interfaces.md, MQTT section).
 *
 * Under the base topic `cryopilot/<deviceId>` (configurable):
 * - `status` (retained): `online` / `offline` (birth and last will);
 * - `channels/<id>/state`, `valve/state`, `alarms/state` (retained);
 * - `alarms/events`, `fills/events`, `telemetry` (streams, not retained);
 * - `cmd/<name>` (subscribed) and `cmd/result`.
 * Home Assistant discovery lives under its own prefix (`homeassistant` by default).
 */
export class MqttTopics {
  readonly status: string;
  readonly valveState: string;
  readonly alarmsState: string;
  readonly alarmEvents: string;
  readonly fillEvents: string;
  readonly telemetry: string;
  readonly commandResult: string;
  /** Subscription filter for commands: one level, so `cmd/a/b` is never a command. */
  readonly commandFilter: string;
  private readonly commandPrefix: string;

  constructor(
    readonly base: string,
    /** Home Assistant discovery prefix; empty when discovery is disabled. */
    readonly discoveryPrefix: string,
  ) {
    this.status = `${base}/status`;
    this.valveState = `${base}/valve/state`;
    this.alarmsState = `${base}/alarms/state`;
    this.alarmEvents = `${base}/alarms/events`;
    this.fillEvents = `${base}/fills/events`;
    this.telemetry = `${base}/telemetry`;
    this.commandPrefix = `${base}/cmd/`;
    this.commandResult = `${this.commandPrefix}result`;
    this.commandFilter = `${this.commandPrefix}+`;
  }

  /** The topic of a stream record's kind (the outbox keeps kinds, not topics). */
  streamTopic(kind: 'telemetry' | 'alarm-event' | 'fill-event'): string {
    if (kind === 'telemetry') return this.telemetry;
    return kind === 'alarm-event' ? this.alarmEvents : this.fillEvents;
  }

  channelState(channelId: string): string {
    return `${this.base}/channels/${channelId}/state`;
  }

  /** `…/cmd/<name>`: where a command is sent. */
  command(name: string): string {
    return `${this.commandPrefix}${name}`;
  }

  /** Where Home Assistant announces `online` after it (re)starts; null without discovery. */
  get homeAssistantStatus(): string | null {
    return this.discoveryPrefix ? `${this.discoveryPrefix}/status` : null;
  }

  /** `<prefix>/<component>/<nodeId>/<objectId>/config` (Home Assistant's discovery layout). */
  discoveryConfig(component: string, nodeId: string, objectId: string): string {
    return `${this.discoveryPrefix}/${component}/${nodeId}/${objectId}/config`;
  }

  /**
   * The command name of a `cmd/<name>` topic, or null when the topic is not a command: other
   * topics, and our own `cmd/result` (which a `cmd/+` subscription also matches).
   */
  commandName(topic: string): string | null {
    if (!topic.startsWith(this.commandPrefix)) return null;
    const name = topic.slice(this.commandPrefix.length);
    if (name === '' || name.includes('/') || topic === this.commandResult) return null;
    return name;
  }

  /**
   * Whether a result may be published on a requester's MQTT 5 response topic: a plain topic
   * (no wildcards, not a `$` system topic) outside our own base topic and the discovery
   * prefix, so that a requester can never make the service overwrite its own state, status
   * or discovery topics.
   */
  isAllowedResponseTopic(topic: string): boolean {
    if (topic.length === 0 || topic.length > 1024) return false;
    if (/[#+]/.test(topic) || topic.includes('\0') || topic.startsWith('$')) return false;
    if (isUnder(topic, this.base)) return false;
    return !(this.discoveryPrefix && isUnder(topic, this.discoveryPrefix));
  }
}

function isUnder(topic: string, prefix: string): boolean {
  return topic === prefix || topic.startsWith(`${prefix}/`);
}

/** The base topic: configured, or `cryopilot/<deviceId>`. */
export function baseTopicFor(deviceId: string, configured: string | undefined): string {
  return configured ?? `cryopilot/${deviceId}`;
}
