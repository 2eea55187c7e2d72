import {
  currentOutRegister,
  MegaindRegister,
  voltageOutRegister,
} from '../megaind/megaind.registers';
import { ValveOutputConfig } from '../valve-output.config';

/**
 * How far the valve is open (0..1), decoded from the card's own output registers: the
 * simulated plant sees only what the driver actually wrote, so the closed loop runs through
 * the registers. A proportional signal beyond the configured travel saturates, like the valve.
 */
export function valveOpenFraction(registers: Buffer, valve: ValveOutputConfig): number {
  switch (valve.kind) {
    case 'od-switch': {
      const energised = (registers[MegaindRegister.OD_STATE] & (1 << (valve.channel - 1))) !== 0;
      return energised !== valve.normallyOpen ? 1 : 0;
    }
    case 'ma-proportional': {
      const mA = registers.readUInt16LE(currentOutRegister(valve.channel)) / 1000;
      return travel(mA, valve.closedMa, valve.openMa);
    }
    case 'v-proportional': {
      const volts = registers.readInt16LE(voltageOutRegister(valve.channel)) / 1000;
      return travel(volts, valve.closedV, valve.openV);
    }
  }
}

function travel(value: number, closed: number, open: number): number {
  return Math.min(1, Math.max(0, (value - closed) / (open - closed)));
}
