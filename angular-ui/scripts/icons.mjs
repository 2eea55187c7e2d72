// Draws the app icons (run by hand when the design changes; the PNGs are committed): a white
// six-spoke snowflake on the header's navy, as SVG and as PNG (192, 512, and a maskable 512
// whose glyph stays inside the 80 % safe zone), and favicon.ico (one 32 px PNG, for browsers
// that ask for /favicon.ico or do not take the SVG). No image library: a tiny PNG encoder.
import { mkdirSync, writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const OUT = new URL('../public/icons/', import.meta.url).pathname;
const NAVY = [0x24, 0x34, 0x47];
const WHITE = [0xff, 0xff, 0xff];
const SPOKES = [0, 60, 120].map((deg) => (deg * Math.PI) / 180);

/** Coverage (0..1) of the glyph at (x, y) in a unit square centred on 0.5, scaled by `glyph`. */
function glyphCoverage(x, y, glyph) {
  const px = (x - 0.5) / glyph;
  const py = (y - 0.5) / glyph;
  const r = Math.hypot(px, py);
  let inside = false;
  for (const a of SPOKES) {
    // Distance to a spoke through the centre, limited to the radius 0.42.
    const along = px * Math.cos(a) + py * Math.sin(a);
    const across = Math.abs(-px * Math.sin(a) + py * Math.cos(a));
    if (Math.abs(along) <= 0.42 && across <= 0.045) inside = true;
    // Two short branches near each end of the spoke.
    for (const end of [-1, 1]) {
      const bx = px - end * 0.27 * Math.cos(a);
      const by = py - end * 0.27 * Math.sin(a);
      for (const turn of [Math.PI / 4, -Math.PI / 4]) {
        const b = a + (end > 0 ? 0 : Math.PI) + turn;
        const l = bx * Math.cos(b) + by * Math.sin(b);
        const c = Math.abs(-bx * Math.sin(b) + by * Math.cos(b));
        if (l >= 0 && l <= 0.13 && c <= 0.035) inside = true;
      }
    }
  }
  return inside || r <= 0.08 ? 1 : 0;
}

function png(size, { glyph, rounded }) {
  const SS = 4; // 4×4 supersampling for smooth edges
  const rows = [];
  for (let y = 0; y < size; y++) {
    const row = Buffer.alloc(1 + size * 4);
    for (let x = 0; x < size; x++) {
      let cover = 0;
      let bg = 0;
      for (let sy = 0; sy < SS; sy++) {
        for (let sx = 0; sx < SS; sx++) {
          const u = (x + (sx + 0.5) / SS) / size;
          const v = (y + (sy + 0.5) / SS) / size;
          const inCorner = rounded && outsideRoundedSquare(u, v, 0.18);
          if (!inCorner) bg += 1;
          if (!inCorner) cover += glyphCoverage(u, v, glyph);
        }
      }
      const n = SS * SS;
      const a = bg / n;
      const c = bg ? cover / bg : 0;
      const o = 1 + x * 4;
      for (let i = 0; i < 3; i++) row[o + i] = Math.round(NAVY[i] * (1 - c) + WHITE[i] * c);
      row[o + 3] = Math.round(a * 255);
    }
    rows.push(row);
  }
  return encodePng(size, Buffer.concat(rows));
}

function outsideRoundedSquare(u, v, r) {
  const dx = Math.max(r - u, 0, u - (1 - r));
  const dy = Math.max(r - v, 0, v - (1 - r));
  return Math.hypot(dx, dy) > r;
}

function encodePng(size, raw) {
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function svg() {
  const spoke = (deg) =>
    `<g transform="rotate(${deg} 256 256)"><path d="M256 41v430M256 107l-38-38M256 107l38-38M256 405l-38 38M256 405l38 38"/></g>`;
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 512 512"><rect width="512" height="512" rx="92" fill="#243447"/><g stroke="#fff" stroke-width="46" stroke-linecap="round" fill="none">${[0, 60, 120].map(spoke).join('')}</g></svg>\n`;
}

/** An ICO holding one PNG image (allowed since Windows Vista; every browser reads it). */
function ico(size, image) {
  const header = Buffer.alloc(6 + 16);
  header.writeUInt16LE(1, 2); // type: icon
  header.writeUInt16LE(1, 4); // one image
  header[6] = size; // width, height (0 would mean 256)
  header[7] = size;
  header.writeUInt16LE(1, 10); // colour planes
  header.writeUInt16LE(32, 12); // bits per pixel
  header.writeUInt32LE(image.length, 14);
  header.writeUInt32LE(header.length, 18); // the image follows the directory
  return Buffer.concat([header, image]);
}

mkdirSync(OUT, { recursive: true });
writeFileSync(`${OUT}icon-192.png`, png(192, { glyph: 1, rounded: true }));
writeFileSync(`${OUT}icon-512.png`, png(512, { glyph: 1, rounded: true }));
writeFileSync(`${OUT}maskable-512.png`, png(512, { glyph: 0.7, rounded: false }));
writeFileSync(`${OUT}icon.svg`, svg());
writeFileSync(`${OUT}../favicon.ico`, ico(32, png(32, { glyph: 1, rounded: true })));
console.log(`icons written to ${OUT}`);
