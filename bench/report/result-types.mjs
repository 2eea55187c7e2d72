// @ts-check
/**
 * The shape of one run's results (`results/<date>.json`), shared by the scenarios that produce
 * them and the reports that read them. Types only.
 */

/**
 * @typedef {import('../lib/percentiles.mjs').Distribution} Distribution
 * @typedef {'cryopilot' | 'relay' | 'node-red'} SystemName
 */

/**
 * @typedef {object} Usage CPU and memory of one process over a window
 * @property {number} windowS
 * @property {number} cpuS
 * @property {number} cpuPctOfOneCore
 * @property {number} rssMb
 * @property {number} peakRssMb VmHWM: peak since the process started
 */

/**
 * @typedef {object} WindowRecord one system, one client count, one sample period
 * @property {SystemName} system
 * @property {number} periodMs
 * @property {number} clients
 * @property {number} windowS
 * @property {boolean} footprintWindow
 * @property {Distribution} latencyMs sample → WebSocket client
 * @property {number} samplesPerClient
 * @property {number} missing
 * @property {number} disconnects
 * @property {number} wireBytesPerSamplePerClient
 * @property {number} payloadBytesPerSample
 * @property {Distribution} mqttLatencyMs sample → MQTT subscriber, same window
 * @property {Distribution | null} mqttToWsHopMs peers only
 * @property {Distribution} sampleIntervalDeviationMs |Δts − period| during the window
 * @property {Distribution} connectIntervalDeviationMs the same while the clients connected
 * @property {{ p50: number, p99: number, max: number, samples: number }} loopJitterMs
 * @property {Usage} usage the system's process
 * @property {Usage} serviceUsage the CryoPilot service (the peers' source)
 * @property {number} clockDriftMs
 */

/**
 * @typedef {object} ReactionRecord
 * @property {number} periodMs
 * @property {number} trials
 * @property {string[]} failures
 * @property {Distribution} reactionMs crossing → valve write
 * @property {Distribution} waitForAcquisitionMs crossing → the input read that saw it
 * @property {Distribution} acquisitionToWriteMs that read → the valve write
 * @property {number} goalMs
 * @property {number[]} rawMs
 */

/**
 * @typedef {object} StartupRecord
 * @property {number} periodMs
 * @property {{ firstSampleMs: number, httpReadyMs: number }[]} cryopilot
 * @property {{ firstSampleMs: number }[]} relay
 * @property {{ firstSampleMs: number }[]} node-red
 */

/**
 * @typedef {object} PageRecord
 * @property {string} source
 * @property {{ url: string, rawBytes: number, gzipBytes: number }[]} [resources]
 * @property {number | null} rawBytes
 * @property {number | null} gzipBytes
 * @property {number} [apiBytes]
 * @property {number | null} firstLiveValueMs
 * @property {string} firstLiveValueBy
 * @property {string} [error]
 */

/**
 * @typedef {object} ServiceMemory the service's memory around its own start and the bench's login
 * @property {number} periodMs
 * @property {{ rssMb: number, peakRssMb: number }} httpReady when `/api/health` first answered
 * @property {{ rssMb: number, peakRssMb: number }} afterLogin after one `POST /api/auth/login`
 */

/**
 * @typedef {object} BenchResults
 * @property {string} date
 * @property {boolean} quick
 * @property {string[]} scenarios
 * @property {number[]} periodsMs
 * @property {number} durationS
 * @property {ReturnType<typeof import('./machine.mjs').describeMachine>} machine
 * @property {ReturnType<typeof import('./machine.mjs').describeVersions>} versions
 * @property {WindowRecord[]} windows
 * @property {ServiceMemory[]} serviceMemory
 * @property {ReactionRecord[]} reaction
 * @property {StartupRecord | null} startup
 * @property {PageRecord | null} page
 * @property {import('./goals.mjs').Goal[]} goals
 * @property {string[]} notes
 * @property {number | null} telemetryPointsWritten channel values VictoriaMetrics holds
 */

export {};
