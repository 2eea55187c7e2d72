// @ts-check
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { USERS_CLI } from './paths.mjs';

/** Every attack user's password (temporary data directories, loopback only). */
export const PASSWORD = 'attack-run-password-0123';

/** The accounts of the role matrix: one per role. */
export const ROLE_USERS = /** @type {const} */ ({
  admin: 'admin',
  operator: 'operator',
  viewer: 'viewer',
});

/** @typedef {'viewer' | 'operator' | 'admin'} Role */

/**
 * Adds users to `<dataDir>/users.json` with the service's own users CLI (`npm run users`),
 * one after the other (each invocation rewrites the file).
 * @param {string} dataDir
 * @param {{ name: string, role: Role }[]} users
 */
export async function addUsers(dataDir, users) {
  mkdirSync(dataDir, { recursive: true });
  for (const { name, role } of users) {
    await new Promise((resolve, reject) => {
      const child = execFile(
        process.execPath,
        [USERS_CLI, 'add', name, role, '--password-stdin'],
        { env: { PATH: process.env.PATH, DATA_DIR: dataDir } },
        (error, _stdout, stderr) =>
          error
            ? reject(new Error(`users add ${name}: ${stderr || error.message}`))
            : resolve(null),
      );
      child.stdin?.end(`${PASSWORD}\n`);
    });
  }
}

/**
 * A users file to start services with: `admin`, `operator`, `viewer` (or the users of `from`),
 * plus `extraViewers` viewers named `burst01`… (the WebSocket burst needs one account per
 * `maxSocketsPerUser` sockets).
 * @param {string} dir a fresh folder for the template's data directory
 * @param {{ extraViewers?: number, from?: string }} [options] `from`: a template to extend
 * @returns {Promise<string>} the users.json to copy into a service's data directory
 */
export async function makeUsersTemplate(dir, { extraViewers = 0, from } = {}) {
  const dataDir = join(dir, 'data');
  if (from) installUsers(from, dataDir);
  await addUsers(dataDir, [
    ...(from
      ? []
      : [
          { name: ROLE_USERS.admin, role: /** @type {Role} */ ('admin') },
          { name: ROLE_USERS.operator, role: /** @type {Role} */ ('operator') },
          { name: ROLE_USERS.viewer, role: /** @type {Role} */ ('viewer') },
        ]),
    ...burstUserNames(extraViewers).map((name) => ({ name, role: /** @type {Role} */ ('viewer') })),
  ]);
  return join(dataDir, 'users.json');
}

/**
 * Names of the extra viewers of the burst.
 * @param {number} count
 */
export function burstUserNames(count) {
  return Array.from({ length: count }, (_, i) => `burst${String(i + 1).padStart(2, '0')}`);
}

/**
 * Puts a users file in place before a service starts on `dataDir`.
 * @param {string} usersFile
 * @param {string} dataDir
 */
export function installUsers(usersFile, dataDir) {
  mkdirSync(dataDir, { recursive: true });
  copyFileSync(usersFile, join(dataDir, 'users.json'));
}
