import { TRIP_SETTING_FIELDS } from '@cryopilot/protocol';
import { SETPOINT_GROUPS, TRIP_FIELDS } from './setpoint-fields';

describe('setpoint fields', () => {
  it('edits the safety trips apart, exactly the protocol’s trip settings', () => {
    expect(TRIP_FIELDS.map((f) => f.key).sort()).toEqual([...TRIP_SETTING_FIELDS].sort());
    const operating = SETPOINT_GROUPS.flatMap((g) => g.fields.map((f) => f.key));
    for (const trip of TRIP_SETTING_FIELDS) expect(operating).not.toContain(trip);
  });
});
