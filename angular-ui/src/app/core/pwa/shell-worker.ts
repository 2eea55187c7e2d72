/**
 * Registers the service worker (public/sw.js) that caches the page's shell, never live data,
 * so the page can be installed and still opens, with its connection-lost overlay, when the
 * service is out of reach. Browsers allow workers only in a secure context (HTTPS, or
 * localhost): on plain HTTP the page works as before, just not installable.
 */
export function registerShellWorker(nav: Navigator = navigator): void {
  if (!('serviceWorker' in nav) || !globalThis.isSecureContext) return;
  nav.serviceWorker.register('/sw.js', { scope: '/' }).catch((error: unknown) => {
    // Not fatal: the page works without its offline shell.
    console.warn('service worker not registered', error);
  });
}
