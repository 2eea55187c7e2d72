import { readFileSync } from 'node:fs';
import { localeExports } from './lazy-zod-locales';

describe('localeExports', () => {
  // The file the service's zod ships (pinned); the names the service's lazy module gives.
  const index = readFileSync(require.resolve('zod/v4/locales/index.cjs'), 'utf8');

  it("finds every language of zod's locales/index.cjs, with its file", () => {
    const found = localeExports(index);
    const requires = [...index.matchAll(/require\("\.\/[\w-]+\.cjs"\)/g)].length;
    expect(found.size).toBe(requires);
    expect(found.get('fr')).toBe('./fr.cjs');
    expect(found.get('zhCN')).toBe('./zh-CN.cjs');
    expect(found.get('en')).toBe('./en.cjs');
  });

  it('finds nothing in another shape (then zod is left to load as it ships)', () => {
    expect(localeExports('export * from "./fr.js";').size).toBe(0);
    expect(localeExports('').size).toBe(0);
  });
});
