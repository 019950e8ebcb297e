import type { Kysely } from 'kysely';

/** Columns every owned record has. */
const owned = ['service', 'team', 'business_line'] as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  const table = (name: string) => db.schema.createTable(name);

  let incidents = table('incidents')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('priority', 'text', (c) => c.notNull());
  for (const column of owned) incidents = incidents.addColumn(column, 'text');
  await incidents
    .addColumn('started_at', 'bigint', (c) => c.notNull())
    .addColumn('detected_at', 'bigint', (c) => c.notNull())
    .addColumn('acknowledged_at', 'bigint')
    .addColumn('recovered_at', 'bigint')
    .addColumn('resolved_at', 'bigint')
    .addColumn('detection_source', 'text', (c) => c.notNull())
    .addColumn('cause', 'text', (c) => c.notNull())
    .addColumn('caused_by_change', 'text')
    .addColumn('postmortem_url', 'text')
    .addColumn('drill', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await table('incident_steps')
    .addColumn('incident_id', 'text', (c) => c.notNull().references('incidents.id').onDelete('cascade'))
    .addColumn('step', 'text', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('owner', 'text', (c) => c.notNull())
    .addColumn('note', 'text')
    .addPrimaryKeyConstraint('incident_steps_pk', ['incident_id', 'step', 'at'])
    .execute();

  await table('actions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('incident', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('owner', 'text', (c) => c.notNull())
    .addColumn('due_at', 'bigint', (c) => c.notNull())
    .addColumn('completed_at', 'bigint')
    .addColumn('team', 'text')
    .addColumn('business_line', 'text')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  let alerts = table('alerts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('severity', 'text', (c) => c.notNull());
  for (const column of owned) alerts = alerts.addColumn(column, 'text');
  await alerts
    .addColumn('starts_at', 'bigint', (c) => c.notNull())
    .addColumn('ends_at', 'bigint')
    .addColumn('verdict', 'text')
    .addColumn('incident', 'text')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  let findings = table('findings')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('check_name', 'text', (c) => c.notNull())
    .addColumn('target_type', 'text', (c) => c.notNull())
    .addColumn('severity', 'text', (c) => c.notNull());
  for (const column of owned) findings = findings.addColumn(column, 'text');
  await findings
    .addColumn('found_at', 'bigint', (c) => c.notNull())
    .addColumn('due_at', 'bigint')
    .addColumn('closed_at', 'bigint')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  let changes = table('changes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('title', 'text')
    .addColumn('system', 'text', (c) => c.notNull());
  for (const column of owned) changes = changes.addColumn(column, 'text');
  await changes
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('started_at', 'bigint', (c) => c.notNull())
    .addColumn('finished_at', 'bigint')
    .addColumn('controlled', 'integer', (c) => c.notNull())
    .addColumn('controlled_given', 'integer')
    .addColumn('result', 'text')
    .addColumn('exemption', 'text')
    .addColumn('gate_check', 'text')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await table('freezes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('scope_business_line', 'text')
    .addColumn('scope_team', 'text')
    .addColumn('scope_service', 'text')
    .addColumn('starts_at', 'bigint')
    .addColumn('ends_at', 'bigint')
    .addColumn('cron', 'text')
    .addColumn('duration_minutes', 'integer')
    .addColumn('timezone', 'text')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  let drills = table('drills')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('scenario', 'text', (c) => c.notNull());
  for (const column of owned) drills = drills.addColumn(column, 'text');
  await drills
    .addColumn('started_at', 'bigint', (c) => c.notNull())
    .addColumn('detected_at', 'bigint')
    .addColumn('recovered_at', 'bigint')
    .addColumn('score', 'double precision', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await table('org')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('document', 'text', (c) => c.notNull())
    .addColumn('revision', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await table('data_revision')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('revision', 'bigint', (c) => c.notNull())
    .execute();

  // The time column each collection is windowed and listed by, alone and per team.
  const timeColumns: [string, string][] = [
    ['incidents', 'started_at'],
    ['alerts', 'starts_at'],
    ['findings', 'found_at'],
    ['changes', 'started_at'],
    ['drills', 'started_at'],
    ['actions', 'due_at'],
  ];
  for (const [name, column] of timeColumns) {
    await db.schema.createIndex(`${name}_${column}_idx`).on(name).column(column).execute();
    await db.schema.createIndex(`${name}_team_${column}_idx`).on(name).columns(['team', column]).execute();
  }
  await db.schema
    .createIndex('alerts_severity_starts_at_idx')
    .on('alerts')
    .columns(['severity', 'starts_at'])
    .execute();
  await db.schema.createIndex('alerts_service_idx').on('alerts').column('service').execute();
  await db.schema.createIndex('incidents_service_idx').on('incidents').column('service').execute();
  await db.schema.createIndex('findings_service_idx').on('findings').column('service').execute();
  await db.schema.createIndex('changes_service_idx').on('changes').column('service').execute();
  await db.schema.createIndex('drills_service_idx').on('drills').column('service').execute();
  await db.schema.createIndex('actions_incident_idx').on('actions').column('incident').execute();
}
