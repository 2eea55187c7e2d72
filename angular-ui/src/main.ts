import { bootstrapApplication } from '@angular/platform-browser';
import { App } from './app/app';
import { appConfig } from './app/app.config';
import { registerShellWorker } from './app/core/pwa/shell-worker';

bootstrapApplication(App, appConfig)
  .then(() => registerShellWorker())
  .catch((error: unknown) => console.error(error));
