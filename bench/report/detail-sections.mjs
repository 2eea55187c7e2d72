// @ts-check
import { formatBytes } from '../lib/rates.mjs';
import { fmt } from './format-numbers.mjs';
import { markdownTable } from './markdown-table.mjs';
import { n, SYSTEM_LABEL } from './report-format.mjs';

/**
 * The detailed sections of the Markdown report, below the summary that the README shows. Pure.
 */

/** @typedef {import('./result-types.mjs').WindowRecord} WindowRecord */

/** @param {WindowRecord[]} windows */
export function mqttSection(windows) {
  const own = windows.filter((w) => w.system === 'cryopilot');
  if (own.length === 0) return [];
  return [
    '## Sample → MQTT subscriber latency (ms)',
    '',
    'Service → Mosquitto → a subscriber on `cryopilot/<id>/telemetry`, measured during the',
    'CryoPilot windows.',
    '',
    markdownTable(
      ['period', 'clients on WS', 'p50', 'p95', 'p99', 'max', 'messages'],
      own.map((w) => [
        w.periodMs,
        w.clients,
        n(w.mqttLatencyMs.p50),
        n(w.mqttLatencyMs.p95),
        n(w.mqttLatencyMs.p99),
        n(w.mqttLatencyMs.max),
        w.mqttLatencyMs.count,
      ]),
      ['right', 'right', 'right', 'right', 'right', 'right', 'right'],
    ),
    '',
  ];
}

/** @param {WindowRecord[]} windows */
export function jitterSection(windows) {
  const own = windows.filter((w) => w.system === 'cryopilot');
  if (own.length === 0) return [];
  return [
    '## Control loop timing under load (ms)',
    '',
    '"tick lateness" is `GET /api/diagnostics` `controlLoop.jitterMs` (last 1000 ticks, read at',
    'the end of the window); "interval error" is the deviation of the interval between two',
    'consecutive samples’ `ts` from the period, over the window’s own samples (1 ms resolution);',
    '"while connecting" is the same while the clients connected and got their snapshots.',
    '',
    markdownTable(
      [
        'period',
        'clients',
        'tick lateness p50',
        'p99',
        'max',
        'interval error p99',
        'max',
        'while connecting max',
      ],
      own.map((w) => [
        w.periodMs,
        w.clients,
        fmt(w.loopJitterMs.p50, ''),
        fmt(w.loopJitterMs.p99, ''),
        fmt(w.loopJitterMs.max, ''),
        n(w.sampleIntervalDeviationMs.p99),
        n(w.sampleIntervalDeviationMs.max),
        n(w.connectIntervalDeviationMs.max),
      ]),
      ['right', 'right', 'right', 'right', 'right', 'right', 'right', 'right'],
    ),
    '',
  ];
}

