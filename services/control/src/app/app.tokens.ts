/** Injection token of the validated `AppConfig` (a plain value, so a string token). */
export const APP_CONFIG = 'APP_CONFIG';
