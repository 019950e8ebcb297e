#!/usr/bin/env node
/** The `ballast` command. */
import { Command, Option } from 'commander';
import { configFromEnv } from '../config.js';
import { createLogger } from '../logger.js';
import { VERSION } from '../version.js';
import { serveCommand } from './serve.js';
import { demoCommand } from './demo.js';

const program = new Command('ballast')
  .description('Ballast: stability governance for Prometheus and Grafana')
  .version(VERSION);

const storeOptions = (cmd: Command) =>
  cmd
    .addOption(new Option('--data-dir <dir>', 'embedded store directory').env('BALLAST_DATA_DIR'))
    .addOption(new Option('--database-url <url>', 'postgres://… to use PostgreSQL').env('DATABASE_URL'))
    .addOption(new Option('--config <file>', 'org config YAML').env('BALLAST_CONFIG'));

storeOptions(program.command('serve'))
  .description('run the exporter (API, /metrics)')
  .addOption(new Option('--host <host>', 'address to listen on').env('HOST'))
  .addOption(new Option('--port <port>', 'port to listen on (0: any free port)').env('PORT').argParser(Number))
  .option('--demo', 'seed a demo org with a year of history when the store is empty')
  .action(async (opts) => {
    const config = configFromEnv(process.env, {
      host: opts.host,
      port: opts.port,
      dataDir: opts.dataDir,
      databaseUrl: opts.databaseUrl,
      configFile: opts.config,
    });
    await serveCommand(config, createLogger(config.logLevel), { demo: Boolean(opts.demo) });
  });

storeOptions(program.command('demo'))
  .description('write a demo org and a year of history into the store')
  .option('--seed <n>', 'random seed', (v) => Number(v), 42)
  .action(async (opts) => {
    const config = configFromEnv(process.env, { dataDir: opts.dataDir, databaseUrl: opts.databaseUrl });
    await demoCommand(config, createLogger(config.logLevel), { seed: opts.seed });
  });

program.parseAsync(process.argv).catch((error: unknown) => {
  console.error(`ballast: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
