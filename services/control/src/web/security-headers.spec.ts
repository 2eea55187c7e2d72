import { isHashedAsset, isServicePath, securityHeaders } from './security-headers';

describe('securityHeaders', () => {
  it('allows scripts from the page only, forbids framing, carries the style nonce', () => {
    const headers = securityHeaders('abc');
    const csp = headers['Content-Security-Policy'];
    expect(csp).toContain(`script-src 'self';`);
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain(`style-src 'self' 'nonce-abc'`);
    expect(csp).toContain(`frame-ancestors 'none'`);
    expect(headers['X-Content-Type-Options']).toBe('nosniff');
  });

  it('has no nonce outside the page', () => {
    expect(securityHeaders(null)['Content-Security-Policy']).toContain(`style-src 'self';`);
  });
});

describe('paths', () => {
  it.each([
    ['/main-FJ62HDQY.js', true],
    ['/styles-5INURTSO.css', true],
    ['/favicon.ico', false],
    ['/index.html', false],
  ])('isHashedAsset(%p) = %p', (path, expected) => expect(isHashedAsset(path)).toBe(expected));

  it.each([
    ['/api', true],
    ['/api/state', true],
    ['/ws', true],
    ['/', false],
    ['/alarms', false],
    ['/apis', false],
  ])('isServicePath(%p) = %p', (path, expected) => expect(isServicePath(path)).toBe(expected));
});
