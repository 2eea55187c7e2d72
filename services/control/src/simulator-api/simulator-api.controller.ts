import { BadRequestException, Body, Controller, Get, HttpCode, Inject, Post } from '@nestjs/common';
import { z } from 'zod';
import { MinRole } from '../auth/auth.decorators';
import { Clock, SystemClock } from '../clock/clock';
import { HARDWARE_CONFIG, HardwareConfig } from '../config/config.slices';
import { I2cBus } from '../hardware/i2c-bus';
import { SimulatedMegaind } from '../hardware/simulator/simulated-megaind';
import type { CardFault } from '../hardware/simulator/simulated-megaind.types';
import { CARD_FAULTS, INPUT_FAULTS } from '../hardware/simulator/simulated-megaind.validation';
import { parseBody } from '../http/parse-body';

/**
 * Slowest simulated time: below it the loop's timers (sample period × 1/speed) would not fire
 * for hours, a frozen service rather than a slow one.
 */
const MIN_SPEED = 0.1;

const faultSchema = z.strictObject({
  channel: z.string().max(32).optional(),
  fault: z.enum([...INPUT_FAULTS, ...CARD_FAULTS.filter((f) => f !== 'none')]),
});
const scenarioSchema = z.strictObject({
  name: z.enum(['normal', 'o2-leak', 'o2-drop', 'fast-drain', 'vacuum-loss', 'supply-low']),
  leakPctPerMin: z.number().min(0).max(25).optional(),
  dropToPct: z.number().min(0).max(25).optional(),
  sensor: z.union([z.literal(1), z.literal(2)]).optional(),
  boiloffFactor: z.number().min(1).max(20).optional(),
  rampH: z.number().min(0).max(1000).optional(),
  supplyFactor: z.number().min(0).max(1).optional(),
});
const plantSchema = z.strictObject({
  levelPct: z.number().min(0).max(100).optional(),
  drainPctPerMin: z.number().min(0).max(100).optional(),
  fillPctPerMin: z.number().min(0).max(100).optional(),
  o2BasePct: z.number().min(0).max(25).optional(),
  o2NoisePct: z.number().min(0).max(5).optional(),
  supplyV: z.number().min(0).max(60).optional(),
  speed: z.number().min(MIN_SPEED).max(10_000).optional(),
});

/** Simulator controls for demos and tests; only mounted with the simulated driver. */
@Controller('api/sim')
@MinRole('admin')
export class SimulatorApiController {
  constructor(
    @Inject(HARDWARE_CONFIG.token) private readonly config: HardwareConfig,
    private readonly bus: I2cBus,
    private readonly clock: Clock,
  ) {}

  private get card(): SimulatedMegaind {
    // The module mounts this controller only when the bus is the simulated card.
    return this.bus as SimulatedMegaind;
  }

  @Post('fault')
  @HttpCode(200)
  setFault(@Body() body: unknown) {
    const { channel, fault } = parseBody(faultSchema, body);
    if (channel === undefined) {
      if (!isCardFault(fault)) throw badRequest(`fault ${fault} needs a channel`);
      this.card.setCardFault(fault);
      if (fault === 'none')
        for (const c of this.config.channels) this.card.setInputFault(c.input, 'none');
    } else {
      const ch = this.config.channels.find((c) => c.id === channel);
      if (!ch) throw badRequest(`unknown channel: ${channel}`);
      if (fault !== 'none' && isCardFault(fault)) {
        throw badRequest(`${fault} applies to the whole card: omit channel`);
      }
      this.card.setInputFault(ch.input, fault);
    }
    return { ok: true, faults: this.card.faults() };
  }

  @Post('scenario')
  @HttpCode(200)
  setScenario(@Body() body: unknown) {
    const { name, ...params } = parseBody(scenarioSchema, body);
    // The scenario says which options apply to it (e.g. `sensor` only to o2-drop).
    refusedAsBadRequest(() => this.card.getPlant().setScenario(name, params));
    return { ok: true, scenario: this.card.getPlant().scenario };
  }

  @Get('plant')
  getPlant() {
    return this.plantState();
  }

  @Post('plant')
  @HttpCode(200)
  setPlant(@Body() body: unknown) {
    const { speed, ...params } = parseBody(plantSchema, body);
    this.card.syncPlant();
    if (Object.keys(params).length > 0) {
      refusedAsBadRequest(() => this.card.getPlant().setParams(params));
    }
    if (speed !== undefined) {
      if (!(this.clock instanceof SystemClock)) throw badRequest('time scale is fixed in this run');
      this.clock.setSpeed(speed);
    }
    return this.plantState();
  }

  private plantState() {
    this.card.syncPlant();
    const plant = this.card.getPlant();
    return {
      params: plant.getParams(),
      levelPct: plant.levelPct,
      o2Pct: [plant.o2Pct(0), plant.o2Pct(1)],
      scenario: plant.scenario,
      speed: this.clock instanceof SystemClock ? this.clock.timeScale : null,
      faults: this.card.faults(),
      watchdog: this.card.watchdogState(),
    };
  }
}

function isCardFault(fault: string): fault is CardFault {
  return (CARD_FAULTS as readonly string[]).includes(fault);
}

/** The simulator's own checks (RangeError) are the client's mistake: 400, not 500. */
function refusedAsBadRequest(action: () => void): void {
  try {
    action();
  } catch (error) {
    if (error instanceof RangeError) throw badRequest(error.message);
    throw error;
  }
}

function badRequest(message: string) {
  return new BadRequestException(message);
}
