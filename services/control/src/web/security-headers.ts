/**
 * Security headers of every response. The page loads nothing from elsewhere (no CDN, no
 * fonts: the box is often offline), runs no inline script, and may not be framed. Angular
 * adds component styles as `<style>` elements carrying the per-response nonce
 * (`ngCspNonce`), so even styles need no `'unsafe-inline'`.
 */
export function securityHeaders(styleNonce: string | null): Record<string, string> {
  const styleSrc = styleNonce ? `'self' 'nonce-${styleNonce}'` : `'self'`;
  const csp = [
    `default-src 'self'`,
    `script-src 'self'`,
    `style-src ${styleSrc}`,
    `img-src 'self' data:`,
    `font-src 'self'`,
    `connect-src 'self'`,
    `object-src 'none'`,
    `base-uri 'self'`,
    `form-action 'self'`,
    `frame-ancestors 'none'`,
  ].join('; ');
  return {
    'Content-Security-Policy': csp,
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=()',
  };
}

/**
 * The headers that act on a subresource (a script or style the page loads): the others
 * (CSP, frame options, opener and permissions policies) govern only a document or a worker,
 * and on each content-hashed file they would cost ~0.4 kB of every first visit for nothing.
 * `sw.js` is a worker and not content-hashed: it keeps them all.
 */
export const SUBRESOURCE_HEADERS: readonly string[] = [
  'X-Content-Type-Options',
  'Referrer-Policy', // a stylesheet's own url() requests
  'Cross-Origin-Resource-Policy',
];

/** Build output names carry a content hash (`main-FJ62HDQY.js`): safe to cache for a year. */
export function isHashedAsset(path: string): boolean {
  return /-[A-Z0-9]{8,}\.(js|css|woff2?|png|svg)$/.test(path);
}

/** Paths the page never owns: the API and the WebSocket keep their own 404s. */
export function isServicePath(path: string): boolean {
  return path === '/api' || path.startsWith('/api/') || path === '/ws' || path.startsWith('/ws/');
}
