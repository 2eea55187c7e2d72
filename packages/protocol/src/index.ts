export * from './common';
export * from './channels';
export * from './valve';
export * from './alarms';
export * from './setpoints';
export * from './commands';
export * from './state';
export * from './messages';
