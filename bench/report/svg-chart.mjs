// @ts-check
/**
 * The latency chart: sample→client p50/p95/p99 by number of WebSocket clients, one panel per
 * sample period, one colour per system. Plain SVG text, no dependency. Pure.
 */

const SYSTEMS = [
  { id: 'cryopilot', label: 'CryoPilot', color: '#1f77b4' },
  { id: 'relay', label: 'bare relay', color: '#2ca02c' },
  { id: 'node-red', label: 'Node-RED', color: '#d62728' },
];
const PERCENTILES = [
  { key: 'p50', dash: '', label: 'p50' },
  { key: 'p95', dash: '2 3', label: 'p95' },
  { key: 'p99', dash: '7 4', label: 'p99' },
];
const PANEL = { width: 420, height: 310, left: 56, right: 16, top: 56, bottom: 44 };

/** @param {string} s */
const esc = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * A "nice" upper bound for the y axis (1, 2, 2.5 or 5 × 10^k above `max`).
 * @param {number} max
 */
export function niceCeiling(max) {
  if (!(max > 0)) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(max));
  for (const step of [1, 2, 2.5, 5, 10]) if (step * magnitude >= max) return step * magnitude;
  return 10 * magnitude;
}

/**
 * @param {{ system: string, periodMs: number, clients: number, latencyMs: Record<string, number | null> }[]} windows
 * @param {string} title
 * @returns {string}
 */
export function latencyChartSvg(windows, title) {
  const periods = [...new Set(windows.map((w) => w.periodMs))].sort((a, b) => a - b);
  const counts = [...new Set(windows.map((w) => w.clients))].sort((a, b) => a - b);
  const width = Math.max(1, periods.length) * PANEL.width;
  const height = PANEL.height + 60;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    `<text x="${width / 2}" y="20" text-anchor="middle" font-size="14" font-weight="bold">${esc(title)}</text>`,
  ];
  periods.forEach((periodMs, index) => {
    parts.push(
      panel(
        windows.filter((w) => w.periodMs === periodMs),
        counts,
        periodMs,
        index * PANEL.width,
      ),
    );
  });
  parts.push(legend(height - 22));
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}

/**
 * @param {{ system: string, clients: number, latencyMs: Record<string, number | null> }[]} windows
 * @param {number[]} counts
 * @param {number} periodMs
 * @param {number} x0
 */
function panel(windows, counts, periodMs, x0) {
  const plotW = PANEL.width - PANEL.left - PANEL.right;
  const plotH = PANEL.height - PANEL.top - PANEL.bottom;
  const yMax = niceCeiling(Math.max(0, ...windows.map((w) => w.latencyMs.p99 ?? 0)));
  const x = (/** @type {number} */ i) =>
    x0 + PANEL.left + (counts.length > 1 ? (i * plotW) / (counts.length - 1) : plotW / 2);
  const y = (/** @type {number} */ v) => PANEL.top + plotH - (v / yMax) * plotH;
  const out = [
    `<text x="${x0 + PANEL.width / 2}" y="${PANEL.top - 8}" text-anchor="middle">sample period ${periodMs} ms</text>`,
    `<line x1="${x0 + PANEL.left}" y1="${y(0)}" x2="${x0 + PANEL.left + plotW}" y2="${y(0)}" stroke="#333"/>`,
    `<line x1="${x0 + PANEL.left}" y1="${y(0)}" x2="${x0 + PANEL.left}" y2="${y(yMax)}" stroke="#333"/>`,
  ];
  for (let k = 0; k <= 4; k++) {
    const v = (yMax * k) / 4;
    out.push(
      `<line x1="${x0 + PANEL.left}" y1="${y(v)}" x2="${x0 + PANEL.left + plotW}" y2="${y(v)}" stroke="#eee"/>`,
      `<text x="${x0 + PANEL.left - 6}" y="${y(v) + 4}" text-anchor="end">${Number(v.toFixed(2))}</text>`,
    );
  }
  out.push(
    `<text x="${x0 + 14}" y="${PANEL.top + plotH / 2}" text-anchor="middle" transform="rotate(-90 ${x0 + 14} ${PANEL.top + plotH / 2})">latency (ms)</text>`,
  );
  counts.forEach((n, i) => {
    out.push(`<text x="${x(i)}" y="${y(0) + 16}" text-anchor="middle">${n}</text>`);
  });
  out.push(
    `<text x="${x0 + PANEL.left + plotW / 2}" y="${y(0) + 32}" text-anchor="middle">WebSocket clients</text>`,
  );
  for (const system of SYSTEMS) {
    for (const p of PERCENTILES) {
      const points = counts
        .map((n, i) => {
          const v = windows.find((w) => w.system === system.id && w.clients === n)?.latencyMs[
            p.key
          ];
          return v === null || v === undefined ? null : `${x(i).toFixed(1)},${y(v).toFixed(1)}`;
        })
        .filter((pt) => pt !== null);
      if (points.length === 0) continue;
      out.push(
        `<polyline fill="none" stroke="${system.color}" stroke-width="2"${p.dash ? ` stroke-dasharray="${p.dash}"` : ''} points="${points.join(' ')}"/>`,
        ...points.map((pt) => {
          const [cx, cy] = pt.split(',');
          return `<circle cx="${cx}" cy="${cy}" r="2.5" fill="${system.color}"/>`;
        }),
      );
    }
  }
  return out.join('\n');
}

/** @param {number} y */
function legend(y) {
  const out = [];
  let x = 16;
  for (const system of SYSTEMS) {
    out.push(
      `<rect x="${x}" y="${y - 9}" width="14" height="10" fill="${system.color}"/>`,
      `<text x="${x + 20}" y="${y}">${esc(system.label)}</text>`,
    );
    x += 110;
  }
  for (const p of PERCENTILES) {
    out.push(
      `<line x1="${x}" y1="${y - 4}" x2="${x + 30}" y2="${y - 4}" stroke="#333" stroke-width="2"${p.dash ? ` stroke-dasharray="${p.dash}"` : ''}/>`,
      `<text x="${x + 36}" y="${y}">${p.label}</text>`,
    );
    x += 80;
  }
  return out.join('\n');
}
