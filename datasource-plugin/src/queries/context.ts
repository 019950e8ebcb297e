/**
 * What a query family needs from the data source: the API client and the cached KPI catalogue.
 * Each module of this folder answers one query family (docs/plugins.md); the DataSource class
 * only interpolates variables and dispatches (datasource.ts).
 */
import type { DataFrame, DataQueryRequest } from '@grafana/data';
import type { BallastClient } from '../api/client';
import type { BallastQuery, KpiDefinition } from '../types';

export interface QueryContext {
  readonly client: BallastClient;
  kpiDefinitions(): Promise<KpiDefinition[]>;
}

/** One query family: a query (variables already replaced) to data frames. */
export type QueryRunner = (
  ctx: QueryContext,
  q: BallastQuery,
  request: DataQueryRequest<BallastQuery>
) => Promise<DataFrame[]>;

/** `a,b` → [a, b]; empty or undefined → []. */
export const listOf = (text: string | undefined): string[] => (text ?? '').split(',').filter(Boolean);
