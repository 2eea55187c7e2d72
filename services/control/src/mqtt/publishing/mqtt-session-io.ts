import type { CommandResult } from '@cryopilot/protocol';
import type { ReplyAddress } from '../commands/mqtt-command-intake';
import type { MqttConnection } from '../link/mqtt-connection';
import type { StreamRecord } from './mqtt-payloads';
import type { MqttTopics } from './mqtt-topics';
import type { StreamSink } from '../../delivery/store-and-forward';

const QOS1 = { qos: 1, retain: false } as const;

/** The two streams of one session, at QoS 1, not retained (docs/interfaces.md). */
export function streamSinkFor(
  connection: MqttConnection,
  topics: MqttTopics,
): StreamSink<StreamRecord> {
  return {
    send: (record, replayed) =>
      connection.publish(
        topics.streamTopic(record.kind),
        JSON.stringify(record.body),
        // MQTT 5 subscribers can tell a record replayed from the outbox from a live one.
        { ...QOS1, ...(replayed ? { userProperties: { replayed: 'true' } } : {}) },
      ),
  };
}

/**
 * Publishes a command result on `cmd/result` and, with MQTT 5, on the requester's response
 * topic with its correlation data — unless that topic is inside our own topics (a requester
 * must never make the service overwrite its state or discovery). Problems go to `warn`.
 */
export function publishCommandResult(
  connection: MqttConnection,
  topics: MqttTopics,
  result: CommandResult,
  replyTo: ReplyAddress,
  warn: (message: string) => void,
): void {
  const payload = JSON.stringify(result);
  const report = (error: unknown) =>
    warn(
      `command result ${result.id} not delivered: ${error instanceof Error ? error.message : String(error)}`,
    );
  connection.publish(topics.commandResult, payload, QOS1).catch(report);
  const responseTopic = replyTo.responseTopic;
  if (connection.protocolVersion !== 5 || responseTopic === undefined) return;
  if (!topics.isAllowedResponseTopic(responseTopic)) {
    warn(`response topic refused (inside our own topics or invalid): ${responseTopic}`);
    return;
  }
  const correlation = replyTo.correlationData ? { correlationData: replyTo.correlationData } : {};
  connection.publish(responseTopic, payload, { ...QOS1, ...correlation }).catch(report);
}

/**
 * The inputs of a session: `cmd/+` and Home Assistant's status. QoS 0 on purpose: a broker
 * never queues QoS 0 messages for an offline session, so no command can be delivered late
 * after an outage (results are still published at QoS 1). MQTT 5: no echo of our own
 * `cmd/result`, no retained messages at subscription.
 */
export function subscribeInputs(connection: MqttConnection, topics: MqttTopics): Promise<void> {
  const haStatus = topics.homeAssistantStatus;
  return connection.subscribe([
    {
      topic: topics.commandFilter,
      qos: 0,
      noLocal: true,
      skipRetained: true,
      retainAsPublished: true,
    },
    ...(haStatus ? [{ topic: haStatus, qos: 0 as const, skipRetained: true }] : []),
  ]);
}

/**
 * Ends a session on shutdown: `offline` (retained) first — a clean DISCONNECT discards the
 * last will, so nobody else would say it — then DISCONNECT. Each step waits at most `stepMs`.
 */
export async function endSessionGracefully(
  connection: MqttConnection,
  topics: MqttTopics,
  stepMs: number,
  warn: (message: string) => void,
): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no acknowledgement within ${stepMs} ms`)), stepMs);
  });
  await Promise.race([
    connection.publish(topics.status, 'offline', { qos: 1, retain: true }),
    timeout,
  ])
    .catch((error: unknown) =>
      warn(`could not publish offline: ${error instanceof Error ? error.message : String(error)}`),
    )
    .finally(() => clearTimeout(timer));
  await connection.close(true, stepMs);
}