/** @param {import('./result-types.mjs').ReactionRecord[]} reaction */
export function reactionSection(reaction) {
  if (reaction.length === 0) return [];
  return [
    '## Reaction time: O2 crossing 18 %vol → valve closed in the card’s registers (ms)',
    '',
    'Split at the input read that saw the crossing: "wait" = crossing → that read (the',
    'acquisition phase, up to one period), "loop" = that read → the closing register write.',
    '',
    markdownTable(
      [
        'period',
        'trials',
        'p50',
        'p95',
        'max',
        'goal',
        'wait max',
        'loop p50',
        'loop max',
        'failed',
      ],
      reaction.map((x) => [
        x.periodMs,
        x.reactionMs.count,
        n(x.reactionMs.p50),
        n(x.reactionMs.p95),
        n(x.reactionMs.max),
        `≤ ${x.goalMs}`,
        n(x.waitForAcquisitionMs.max),
        n(x.acquisitionToWriteMs.p50),
        n(x.acquisitionToWriteMs.max),
        x.failures.length,
      ]),
      ['right', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right'],
    ),
    '',
  ];
}

/** @param {WindowRecord[]} windows */
export function footprintSection(windows) {
  const rows = windows.filter((w) => w.footprintWindow);
  if (rows.length === 0) return [];
  const first = rows[0];
  return [
    `## Footprint: ${first.clients} clients, ${first.periodMs} ms period, ${Math.round(first.usage.windowS)} s window`,
    '',
    'CPU time (utime + stime) and VmHWM from `/proc/<pid>`. For the peers, the service still runs',
    '(it is their data source): its own CPU in the same window is shown alongside.',
    '',
    markdownTable(
      ['system', 'CPU s', '% of one core', 'peak RSS MB', 'RSS MB', 'service CPU s'],
      rows.map((w) => [
        SYSTEM_LABEL[w.system],
        w.usage.cpuS,
        w.usage.cpuPctOfOneCore,
        w.usage.peakRssMb,
        w.usage.rssMb,
        w.system === 'cryopilot' ? '—' : w.serviceUsage.cpuS,
      ]),
      ['left', 'right', 'right', 'right', 'right', 'right'],
    ),
    '',
  ];
}

/**
 * @param {import('./result-types.mjs').ServiceMemory[]} memory
 * @param {WindowRecord[]} [windows] for the footprint window's own breakdown
 * @param {string} [serviceStart] how the service was started
 */
export function memorySection(memory, windows = [], serviceStart) {
  if (memory.length === 0) return [];
  /** @type {[string, import('./result-types.mjs').MemoryDetail | null | undefined][]} */
  const moments = [
    ...memory.flatMap(
      (x) =>
        /** @type {[string, import('./result-types.mjs').MemoryDetail | undefined][]} */ ([
          [`${x.periodMs} ms: API ready`, x.readyDetail],
          [`${x.periodMs} ms: after one login`, x.loginDetail],
        ]),
    ),
    ...windows
      .filter((w) => w.footprintWindow && w.memoryDetail)
      .map(
        (w) =>
          /** @type {[string, import('./result-types.mjs').MemoryDetail | null | undefined]} */ ([
            `${w.periodMs} ms: end of the footprint window`,
            w.memoryDetail,
          ]),
      ),
  ];
  const detailed = moments.filter(([, d]) => d);
  return [
    '## Service memory around start-up and login (MB)',
    '',
    'Where the peak RSS comes from: VmHWM right after the API first answers, and after one login.',
    ...(serviceStart ? ['', `Service started as: ${serviceStart}.`] : []),
    '',
    markdownTable(
      ['period', 'RSS at ready', 'peak at ready', 'RSS after login', 'peak after login'],
      memory.map((x) => [
        x.periodMs,
        x.httpReady.rssMb,
        x.httpReady.peakRssMb,
        x.afterLogin.rssMb,
        x.afterLogin.peakRssMb,
      ]),
      ['right', 'right', 'right', 'right', 'right'],
    ),
    '',
    ...(detailed.length
      ? [
          'What the resident memory is made of: file-backed pages (the node binary with V8 and',
          'ICU, shared libraries, native addons) and anonymous ones (V8 heap, malloc, stacks),',
          'from `/proc/<pid>/status`; the V8 heap from `process.memoryUsage()` and the heap',
          'spaces, read by `probes/memory-probe.mjs` inside the service.',
          '',
          markdownTable(
            [
              'moment',
              'RSS',
              'peak',
              'file-backed',
              'anonymous',
              'V8 heap reserved',
              'V8 heap used',
              'young generation',
              'external',
            ],
            detailed.map(([label, d]) => [
              label,
              n(d?.rssMb),
              n(d?.peakRssMb),
              n(d?.rssFileMb),
              n(d?.rssAnonMb),
              n(d?.heapTotalMb),
              n(d?.heapUsedMb),
              n(d?.newSpaceMb),
              n(d?.externalMb),
            ]),
            ['left', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right'],
          ),
          '',
        ]
      : []),
  ];
}

/** @param {import('./result-types.mjs').CpuRecord[]} cpu */
export function cpuSection(cpu) {
  if (cpu.length === 0) return [];
  return [
    `## CPU per hour and per sample (${cpu[0].clients} WebSocket clients, untraced window)`,
    '',
    'utime + stime of each system’s processes (its own and those it started); "samples" = telemetry messages the service',
    'published in the window (seen by an MQTT subscriber). For the peers, the service (their',
    'source) ran too: its CPU in the same window is alongside.',
    '',
    markdownTable(
      [
        'period',
        'system',
        'window s',
        'samples',
        'CPU s',
        'CPU s/hour',
        'CPU ms/sample',
        'service CPU s',
      ],
      cpu.map((c) => [
        c.periodMs,
        SYSTEM_LABEL[c.system],
        c.windowS,
        c.samples,
        c.cpuS,
        c.cpuSPerHour,
        n(c.cpuMsPerSample),
        c.system === 'cryopilot' ? '—' : c.serviceCpuS,
      ]),
      ['right', 'left', 'right', 'right', 'right', 'right', 'right', 'right'],
    ),
    '',
  ];
}

/** @param {import('./result-types.mjs').StorageRecord[]} storage */
export function storageSection(storage) {
  if (storage.length === 0) return [];
  const first = storage[0];
  const errors = storage.filter((s) => s.straceError);
  return [
    `## Storage writes (${first.periodMs} ms period, ${first.clients} clients, MQTT and telemetry up)`,
    '',
    '`write_bytes` of `/proc/<pid>/io` (all threads) over the whole window, scaled to a day;',
    '"dropped" = `cancelled_write_bytes` (dirtied, then truncated or removed before writeback).',
    'System calls from `strace -c -f -p <pid>` over the traced part only (fsync + fdatasync,',
    'rename/renameat/renameat2, open/openat/creat, unlink/unlinkat).',
    '',
    markdownTable(
      [
        'system',
        'window s',
        'written',
        'dropped',
        'per day',
        'traced s',
        'fsync',
        'fdatasync',
        'rename',
        'open',
        'unlink',
        'fsyncs/min',
        'renames/min',
        'opens/min',
      ],
      storage.map((s) => [
        SYSTEM_LABEL[s.system],
        s.windowS,
        formatBytes(s.writeBytes),
        formatBytes(s.cancelledWriteBytes),
        s.unmeasurable ? 'n/a (tmpfs)' : formatBytes(s.bytesPerDay),
        n(s.strace?.windowS),
        n(s.strace?.calls.fsync),
        n(s.strace?.calls.fdatasync),
        n(s.strace?.calls.rename),
        n(s.strace?.calls.open),
        n(s.strace?.calls.unlink),
        n(s.strace?.fsyncsPerMin),
        n(s.strace?.renamesPerMin),
        n(s.strace?.opensPerMin),
      ]),
      ['left', ...Array(13).fill('right')],
    ),
    '',
    ...errors.map((s) => `No system call counts for ${SYSTEM_LABEL[s.system]}: ${s.straceError}.`),
    ...(errors.length ? [''] : []),
  ];
}

/** @param {import('./result-types.mjs').StartupRecord | null} startup */
export function startupSection(startup) {
  if (!startup) return [];
  /** @param {{ firstSampleMs: number }[]} runs */
  const list = (runs) => runs.map((s) => s.firstSampleMs).join(', ');
  return [
    `## Start-up to first published sample (ms, ${startup.periodMs} ms period)`,
    '',
    markdownTable(
      ['system', 'runs (ms)', 'what counts as the first sample'],
      [
        [
          'CryoPilot',
          list(startup.cryopilot),
          'first telemetry on MQTT after spawn (HTTP ready: ' +
            startup.cryopilot.map((s) => s.httpReadyMs).join(', ') +
            ' ms)',
        ],
        [
          'bare relay',
          list(startup.relay),
          'first sample forwarded to a WebSocket client after spawn',
        ],
        [
          'Node-RED',
          list(startup['node-red']),
          'first sample forwarded to a WebSocket client after spawn',
        ],
      ],
    ),
    '',
  ];
}

/** @param {import('./result-types.mjs').PageRecord | null} page */
export function pageSection(page) {
  if (!page) return [];
  return [
    '## Operator page',
    '',
    `Source: ${page.source}. ${page.error ? `Error: ${page.error}.` : ''}`,
    ...(page.incomplete?.length
      ? ['', `Incomplete load, the bytes undercount the page: ${page.incomplete.join('; ')}.`]
      : []),
    '',
    'transferred = bytes Chromium received for the page’s own resources (DevTools protocol',
    '`encodedDataLength`: headers and body as sent); raw = decoded bodies; gzip = the bodies',
    'through gzip -6 here, for comparison only.' +
      (page.acceptEncoding ? ` Chromium sent Accept-Encoding: ${page.acceptEncoding}.` : ''),
    ...(page.serviceWorker
      ? [
          `Its service worker fetched ${n(page.serviceWorker.bytes)} bytes more on its own ` +
            `(${page.serviceWorker.requests} requests while it installed` +
            (page.serviceWorker.cacheMisses
              ? `; ${page.serviceWorker.cacheMisses} lookups in the browser's cache only, ` +
                'which missed and cost nothing'
              : '') +
            `): a first visit costs ` +
            `${n((page.transferredBytes ?? 0) + page.serviceWorker.bytes)} bytes.`,
        ]
      : []),
    ...(page.httpsEquivalent
      ? [
          `The same requests with the Accept-Encoding Chromium sends over HTTPS (as on the Pi),`,
          `\`${page.httpsEquivalent.acceptEncoding}\`: ${n(page.httpsEquivalent.transferredBytes)} bytes.`,
        ]
      : []),
    '',
    markdownTable(
      ['transferred bytes', 'raw bytes', 'gzip bytes', 'first live value (ms)', 'measured by'],
      [
        [
          n(page.transferredBytes),
          n(page.rawBytes),
          n(page.gzipBytes),
          n(page.firstLiveValueMs),
          page.firstLiveValueBy ?? 'n/a',
        ],
      ],
      ['right', 'right', 'right', 'right', 'left'],
    ),
    '',
    ...(page.resources?.length
      ? [
          markdownTable(
            ['resource', 'encoding', 'transferred', 'raw', 'gzip -6'],
            page.resources.map((res) => [
              res.url,
              res.encoding ?? '—',
              n(res.transferredBytes),
              n(res.rawBytes),
              n(res.gzipBytes),
            ]),
            ['left', 'left', 'right', 'right', 'right'],
          ),
          '',
        ]
      : []),
  ];
}
