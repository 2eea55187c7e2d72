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
 * @property {MemoryDetail | null} [memoryDetail] CryoPilot's footprint window: memory at its end
 */

/**
 * @typedef {import('../systems/memory-detail.mjs').MemoryDetail} MemoryDetail
 */

/**
 * @typedef {object} CpuRecord one system's CPU over an untraced window at one period
 * @property {SystemName} system
 * @property {number} periodMs
 * @property {number} clients
 * @property {number} windowS
 * @property {number} samples samples the service published in the window (seen on MQTT)
 * @property {number} cpuS the system's process
 * @property {number} cpuSPerHour
 * @property {number | null} cpuMsPerSample
 * @property {number} serviceCpuS the CryoPilot service in the same window (the peers' source)
 */

/**
 * @typedef {object} StorageRecord one system's storage traffic at one period, all links up
 * @property {SystemName} system
 * @property {number} periodMs
 * @property {number} clients
 * @property {number} windowS over which the bytes were counted
 * @property {number} writeBytes `/proc/<pid>/io` write_bytes over the window
 * @property {number} cancelledWriteBytes dirtied, then dropped before writeback
 * @property {number} bytesPerDay write_bytes scaled to a day
 * @property {string | null} unmeasurable why the bytes mean nothing here (data on tmpfs)
 * @property {StraceRecord | null} strace
 * @property {string | null} straceError why there are no syscall counts
 */

/**
 * @typedef {object} StraceRecord storage-related system calls, all threads (`strace -c -f`)
 * @property {number} windowS the traced part of the window
 * @property {import('../lib/strace-summary.mjs').StorageCalls} calls
 * @property {number} fsyncsPerMin fsync + fdatasync per minute
 * @property {number} renamesPerMin
 * @property {number} opensPerMin
 * @property {number} totalCalls every system call in the traced window
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
 * @typedef {object} PageResource one response of loading the page
 * @property {string} url path
 * @property {number | null} rawBytes decoded body (null when the body could not be read)
 * @property {number | null} gzipBytes the body through gzip -6 here (for comparison only)
 * @property {number | null} [transferredBytes] received by Chromium: headers + encoded body
 * @property {string | null} [encoding] its Content-Encoding
 */

/**
 * @typedef {object} PageRecord
 * @property {string} source
 * @property {PageResource[]} [resources]
 * @property {number | null} rawBytes
 * @property {number | null} gzipBytes
 * @property {number | null} [transferredBytes] what Chromium received for the page (CDP
 *   `Network.loadingFinished` encodedDataLength: response headers + body as sent)
 * @property {string[]} [incomplete] page loads that failed, erred or never finished: when any,
 *   transferredBytes undercounts the page
 * @property {string | null} [acceptEncoding] the Accept-Encoding Chromium sent
 * @property {{ acceptEncoding: string, transferredBytes: number } | null} [httpsEquivalent]
 *   the same requests with the Accept-Encoding Chromium sends over HTTPS (as on the Pi)
 * @property {{ bytes: number, requests: number, cacheMisses?: number } | null} [serviceWorker]
 *   what the page's service worker fetched on its own while installing (its cache of the
 *   shell): response headers + encoded bodies of its requests, and how many of its
 *   browser-cache-only lookups missed (no network); null when no worker became ready
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
 * @property {MemoryDetail} [readyDetail] the same moment, split (RSS file/anon, V8 heap)
 * @property {MemoryDetail} [loginDetail]
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
 * @property {CpuRecord[]} cpu
 * @property {StorageRecord[]} storage
 * @property {string} [serviceStart] how the service was started (Node/V8 flags, malloc setting)
 * @property {import('./goals.mjs').Goal[]} goals
 * @property {string[]} notes
 * @property {number | null} telemetryPointsWritten channel values VictoriaMetrics holds
 */

export {};
