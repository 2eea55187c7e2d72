// `make test-alert`: sends a test notification through Grafana to every receiver of the
// contact point `cryopilot-oncall`, as Grafana has it (the provisioned contact point, read
// back from Grafana), and says which destination got it and which failed.
//
// It uses Grafana's own contact point test (the "Test" button of Alerting > Contact points):
//   GET  /api/v1/provisioning/contact-points?name=cryopilot-oncall
//   POST /api/alertmanager/grafana/config/api/v1/receivers/test
//        {alert:{labels,annotations}, receivers:[{name, grafana_managed_receiver_configs}]}
//   → 200 every receiver notified, 207 some failed, 4xx/5xx error; per receiver
//     {name, uid, status: "ok"|"failed", error}
// (grafana/grafana pkg/services/ngalert/api/api_alertmanager.go `RoutePostTestReceivers`,
// pkg/services/ngalert/api/tooling/definitions/alertmanager.go `TestReceiversResult`;
// secure settings left out of the request are taken from the stored receiver by uid.)
//
// Environment: GRAFANA_URL (default http://127.0.0.1:3000), GRAFANA_USER (admin),
// GRAFANA_ADMIN_PASSWORD, ALERT_DESTINATIONS. Exit codes: 0 delivered everywhere, 1 a
// destination failed or Grafana refused, 2 no destination is set.
const CONTACT_POINT = 'cryopilot-oncall';

export async function testAlert(env = process.env, out = console) {
  const url = (env.GRAFANA_URL ?? 'http://127.0.0.1:3000').replace(/\/+$/, '');
  const destinations = env.ALERT_DESTINATIONS ?? '';
  if (destinations === '' || destinations === 'none') {
    out.error(
      'NO ALERT DESTINATION IS SET: Grafana alerts reach nobody. Run `make alerts`, then `make up`.',
    );
    return 2;
  }
  if (!env.GRAFANA_ADMIN_PASSWORD) {
    out.error('GRAFANA_ADMIN_PASSWORD is not set (it is in .env)');
    return 1;
  }
  const auth = `Basic ${Buffer.from(`${env.GRAFANA_USER ?? 'admin'}:${env.GRAFANA_ADMIN_PASSWORD}`).toString('base64')}`;
  const headers = { Authorization: auth, 'Content-Type': 'application/json' };

  const listed = await fetch(
    `${url}/api/v1/provisioning/contact-points?name=${encodeURIComponent(CONTACT_POINT)}`,
    { headers },
  );
  if (!listed.ok) {
    out.error(
      `Grafana refused the contact point list: HTTP ${listed.status} ${await listed.text()}`,
    );
    return 1;
  }
  const integrations = (await listed.json()).filter((c) => c.name === CONTACT_POINT);
  if (integrations.length === 0) {
    out.error(
      `Grafana has no contact point ${CONTACT_POINT}: run \`make setup\`, then \`make up\``,
    );
    return 1;
  }
  const body = {
    alert: {
      labels: { alertname: 'CryoPilot test alert', severity: 'warning', system: 'cryopilot' },
      annotations: {
        summary: 'Test notification from `make test-alert`: alerts reach this destination.',
      },
    },
    receivers: [
      {
        name: CONTACT_POINT,
        grafana_managed_receiver_configs: integrations.map((c) => ({
          uid: c.uid,
          name: c.name,
          type: c.type,
          settings: c.settings,
          disableResolveMessage: c.disableResolveMessage ?? false,
        })),
      },
    ],
  };
  const res = await fetch(`${url}/api/alertmanager/grafana/config/api/v1/receivers/test`, {
    method: 'POST',
    headers,
    body: JSON.stringify(body),
  });
  const text = await res.text();
  let result;
  try {
    result = JSON.parse(text);
  } catch {
    result = undefined;
  }
  const configs = (result?.receivers ?? []).flatMap(
    (r) => r.grafana_managed_receiver_configs ?? [],
  );
  if (configs.length === 0) {
    out.error(`Grafana did not test the contact point: HTTP ${res.status} ${text}`);
    return 1;
  }
  const types = new Map(integrations.map((c) => [c.uid, c.type]));
  let failed = 0;
  for (const c of configs) {
    const what = `${c.uid} (${types.get(c.uid) ?? c.name})`;
    if (c.status === 'ok') out.log(`delivered: ${what}`);
    else {
      failed += 1;
      out.error(`FAILED:    ${what}: ${c.error ?? c.status}`);
    }
  }
  return failed > 0 || !res.ok ? 1 : 0;
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1] === '-') {
  testAlert().then(
    (code) => process.exit(code),
    (error) => {
      console.error(`test alert failed: ${error instanceof Error ? error.message : error}`);
      process.exit(1);
    },
  );
}
