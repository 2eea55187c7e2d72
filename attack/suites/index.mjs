// @ts-check
import httpFuzz from './http-fuzz.mjs';
import wsFuzz from './ws-fuzz.mjs';
import mqttFuzz from './mqtt-fuzz.mjs';
import authMatrix from './auth-matrix.mjs';
import takeover from './takeover.mjs';
import loginFlood from './login-flood.mjs';
import wsBurst from './ws-burst.mjs';
import diskFull from './disk-full.mjs';

/** Every suite, in the order a full run takes them. @type {import('../lib/under-attack.mjs').Suite[]} */
export const SUITES = [
  httpFuzz,
  wsFuzz,
  mqttFuzz,
  authMatrix,
  takeover,
  loginFlood,
  wsBurst,
  diskFull,
];
