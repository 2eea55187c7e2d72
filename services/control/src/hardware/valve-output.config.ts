/** HAT output that drives the LN2 fill valve (config `valve`). */
export type ValveOutputConfig =
  | {
      /** 24 V solenoid on an open-drain output, on/off. */
      kind: 'od-switch';
      channel: 1 | 2 | 3 | 4;
      /** false (default): normally-closed valve, energised to open, safe = de-energised. */
      normallyOpen: boolean;
    }
  | {
      /** Proportional valve on a 4–20 mA output. */
      kind: 'ma-proportional';
      channel: 1 | 2 | 3 | 4;
      /** Output current when closed, the safe value (mA, 0..20; usually 4). */
      closedMa: number;
      /** Output current when fully open (mA, 0..20; usually 20). */
      openMa: number;
    }
  | {
      /** Proportional valve on a 0–10 V output. */
      kind: 'v-proportional';
      channel: 1 | 2 | 3 | 4;
      /** Output voltage when closed, the safe value (V, 0..10; usually 0). */
      closedV: number;
      /** Output voltage when fully open (V, 0..10; usually 10). */
      openV: number;
    };
