// @ts-check
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluateGoals as evaluate } from '../report/goals.mjs';
import { footprintSummary } from '../report/footprint-summary.mjs';
import { memoryReason } from '../report/goal-reasons.mjs';
import { renderMarkdown } from '../report/markdown-report.mjs';
import { markdownTable } from '../report/markdown-table.mjs';
import { replaceBetweenMarkers } from '../report/readme-section.mjs';
import { latencyChartSvg, niceCeiling } from '../report/svg-chart.mjs';
import { formatted } from '../report/write-results.mjs';
import { fakeWindow } from './support/fake-results.mjs';

/**
 * @param {Partial<Parameters<typeof evaluate>[0]>} results
 */
function evaluateGoals(results) {
  return evaluate({
    windows: [],
    serviceMemory: [],
    reaction: [],
    startup: null,
    page: null,
    ...results,
  });
}

describe('goals', () => {
  const windows = [
    fakeWindow('cryopilot', 100, 20, { p99: 4 }),
    fakeWindow('relay', 100, 20, { p99: 5 }),
    fakeWindow('node-red', 100, 20, { p99: 7 }),
    fakeWindow('cryopilot', 100, 200, { p99: 60 }),
  ];
  const goals = evaluateGoals({ windows, reaction: [], startup: null, page: null });

  it('says by how much a goal is missed, against the target as stated', () => {
    const relayGoal = goals.find((g) =>
      g.goal.startsWith('sample→browser p99 at 20 clients (100 ms)'),
    );
    assert.equal(relayGoal?.met, false);
    assert.match(relayGoal?.by ?? '', /0\.50 ms \(\+14 %\) above ½ Node-RED/);
    const fan = goals.find((g) => g.goal.startsWith('200 clients'));
    assert.equal(fan?.met, false);
    assert.match(fan?.by ?? '', /10\.0 ms \(\+20 %\)/);
  });

  it('explains a miss against Node-RED with the peers’ own hop times', () => {
    const hop = (/** @type {number} */ p99) => ({
      count: 9,
      p50: 1,
      p95: 1,
      p99,
      max: p99,
      mean: 1,
    });
    const cp = { ...fakeWindow('cryopilot', 100, 20, { p99: 4 }), mqttLatencyMs: hop(3.9) };
    const relay = { ...fakeWindow('relay', 100, 20, { p99: 5 }), mqttToWsHopMs: hop(2.5) };
    const red = { ...fakeWindow('node-red', 100, 20, { p99: 7 }), mqttToWsHopMs: hop(3) };
    const [goal] = evaluateGoals({ windows: [cp, relay, red] });
    assert.equal(goal.met, false);
    assert.match(
      goal.why ?? '',
      /Node-RED’s own MQTT → WebSocket hop p99 is 3\.00 ms against the bare relay’s 2\.50 ms, .* ½ Node-RED’s p99 is 3\.50 ms, below the bare relay’s own p99 \(5\.00 ms\)/,
    );
    assert.match(goal.why ?? '', /below the sample → MQTT subscriber p99 .* \(3\.90 ms\)/);
  });

  it('marks what the run did not measure as such, never as met', () => {
    for (const prefix of ['service peak RSS', 'storage writes', 'start-up', 'operator page']) {
      assert.equal(goals.find((g) => g.goal.startsWith(prefix))?.met, null, prefix);
    }
  });

  it('checks the reaction bound on the worst trial, and counts failed trials as a miss', () => {
    const dist = { count: 3, p50: 40, p95: 104, p99: 104, max: 104, mean: 50 };
    const ok = {
      periodMs: 100,
      trials: 3,
      failures: [],
      reactionMs: dist,
      waitForAcquisitionMs: dist,
      acquisitionToWriteMs: dist,
      goalMs: 105,
      rawMs: [],
    };
    const [met] = evaluateGoals({ windows: [], reaction: [ok], startup: null, page: null }).filter(
      (g) => g.goal.startsWith('reaction'),
    );
    assert.equal(met.met, true);
    const late = { ...ok, reactionMs: { ...dist, max: 106 } };
    const [missed] = evaluateGoals({
      windows: [],
      reaction: [late],
      startup: null,
      page: null,
    }).filter((g) => g.goal.startsWith('reaction'));
    assert.equal(missed.met, false);
    assert.match(missed.by ?? '', /^1\.00 ms/);
    const failed = { ...ok, failures: ['timeout'] };
    const [withFailure] = evaluateGoals({
      windows: [],
      reaction: [failed],
      startup: null,
      page: null,
    }).filter((g) => g.goal.startsWith('reaction'));
    assert.equal(withFailure.met, false);
    const lateTick = { ...late, waitForAcquisitionMs: { ...dist, max: 105.5 } };
    const [slow] = evaluateGoals({ reaction: [lateTick] }).filter((g) =>
      g.goal.startsWith('reaction'),
    );
    assert.match(slow.why ?? '', /came 106 ms after it — later than one period .*: a late tick/);
  });

  it('compares peak RSS with 120 MB and with Node-RED, start-up with 3 s, the page with 150 kB', () => {
    const footprint = [
      {
        ...fakeWindow('cryopilot', 100, 20, {}),
        footprintWindow: true,
        usage: { ...fakeWindow('x', 0, 0, {}).usage, peakRssMb: 90 },
      },
      {
        ...fakeWindow('node-red', 100, 20, {}),
        footprintWindow: true,
        usage: { ...fakeWindow('x', 0, 0, {}).usage, peakRssMb: 85 },
      },
    ];
    const startup = {
      periodMs: 100,
      cryopilot: [
        { firstSampleMs: 1200, httpReadyMs: 1100 },
        { firstSampleMs: 3100, httpReadyMs: 3000 },
      ],
      relay: [],
      'node-red': [],
    };
    const page = {
      source: 'x',
      rawBytes: 400_000,
      gzipBytes: 149_000,
      firstLiveValueMs: 500,
      firstLiveValueBy: 'DOM',
    };
    const serviceMemory = [
      {
        periodMs: 100,
        httpReady: { rssMb: 60, peakRssMb: 80 },
        afterLogin: { rssMb: 61, peakRssMb: 90 },
      },
    ];
    const g = evaluateGoals({ windows: footprint, serviceMemory, reaction: [], startup, page });
    const rss = g.find((x) => x.goal.startsWith('service peak RSS'));
    assert.equal(rss?.met, false);
    assert.match(rss?.by ?? '', /above Node-RED/);
    assert.match(
      rss?.why ?? '',
      /API first answers RSS is 60\.0 MB \(peak 80\.0 MB\).*transient of up to 29\.0 MB around the login/,
    );
    assert.equal(g.find((x) => x.goal.startsWith('start-up'))?.met, false);
    assert.equal(g.find((x) => x.goal.startsWith('operator page'))?.met, true);
  });
});

