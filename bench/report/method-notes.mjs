// @ts-check
/** How the figures were obtained, written under every result. */
export const METHOD_NOTES = [
  'All processes run on one machine, one system at a time; the CryoPilot service (simulated HAT, external Mosquitto, telemetry to VictoriaMetrics on `/api/v2/write`) runs throughout, because it is also the peers’ data source.',
  'Latency = receive time in a Node `ws` client − the sample’s acquisition `ts` (ISO, 1 ms resolution: latencies carry up to 1 ms of truncation, the same for all three systems). The client clock is the real-time clock with µs resolution, re-anchored to `Date.now()` before and after each window.',
  'For the peers the sample time is the telemetry `ts` the service stamped, so their figures include the service’s acquisition → MQTT publish → Mosquitto path; "hop" isolates the peer’s own MQTT → WebSocket time.',
  'Bare relay: `bench/peers/bare-relay.mjs` (MQTT.js subscribe, forward every message to every `ws` client). Node-RED: headless, `bench/peers/node-red/flow.json` (mqtt in, auto-detect payload → websocket out), editor and admin API disabled.',
  'B/sample/client = TCP bytes received by a client during the window ÷ samples it received (frames, headers and any other messages included).',
  'missed = samples of the window’s seq range a client did not receive (lost, or conflated for a slow client).',
  'Reaction: manual open, wait a random part of a period, O2 sensor 1 stepped to 15 %vol through `/api/sim/scenario`; the step and the closing write in the card’s register file are timestamped inside the service by `bench/probes/register-probe.mjs` (preloaded with `node --import`, no service code changed).',
  'Footprint: utime + stime and VmHWM (peak RSS since the process started) from `/proc/<pid>/stat` and `/proc/<pid>/status`, over the fixed window.',
  'Start-up: from spawn to the first sample published (MQTT for CryoPilot, forwarded to a WebSocket client for the peers); includes waiting for the next sample (up to one period).',
  'Page: every non-API response of loading `/` in headless Chromium (`/usr/bin/chromium`), raw and gzip -6 per resource; the time to first live value runs from navigation start.',
];
