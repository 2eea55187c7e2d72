/** Public surface of the hardware layer: the bus port, its two implementations, the card driver. */
export * from './hardware.errors';
export * from './i2c-bus';
export { LinuxI2cBus } from './linux-i2c-bus';
export * from './megaind/megaind.registers';
export { MegaindCard } from './megaind/megaind-card';
export * from './megaind/megaind-card.types';
export * from './valve-output.config';
export { assertValidValveOutputConfig } from './valve-output-config.validation';
export { ValveOutput, VALVE_SAFE_OUTPUT_PCT } from './valve-output';
export { PlantModel } from './simulator/plant-model';
export type { O2SensorIndex } from './simulator/plant-model';
export { DEFAULT_PLANT_PARAMS } from './simulator/plant-params';
export type { PlantParams } from './simulator/plant-params';
export type { ActiveScenario, ScenarioName, ScenarioParams } from './simulator/plant-scenario';
export { SimulatedMegaind } from './simulator/simulated-megaind';
export * from './simulator/simulated-megaind.types';
export { WARMUP_OUTPUT_MA } from './simulator/simulated-input-channel';
