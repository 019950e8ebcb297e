/** `ballast demo`: seed the demo org into the configured store. */
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { seedDemo } from '../demo/seed.js';
import { openServices } from '../server.js';

export async function demoCommand(config: Config, logger: Logger, options: { seed: number }): Promise<void> {
  const services = await openServices(config, logger);
  try {
    const summary = await seedDemo(services, { seed: options.seed });
    logger.info(summary, 'demo org seeded');
  } finally {
    await services.store.close();
  }
}
