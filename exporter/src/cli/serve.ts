/** `ballast serve`: start the exporter and stop it cleanly on SIGTERM / SIGINT. */
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { exposureProblem } from '../config.js';
import { seedDemoIfEmpty } from '../demo/seed.js';
import { openServices, startServer } from '../server.js';

export async function serveCommand(config: Config, logger: Logger, options: { demo: boolean }): Promise<void> {
  const problem = exposureProblem(config);
  if (problem) throw new Error(problem);
  const services = await openServices(config, logger);
  logger.info({ store: services.store.kind, location: services.store.location }, 'store opened');
  if (options.demo) {
    const seeded = await seedDemoIfEmpty(services, logger);
    if (seeded) logger.info(seeded, 'demo org seeded');
  }
  const server = await startServer(config, logger, services);
  logger.info({ url: server.url }, 'listening');
  process.stdout.write(
    [
      '',
      `Ballast exporter ${server.url}`,
      `  API:      ${server.url}/api/v1`,
      `  API docs: ${server.url}/api/v1/openapi.json`,
      `  Metrics:  ${server.url}/metrics`,
      '',
    ].join('\n') + '\n'
  );
  const stop = (signal: string) => {
    logger.info({ signal }, 'shutting down: draining requests');
    server.close().then(
      () => {
        logger.info('stopped');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      }
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}
