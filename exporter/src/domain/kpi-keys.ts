/**
 * The stability KPIs by key, as the registry in the contract package names them
 * (exporter/contract/src/kpis/registry.ts). The key is the same in goals, the API and the metric
 * names (`stability_<key>`).
 */
export { KPI_KEYS, KPI_WINDOWS, LEVELS, type KpiKey, type KpiWindow, type Level } from '@ballast/contract';
