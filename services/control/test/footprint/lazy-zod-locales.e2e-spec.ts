/**
 * zod's translations load on first use (src/app/lazy-zod-locales.ts, issue 13): the built
 * module in a Node process of its own (require.cache is Node's, which Jest's module registry
 * replaces), against zod loaded as it ships.
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

const LAZY = resolve(__dirname, '../../dist/app/lazy-zod-locales.js');

/** Runs `script` in a fresh Node (cwd: this package, so zod resolves as in the service). */
function run(script: string, withLazyLocales: boolean): unknown {
  const preamble = withLazyLocales ? `require(${JSON.stringify(LAZY)});\n` : '';
  const out = spawnSync(process.execPath, ['-e', preamble + script], {
    cwd: resolve(__dirname, '../..'),
    encoding: 'utf8',
  });
  if (out.status !== 0) throw new Error(`node exited ${out.status}: ${out.stderr}`);
  return JSON.parse(out.stdout) as unknown;
}

/** What a program sees of zod's locales: names, the files loaded, and a message per language. */
const SURVEY = `
const { z } = require('zod');
const loaded = () => Object.keys(require.cache)
  .filter((f) => /[\\\\/]zod[\\\\/]v4[\\\\/]locales[\\\\/]/.test(f))
  .map((f) => f.split(/[\\\\/]/).pop()).filter((f) => f !== 'index.cjs').sort();
const atStart = loaded();
const names = Object.keys(z.locales).sort();
const messages = {};
for (const name of names) {
  z.config(z.locales[name]());
  messages[name] = z.string().min(3).safeParse('ab').error.issues[0].message;
}
z.config(z.locales.en());
const english = z.number().safeParse('x').error.issues[0].message;
console.log(JSON.stringify({ atStart, names, messages, english, afterAll: loaded().length }));
`;

interface Survey {
  atStart: string[];
  names: string[];
  messages: Record<string, string>;
  english: string;
  afterAll: number;
}

describe('zod translations loaded on first use', () => {
  it('only English at start; every language zod ships still there, with the same messages', () => {
    const eager = run(SURVEY, false) as Survey;
    const lazy = run(SURVEY, true) as Survey;
    expect(eager.atStart.length).toBeGreaterThan(50); // what the module saves: zod loads all
    expect(lazy.atStart).toEqual(['en.cjs']);
    expect(lazy.names).toEqual(eager.names);
    expect(lazy.messages).toEqual(eager.messages);
    expect(lazy.messages.fr).toMatch(/caractères/);
    expect(lazy.english).toBe(eager.english);
    expect(lazy.afterAll).toBe(eager.afterAll);
  });

  it('does nothing once zod is loaded: the real module stays', () => {
    const script = `
      const { installLazyZodLocales } = require(${JSON.stringify(LAZY)});
      console.log(JSON.stringify(installLazyZodLocales()));`;
    // Required first by the preamble: zod not loaded yet, so it installed; a second call refuses.
    expect(run(script, true)).toBe(false);
    const afterZod = `
      require('zod');
      const { installLazyZodLocales } = require(${JSON.stringify(LAZY)});
      console.log(JSON.stringify(installLazyZodLocales()));`;
    expect(run(afterZod, false)).toBe(false);
  });
});
