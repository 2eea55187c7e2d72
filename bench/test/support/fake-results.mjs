// @ts-check
/**
 * A window record with the given latency percentiles and neutral values elsewhere.
 * @param {string} system
 * @param {number} periodMs
 * @param {number} clients
 * @param {{ p50?: number, p95?: number, p99?: number }} latency
 * @returns {import('../../report/result-types.mjs').WindowRecord}
 */
export function fakeWindow(system, periodMs, clients, latency) {
  const dist = { count: 10, p50: 1, p95: 1, p99: 1, max: 1, mean: 1 };
  return {
    system: /** @type {import('../../report/result-types.mjs').SystemName} */ (system),
    periodMs,
    clients,
    windowS: 10,
    footprintWindow: false,
    latencyMs: { ...dist, ...latency },
    samplesPerClient: 10,
    missing: 0,
    disconnects: 0,
    wireBytesPerSamplePerClient: 200,
    payloadBytesPerSample: 190,
    mqttLatencyMs: dist,
    mqttToWsHopMs: null,
    sampleIntervalDeviationMs: dist,
    connectIntervalDeviationMs: dist,
    loopJitterMs: { p50: 0, p99: 1, max: 2, samples: 100 },
    usage: { windowS: 10, cpuS: 1, cpuPctOfOneCore: 10, rssMb: 50, peakRssMb: 60 },
    serviceUsage: { windowS: 10, cpuS: 1, cpuPctOfOneCore: 10, rssMb: 50, peakRssMb: 60 },
    clockDriftMs: 0,
  };
}
