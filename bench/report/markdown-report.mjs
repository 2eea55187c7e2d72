// @ts-check
import {
  cpuSection,
  footprintSection,
  jitterSection,
  memorySection,
  mqttSection,
  pageSection,
  reactionSection,
  startupSection,
  storageSection,
} from './detail-sections.mjs';
import { footprintSummary } from './footprint-summary.mjs';
import { markdownTable } from './markdown-table.mjs';
import { n, SYSTEM_LABEL } from './report-format.mjs';

/**
 * The results as Markdown. The part between the `readme` markers is what the README's
 * "Benchmarks" section shows. Pure.
 */

/** @typedef {import('./result-types.mjs').WindowRecord} WindowRecord */

export const README_START = '<!-- bench:readme:start -->';
export const README_END = '<!-- bench:readme:end -->';

/** @param {boolean | null} met */
const verdict = (met) => (met === null ? 'not measured' : met ? 'met' : '**missed**');

/**
 * @param {import('./result-types.mjs').BenchResults} r
 * @param {string} chartFile file name of the SVG chart, next to the Markdown
 * @returns {string}
 */
export function renderMarkdown(r, chartFile) {
  const m = r.machine;
  const v = r.versions;
  const out = [
    `# CryoPilot benchmark — ${r.date}${r.quick ? ' (BENCH_QUICK smoke run: not comparable)' : ''}`,
    '',
    `Machine: ${m.cpu}, ${m.cores} cores, ${m.ramGb} GB RAM, ${m.os} (Linux ${m.kernel}), Node ${m.node}; ` +
      `the service and the peers ran on Node ${m.systemsNode ?? m.node}.`,
    `Versions: CryoPilot ${v.cryopilot}, Node-RED ${v.nodeRed}, MQTT.js ${v.mqttJs}, ws ${v.ws}, ` +
      `Mosquitto ${v.mosquitto}, VictoriaMetrics ${v.victoriaMetrics}, Chromium ${v.chromium}.`,
    `Scenarios: ${r.scenarios.join(', ')}; run time ${Math.round(r.durationS)} s.`,
    '',
    README_START,
    '',
    '### Goals',
    '',
    markdownTable(
      ['goal', 'measured', 'result'],
      r.goals.map((g) => [g.goal, g.measured, verdict(g.met) + (g.by ? `: ${g.by}` : '')]),
    ),
    '',
    ...whyLines(r.goals),
    ...footprintSummary({ windows: r.windows, cpu: r.cpu ?? [], storage: r.storage ?? [] }),
    '### Sample → WebSocket client latency (ms)',
    '',
    'Receive time in the client − the sample’s acquisition `ts` (same machine, same clock). For the',
    'peers the sample reaches them over MQTT from the same service. "hop" = the peer’s own',
    'MQTT → WebSocket time (client receive − MQTT subscriber receive of the same sample).',
    '',
    latencyTable(r.windows),
    '',
    README_END,
    '',
    `![latency percentiles by number of clients](${chartFile})`,
    '',
  ];
  out.push(...mqttSection(r.windows), ...jitterSection(r.windows), ...reactionSection(r.reaction));
  out.push(...footprintSection(r.windows), ...cpuSection(r.cpu ?? []));
  out.push(...storageSection(r.storage ?? []));
  out.push(...memorySection(r.serviceMemory, r.windows, r.serviceStart));
  out.push(...startupSection(r.startup), ...pageSection(r.page));
  out.push('## Method and caveats', '', ...r.notes.map((note) => `- ${note}`), '');
  return out.join('\n');
}

/** @param {WindowRecord[]} windows */
function latencyTable(windows) {
  const rows = windows.map((w) => [
    w.periodMs,
    w.clients,
    SYSTEM_LABEL[w.system],
    n(w.latencyMs.p50),
    n(w.latencyMs.p95),
    n(w.latencyMs.p99),
    n(w.latencyMs.max),
    w.latencyMs.count,
    w.missing,
    w.wireBytesPerSamplePerClient,
    w.mqttToWsHopMs ? n(w.mqttToWsHopMs.p99) : '—',
  ]);
  return markdownTable(
    [
      'period',
      'clients',
      'system',
      'p50',
      'p95',
      'p99',
      'max',
      'received',
      'missed',
      'B/sample/client',
      'hop p99',
    ],
    rows,
    [
      'right',
      'right',
      'left',
      'right',
      'right',
      'right',
      'right',
      'right',
      'right',
      'right',
      'right',
    ],
  );
}

/**
 * What the figures say about each missed goal, as a list under the goals table.
 * @param {import('./goals.mjs').Goal[]} goals
 * @returns {string[]}
 */
function whyLines(goals) {
  const missed = goals.filter((g) => g.met === false && g.why);
  if (missed.length === 0) return [];
  return [
    'Why the missed goals were missed, from this run’s figures:',
    '',
    ...missed.map((g) => `- ${g.goal}: ${g.why}.`),
    '',
  ];
}
