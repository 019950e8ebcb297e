/*
 * What the build copies next to module.js (after @grafana/create-plugin 7.1.7). Paths are relative
 * to the plugin's src/ folder (the webpack context).
 */
import { getPluginJson, hasReadme } from './utils.ts';

const pluginJson = getPluginJson();
const logoPaths: string[] = Array.from(
  new Set<string>([pluginJson.info?.logos?.large, pluginJson.info?.logos?.small].filter(Boolean))
);
const screenshotPaths: string[] = (pluginJson.info?.screenshots ?? []).map((s: { path: string }) => s.path);

export const copyFilePatterns = [
  // src/README.md when there is one, otherwise the plugin's README.md
  { from: hasReadme() ? 'README.md' : '../README.md', to: '.', force: true },
  { from: 'plugin.json', to: '.' },
  { from: '../LICENSE', to: '.', noErrorOnMissing: true },
  { from: '../CHANGELOG.md', to: '.', force: true, noErrorOnMissing: true },
  { from: '**/query_help.md', to: '.', noErrorOnMissing: true },
  ...logoPaths.map((p) => ({ from: p, to: p })),
  ...screenshotPaths.map((p) => ({ from: p, to: p })),
];
