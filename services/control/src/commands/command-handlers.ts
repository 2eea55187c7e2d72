import { Injectable } from '@nestjs/common';
import type {
  AuditedChanges,
  CommandArgs,
  CommandName,
  Setpoints,
  SetpointsPatch,
} from '@cryopilot/protocol';
import type { AlarmActionResult } from '../alarms/alarm-book';
import { SetpointStore } from '../config/setpoint-store';
import type { ControlRequestResult } from '../control/control.types';
import { ControlRequests } from '../control/control.facades';
import { SensorMaintenance } from '../maintenance/sensor-maintenance';
import { isDiskFull } from '../persistence/fs-errors';
import { NotificationTests } from '../notifications/notification-tests';
import type { CommandContext, HandlerOutcome } from './command-context';

type Handler<N extends CommandName> = (
  args: CommandArgs<N>,
  ctx: CommandContext,
) => Promise<HandlerOutcome>;
type HandlerTable = { [N in CommandName]: Handler<N> };

/** What each command does, once it is validated and allowed. */
@Injectable()
export class CommandHandlers {
  constructor(
    private readonly control: ControlRequests,
    private readonly setpoints: SetpointStore,
    private readonly maintenance: SensorMaintenance,
    private readonly notifications: NotificationTests,
  ) {}

  readonly table: HandlerTable = {
    'mode.set': async ({ mode }) => this.valveResult(await this.control.setMode(mode)),
    'valve.open': async ({ durationS }, ctx) =>
      this.valveResult(await this.control.openValve(durationS, ctx.user)),
    'valve.close': async () => this.valveResult(await this.control.closeValve()),
    'setpoints.set': (patch) => this.changeSetpoints(patch),
    'trips.set': ({ o2LowLowPct, levelHighHighPct, maxFillS }) =>
      this.changeSetpoints({ o2LowLowPct, levelHighHighPct, maxFillS }),
    'alarm.ack': async ({ alarmId, comment }, ctx) =>
      alarmResult(await this.control.ackAlarm(alarmId, ctx.user, comment)),
    'alarm.shelve': async ({ alarmId, minutes, comment }, ctx) =>
      alarmResult(await this.control.shelveAlarm(alarmId, minutes, ctx.user, comment)),
    'alarm.unshelve': async ({ alarmId }) => alarmResult(await this.control.unshelveAlarm(alarmId)),
    'alarm.reset': async ({ alarmId }, ctx) =>
      alarmResult(await this.control.resetAlarm(alarmId, ctx.user)),
    'sensor.test.start': async ({ sensorId, minutes }, ctx) =>
      this.valveResult(
        await this.control.startSensorTest(
          sensorId,
          minutes ?? this.maintenance.testDefaultMinutes,
          ctx.user,
        ),
      ),
    'sensor.test.end': async (args, ctx) => {
      // The sensor is back in service first; the record follows (and may fail on its own).
      const ended = await this.control.endSensorTest(args.sensorId);
      if (!ended.ok) return ended;
      return recorded(
        () => this.maintenance.recordBumpTest(ended.test, args, ctx.user),
        `${ended.message}, but the bump test could not be saved`,
      );
    },
    'sensor.calibration': (args, ctx) =>
      recorded(() => this.maintenance.recordCalibration(args, ctx.user)),
    'sensor.install': (args, ctx) => recorded(() => this.maintenance.recordInstall(args, ctx.user)),
    'notifications.test': ({ channel }, ctx) => {
      // Queued, not sent: delivery is the channels' (audited when it happens).
      const r = this.notifications.sendTest(channel, ctx.user);
      return Promise.resolve(r.ok ? { ok: true, result: { queued: r.queued } } : r);
    },
  };

  /**
   * Runs the handler of `name`. `args` must be the output of that command's schema
   * (`commandArgsSchemas[name]`), which the command bus guarantees.
   */
  run<N extends CommandName>(
    name: N,
    args: CommandArgs<N>,
    ctx: CommandContext,
  ): Promise<HandlerOutcome> {
    const handler = this.table[name] as Handler<N>;
    return handler(args, ctx);
  }

  /**
   * Validates the merged setpoints as a whole, persists them and applies them, all inside the
   * control loop's queue (a stopped loop changes nothing). The audit gets old → new values.
   */
  private async changeSetpoints(patch: SetpointsPatch): Promise<HandlerOutcome> {
    const defined = Object.fromEntries(
      Object.entries(patch).filter(([, value]) => value !== undefined),
    ) as SetpointsPatch;
    const before = this.setpoints.get();
    const outcome = await this.control.changeSetpoints(async () => {
      const change = await this.setpoints.apply(defined);
      return change;
    });
    if (!outcome.ok) return outcome;
    const after = this.setpoints.get();
    const changes: AuditedChanges = {};
    for (const key of Object.keys(defined) as (keyof Setpoints)[]) {
      if (before[key] !== after[key]) changes[key] = { from: before[key], to: after[key] };
    }
    return { ok: true, result: { setpoints: after }, changes };
  }

  private valveResult(r: ControlRequestResult): HandlerOutcome {
    if (!r.ok) return r;
    const valve = this.control.valveState();
    return { ok: true, result: { message: r.message, mode: valve.mode, valve } };
  }
}

function alarmResult(r: AlarmActionResult): HandlerOutcome {
  return r.ok ? { ok: true, result: { alarm: r.alarm } } : r;
}

/** A maintenance record saved: its result; not saved: why (a full disk, an unknown sensor). */
async function recorded(
  save: () => Promise<unknown>,
  failurePrefix = 'not saved',
): Promise<HandlerOutcome> {
  try {
    return { ok: true, result: { record: await save() } };
  } catch (error) {
    if (error instanceof RangeError) {
      return { ok: false, code: 'invalid_args', message: error.message };
    }
    return {
      ok: false,
      code: isDiskFull(error) ? 'storage_full' : 'refused',
      message: `${failurePrefix}: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
}
