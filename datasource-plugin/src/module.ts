import { DataSourcePlugin } from '@grafana/data';
import { ConfigEditor } from './components/ConfigEditor';
import { QueryEditor } from './components/QueryEditor';
import { DataSource } from './datasource';
import { BallastOptions, BallastQuery, BallastSecureOptions } from './types';

export const plugin = new DataSourcePlugin<DataSource, BallastQuery, BallastOptions, BallastSecureOptions>(DataSource)
  .setConfigEditor(ConfigEditor)
  .setQueryEditor(QueryEditor);
