// Node-RED settings for the bench: headless (no editor, no admin API), loopback only, quiet
// logs, no outbound checks. Ports and files come from the environment set by the harness.
'use strict';

module.exports = {
  uiHost: '127.0.0.1',
  uiPort: Number(process.env.NODE_RED_PORT),
  flowFile: process.env.NODE_RED_FLOW_FILE,
  httpAdminRoot: false,
  httpNodeRoot: '/',
  credentialSecret: false,
  logging: { console: { level: 'warn', metrics: false, audit: false } },
  diagnostics: { enabled: false, ui: false },
  runtimeState: { enabled: false, ui: false },
  telemetry: { enabled: false },
  externalModules: { autoInstall: false, palette: { allowInstall: false } },
};
