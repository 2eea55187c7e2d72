import { ConsoleLogger, INestApplication, Logger, LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { installHsts, readHttpsFiles } from '../http/https';
import { installOriginCheck } from '../http/origin-check';
import { redirectPlainHttp } from '../http/plain-http-redirect';
import { QuietWsAdapter } from '../gateway/quiet-ws-adapter';
import { installBodyParsing } from '../http/body-parsing';
import { resolveUiDir } from '../web/ui-dir';
import { installWebPage } from '../web/web-page';
import { AppModule, AppModuleOptions } from './app.module';
import { logSubscriberErrors } from './subscriber-errors';

/** Builds the application (not listening yet): shared by `main.ts` and the HTTP-level tests. */
export async function createApp(
  options: AppModuleOptions & { logger?: LoggerService | false },
): Promise<INestApplication> {
  const tls = options.config.http.tls;
  const problems: string[] = [];
  const httpsFiles = tls ? readHttpsFiles(tls, problems) : null;
  if (tls && !httpsFiles) throw new Error(problems.join('; '));
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(options), {
    bodyParser: false,
    logger: options.logger ?? new ConsoleLogger({ json: process.env.LOG_FORMAT === 'json' }),
    ...(httpsFiles ? { httpsOptions: { cert: httpsFiles.cert, key: httpsFiles.key } } : {}),
  });
  logSubscriberErrors((message) => new Logger('Subscribers').error(message));
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  if (httpsFiles) {
    installHsts(app);
    redirectPlainHttp(app.getHttpServer());
  }
  installWebPage(app, resolveUiDir());
  installOriginCheck(app);
  installBodyParsing(app, options.config.http.bodyLimitBytes);
  app.useWebSocketAdapter(new QuietWsAdapter(app));
  app.enableShutdownHooks();
  return app;
}
