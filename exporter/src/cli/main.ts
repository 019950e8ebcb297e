#!/usr/bin/env node
/** The `ballast` command. */
import { Command, Option } from 'commander';
import { configFromEnv } from '../config.js';
import { createLogger } from '../logger.js';
import { VERSION } from '../version.js';
import { serveCommand } from './serve.js';
import { demoCommand } from './demo.js';
import { gateCommand } from './gate.js';
import { importCommand } from './import.js';

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

program
  .command('gate')
  .description(
    'ask the change-freeze gate whether a service or team may change now (exit 0 allowed, 1 frozen, 2 no answer)'
  )
  .option('--service <id>', 'service about to change')
  .option('--team <id>', 'team about to change (instead of --service)')
  .addOption(new Option('--url <url>', 'exporter base URL').env('BALLAST_URL'))
  .addOption(
    new Option('--token <token>', 'read token; prefer BALLAST_TOKEN, which stays out of the process list').env(
      'BALLAST_TOKEN'
    )
  )
  .option('--fail-open', 'allow the change when the exporter gives no answer (default: refuse)')
  .option('--timeout <seconds>', 'how long to wait for an answer', (v) => Number(v), 10)
  // A usage error must not exit 1, which means "frozen".
  .exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : 2))
  .action(async (opts) => {
    process.exitCode = await gateCommand({ ...opts, timeoutSeconds: opts.timeout });
  });

storeOptions(program.command('import'))
  .description('load JSON Lines or CSV history into the store, validated like the API; re-running changes nothing')
  .argument('<files...>', '.jsonl / .ndjson or .csv files')
  .option('--kind <collection>', 'collection of every line (else a "collection" or "kind" column per line)')
  .addOption(new Option('--format <format>', 'file format (default: from the extension)').choices(['jsonl', 'csv']))
  .action(async (files: string[], opts) => {
    const config = configFromEnv(process.env, {
      dataDir: opts.dataDir,
      databaseUrl: opts.databaseUrl,
      configFile: opts.config,
    });
    // Quiet by default: stdout carries the summary.
    process.exitCode = await importCommand(files, config, createLogger(process.env.BALLAST_LOG_LEVEL ?? 'warn'), {
      kind: opts.kind,
      format: opts.format,
    });
  });

program.parseAsync(process.argv).catch((error: unknown) => {
  console.error(`ballast: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