describe('memoryReason', () => {
  const cp = /** @type {any} */ ({ usage: { rssMb: 82, peakRssMb: 89 }, memoryDetail: null });
  /** @param {number} loginPeak */
  const memory = (loginPeak) => [
    {
      periodMs: 100,
      httpReady: { rssMb: 80, peakRssMb: 81 },
      afterLogin: { rssMb: 80.5, peakRssMb: loginPeak },
    },
  ];

  it("names the sign-in's few-MB transient as such, not as steady use", () => {
    const why = memoryReason(cp, memory(87.5));
    assert.match(why, /steady use plus a transient of up to 7\.00 MB around the login/);
  });

  it('calls a peak close to RSS steady use', () => {
    assert.match(memoryReason(cp, memory(82)), /the peak is steady use, not a transient/);
  });
});

describe('footprint goals (issue 13)', () => {
  /**
   * @param {Partial<import('../report/result-types.mjs').StorageRecord>} fields
   * @returns {import('../report/result-types.mjs').StorageRecord}
   */
  const storage = (fields) => ({
    system: 'cryopilot',
    periodMs: 500,
    clients: 5,
    windowS: 90,
    writeBytes: 20_000,
    cancelledWriteBytes: 0,
    bytesPerDay: 19_200_000,
    unmeasurable: null,
    strace: {
      windowS: 40,
      calls: { fsync: 2, fdatasync: 0, syncFileRange: 0, rename: 2, open: 4, unlink: 0 },
      fsyncsPerMin: 3,
      renamesPerMin: 3,
      opensPerMin: 6,
      totalCalls: 5000,
    },
    straceError: null,
    ...fields,
  });
  const storageGoal = (/** @type {import('../report/result-types.mjs').StorageRecord[]} */ s) =>
    evaluateGoals({ storage: s }).find((g) => g.goal.startsWith('storage writes'));

  it('holds CryoPilot’s storage writes to 20 MB/day, and says what was written when missed', () => {
    const met = storageGoal([storage({})]);
    assert.equal(met?.met, true);
    assert.match(met?.measured ?? '', /19\.2 MB\/day \(20\.0 kB in 90\.0 s\), 3\.00 fsyncs\/min/);
    const missed = storageGoal([storage({ writeBytes: 846_000, bytesPerDay: 812_160_000 })]);
    assert.equal(missed?.met, false);
    assert.match(missed?.by ?? '', /^792 MB\/day \(\+3961 %\)/);
    assert.match(
      missed?.why ?? '',
      /846 kB written .* 2 fsync, 0 fdatasync, 2 renames, 4 file opens/,
    );
  });

  it('does not call a false zero met: data on tmpfs is not measurable', () => {
    const goal = storageGoal([storage({ writeBytes: 0, bytesPerDay: 0, unmeasurable: 'tmpfs' })]);
    assert.equal(goal?.met, null);
    assert.equal(storageGoal([storage({ system: 'node-red' })])?.met, null);
  });

  it('compares the page with 150 kB as received on the wire, not as computed', () => {
    /** @type {import('../report/result-types.mjs').PageRecord} */
    const page = {
      source: 'x',
      rawBytes: 400_000,
      gzipBytes: 120_000,
      transferredBytes: 151_000,
      acceptEncoding: 'gzip, deflate',
      httpsEquivalent: { acceptEncoding: 'gzip, deflate, br, zstd', transferredBytes: 99_000 },
      firstLiveValueMs: 500,
      firstLiveValueBy: 'DOM',
    };
    const goal = evaluateGoals({ page }).find((g) => g.goal.startsWith('operator page'));
    assert.equal(goal?.met, false);
    assert.match(goal?.measured ?? '', /151\.0 kB received by Chromium .* 99\.0 kB with the/);
    const estimate = evaluateGoals({ page: { ...page, transferredBytes: null } }).find((g) =>
      g.goal.startsWith('operator page'),
    );
    assert.equal(estimate?.met, true);
    assert.match(estimate?.measured ?? '', /computed from the build \(not measured on the wire\)/);
    const broken = evaluateGoals({
      page: { ...page, transferredBytes: 80_000, incomplete: ['/main-OLD.js: HTTP 404'] },
    }).find((g) => g.goal.startsWith('operator page'));
    assert.equal(broken?.met, null, 'an undercount is not a measurement');
    assert.match(
      broken?.measured ?? '',
      /incomplete load \(80\.0 kB received\): \/main-OLD\.js: HTTP 404/,
    );
  });

  it("counts what the page's service worker fetches on its own into a first visit", () => {
    /** @type {import('../report/result-types.mjs').PageRecord} */
    const page = {
      source: 'x',
      rawBytes: 400_000,
      gzipBytes: 120_000,
      transferredBytes: 120_000,
      serviceWorker: { bytes: 40_000, requests: 28 },
      firstLiveValueMs: 500,
      firstLiveValueBy: 'DOM',
    };
    const goal = evaluateGoals({ page }).find((g) => g.goal.startsWith('operator page'));
    assert.equal(goal?.met, false, '120 kB for the page alone would pass');
    assert.match(
      goal?.measured ?? '',
      /^160\.0 kB on a first visit: 120\.0 kB received by the page, 40\.0 kB fetched by its service worker \(28 requests/,
    );
    assert.match(goal?.by ?? '', /10(\.0)? kB/);
    const noWorker = evaluateGoals({ page: { ...page, serviceWorker: null } }).find((g) =>
      g.goal.startsWith('operator page'),
    );
    assert.equal(noWorker?.met, true);
    assert.match(noWorker?.measured ?? '', /120\.0 kB received by Chromium \(no service worker\)/);
  });

  it('puts storage, CPU and peak RSS of each system in one README table', async () => {
    const cpu = ['cryopilot', 'relay', 'node-red'].flatMap((system) =>
      [100, 500].map((periodMs) => ({
        system: /** @type {import('../report/result-types.mjs').SystemName} */ (system),
        periodMs,
        clients: 5,
        windowS: 50,
        samples: 100,
        cpuS: 0.4,
        cpuSPerHour: periodMs === 500 ? 28.8 : 57.6,
        cpuMsPerSample: periodMs === 100 ? 0.8 : 4,
        serviceCpuS: 0.4,
      })),
    );
    const windows = [
      { ...fakeWindow('cryopilot', 100, 20, {}), footprintWindow: true },
      { ...fakeWindow('relay', 100, 20, {}), footprintWindow: true },
    ];
    const lines = footprintSummary({
      windows,
      cpu,
      storage: [storage({}), storage({ system: 'relay', bytesPerDay: 0, strace: null })],
    });
    const table = lines.join('\n').trimEnd();
    assert.match(
      table,
      /\| CryoPilot +\| +19\.2 MB \| +3 \| +3 \| +6 \| +28\.8 \| +0\.8 \| +60 \|/,
    );
    assert.match(table, /\| bare relay +\| +0 B \| +n\/a \|/);
    assert.match(table, /\| Node-RED +\| +n\/a \|/);
    assert.match(table, /CPU s\/hour \(500 ms, 5 clients\)/);
    assert.equal(await formatted(table + '\n', 'markdown'), table + '\n');
  });

  it('renders a whole report with the new sections, formatted as Prettier would', async () => {
    const md = renderMarkdown(
      {
        date: '2026-11-29T00:00:00Z',
        quick: false,
        scenarios: ['storage'],
        periodsMs: [500],
        durationS: 1,
        machine: {
          cpu: 'x',
          cores: 2,
          ramGb: 1,
          os: 'Debian',
          kernel: '6',
          node: 'v20',
          systemsNode: "v24.19.0 (the image's)",
        },
        versions: {
          cryopilot: 'x',
          nodeRed: 'x',
          mqttJs: 'x',
          ws: 'x',
          playwrightCore: 'x',
          mosquitto: 'x',
          victoriaMetrics: 'x',
          chromium: 'x',
        },
        windows: [],
        serviceMemory: [],
        reaction: [],
        startup: null,
        page: null,
        cpu: [],
        storage: [
          storage({}),
          storage({ system: 'node-red', strace: null, straceError: 'ptrace' }),
        ],
        goals: [],
        notes: [],
        telemetryPointsWritten: null,
      },
      'x.svg',
    );
    assert.match(md, /## Storage writes \(500 ms period, 5 clients, MQTT and telemetry up\)/);
    assert.match(md, /No system call counts for Node-RED: ptrace\./);
    assert.match(
      md,
      /Node v20; the service and the peers ran on Node v24\.19\.0 \(the image's\)\./,
    );
    assert.equal((await formatted(md, 'markdown')).trimEnd(), md.trimEnd());
  });
});

describe('markdown tables', () => {
  it('are laid out exactly as Prettier formats them', async () => {
    const table = markdownTable(
      ['period', 'system', 'p99'],
      [
        [100, 'CryoPilot', 4.25],
        [500, 'Node-RED → ws', 'n/a'],
        [100, 'a|b', 1],
      ],
      ['right', 'left', 'right'],
    );
    assert.equal(await formatted(table + '\n', 'markdown'), table + '\n');
  });
});

describe('README section', () => {
  const markers = {
    start: '<!-- s -->',
    end: '<!-- e -->',
    title: 'CryoPilot benchmark — 2026-11-22',
  };

  it('replaces only what is between the markers', () => {
    const readme = '# R\n\nintro\n\n<!-- s -->\nold\n<!-- e -->\n\n## After\n';
    const latest = '# CryoPilot benchmark — 2026-11-22\n<!-- s -->\n| new |\n<!-- e -->\nrest\n';
    const out = replaceBetweenMarkers(readme, latest, markers);
    assert.ok(out.startsWith('# R\n\nintro\n\n<!-- s -->'));
    assert.ok(out.endsWith('<!-- e -->\n\n## After\n'));
    assert.match(out, /Results of 2026-11-22/);
    assert.match(out, /\| new \|/);
    assert.doesNotMatch(out, /old|rest/);
  });

  it('refuses to guess when a marker is missing', () => {
    assert.throws(
      () => replaceBetweenMarkers('no markers', '<!-- s --><!-- e -->', markers),
      /README\.md/,
    );
    assert.throws(
      () => replaceBetweenMarkers('<!-- s --><!-- e -->', 'none', markers),
      /latest\.md/,
    );
  });
});

describe('latency chart', () => {
  it('draws one line per system and percentile in each period panel', () => {
    const windows = ['cryopilot', 'relay', 'node-red'].flatMap((system) =>
      [100, 500].flatMap((periodMs) =>
        [1, 20, 200].map((n) => fakeWindow(system, periodMs, n, { p50: 1, p95: 2, p99: n / 10 })),
      ),
    );
    const svg = latencyChartSvg(windows, 'title <&>');
    assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    assert.equal(svg.match(/<polyline /g)?.length, 3 * 3 * 2);
    assert.match(svg, /sample period 100 ms/);
    assert.match(svg, /sample period 500 ms/);
    assert.match(svg, /title &lt;&amp;&gt;/);
    assert.doesNotMatch(svg, /NaN|undefined/);
  });

  it('puts a round number at the top of the axis', () => {
    assert.equal(niceCeiling(7.3), 10);
    assert.equal(niceCeiling(17), 20);
    assert.equal(niceCeiling(23), 25);
    assert.equal(niceCeiling(0.42), 0.5);
    assert.equal(niceCeiling(0), 1);
  });
});
