// Trims the production node_modules of the image's deps stage (services/control/Dockerfile) to
// what the service loads at run time, then proves that every production dependency still loads:
//   - @types/* (type declarations; mqtt lists some as dependencies): never loaded;
//   - native addons' build by-products (object files, makefiles, gyp dependency files): only
//     the built `.node` binaries under build/Release are kept;
//   - @babel/runtime: mqtt → worker-timers → broker-factory load a few of its helpers when
//     required, in Node too; those files are kept (found by loading every production
//     dependency and recording what is read), the other helpers and their ESM copies go.
// usage: node prune-runtime.mjs <app dir> <workspace dir>...
import { existsSync, readdirSync, readFileSync, rmdirSync, rmSync } from 'node:fs';
import { createRequire, Module } from 'node:module';
import { join, relative, sep } from 'node:path';
import { execFileSync } from 'node:child_process';

const [appDir, ...workspaces] = process.argv.slice(2);
const modules = join(appDir, 'node_modules');
const removed = [];
const remove = (path) => {
  rmSync(path, { recursive: true, force: true });
  removed.push(relative(appDir, path));
};

/** Production dependency names of the workspaces (optional ones when installed). */
function dependencies() {
  const names = new Set();
  for (const dir of workspaces) {
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    for (const field of ['dependencies', 'optionalDependencies']) {
      for (const name of Object.keys(pkg[field] ?? {})) {
        if (existsSync(join(modules, name))) names.add(name);
      }
    }
  }
  return [...names].sort();
}

function* walk(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(path);
    else yield path;
  }
}

// 1. Type declarations.
if (existsSync(join(modules, '@types'))) remove(join(modules, '@types'));

// 2. Native build by-products: keep build/Release/*.node only.
for (const pkg of readdirSync(modules)) {
  const dirs = pkg.startsWith('@')
    ? readdirSync(join(modules, pkg)).map((p) => join(modules, pkg, p))
    : [join(modules, pkg)];
  for (const dir of dirs) {
    const build = join(dir, 'build');
    if (!existsSync(join(dir, 'binding.gyp')) || !existsSync(build)) continue;
    for (const file of walk(build)) {
      const keep =
        file.endsWith('.node') &&
        file.startsWith(join(build, 'Release') + sep) &&
        !file.includes(`${sep}obj.target${sep}`);
      if (!keep) remove(file);
    }
    for (const sub of ['Release/obj.target', 'Release/.deps']) {
      if (existsSync(join(build, sub))) remove(join(build, sub));
    }
  }
}

// 3. @babel/runtime: keep what loading the production dependencies reads.
const babel = join(modules, '@babel', 'runtime');
const names = dependencies();
if (existsSync(babel)) {
  const loaded = new Set();
  const original = Module._load;
  Module._load = function load(request, parent, isMain) {
    try {
      loaded.add(Module._resolveFilename(request, parent, isMain));
    } catch {
      // Resolution errors surface from the real load below.
    }
    return original.apply(this, arguments);
  };
  const require = createRequire(join(appDir, 'package.json'));
  for (const name of names) require(name);
  Module._load = original;
  for (const file of walk(babel)) {
    if (!loaded.has(file) && !file.endsWith(`${sep}package.json`)) remove(file);
  }
  removeEmptyDirs(babel);
}

function removeEmptyDirs(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) removeEmptyDirs(join(dir, entry.name));
  }
  if (readdirSync(dir).length === 0) rmdirSync(dir);
}

// Every production dependency still loads, in a fresh process.
execFileSync(process.execPath, ['-e', `for (const n of ${JSON.stringify(names)}) require(n);`], {
  cwd: appDir,
  stdio: 'inherit',
});
const kept = existsSync(babel) ? [...walk(babel)].map((f) => relative(babel, f)) : [];
console.log(
  `pruned ${removed.length} paths; @babel/runtime keeps ${kept.length} files: ${kept.join(', ')}; ` +
    `verified: ${names.join(', ')}`,
);
