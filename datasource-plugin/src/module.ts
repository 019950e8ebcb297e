import { DataSourcePlugin, DataSourceApi } from '@grafana/data';
class DS extends DataSourceApi<any, any> { async query() { return { data: [] }; } async testDatasource() { return { status: 'success', message: 'ok' }; } }
export const plugin = new DataSourcePlugin<any, any, any>(DS as any);
