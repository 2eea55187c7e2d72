// @ts-check
/**
 * The random command cases are invalid by construction: checked here against the contract's
 * own schemas (packages/protocol, built), so that a case the service accepts is a finding
 * about the service, never a mistake of the generator.
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import {
  COMMAND_NAMES,
  COMMAND_ROLES,
  fixedCommandCases,
  randomCommandCases,
} from '../cases/commands.mjs';

const require = createRequire(import.meta.url);
/** @type {any} */
const protocol = require('@cryopilot/protocol');

/** @param {Record<string, any>} request */
function schemaInvalid(request) {
  const envelope = protocol.commandRequestSchema.safeParse(request);
  if (!envelope.success) return true;
  if (!protocol.isCommandName(request.name)) return true;
  if (typeof request.ts === 'string' && Date.parse(request.ts) < Date.now() - 60_000) return true;
  return !protocol.commandArgsSchemas[request.name].safeParse(request.args ?? {}).success;
}

test('every random case fails the contract schemas', () => {
  const cases = randomCommandCases(2000, 16);
  const valid = cases.filter((c) => !schemaInvalid(c.request));
  assert.deepEqual(
    valid.map((c) => `${c.label}: ${JSON.stringify(c.request)}`),
    [],
  );
});

test('the same seed gives the same cases', () => {
  assert.deepEqual(
    JSON.stringify(randomCommandCases(50, 7)),
    JSON.stringify(randomCommandCases(50, 7)),
  );
});

test('the command list and roles are those of the protocol', () => {
  assert.deepEqual([...COMMAND_NAMES].sort(), [...protocol.COMMAND_NAMES].sort());
  assert.deepEqual(COMMAND_ROLES, protocol.COMMAND_ROLES);
});

test('fixed cases have unique labels', () => {
  const labels = fixedCommandCases().map((c) => c.label);
  assert.equal(new Set(labels).size, labels.length);
});
