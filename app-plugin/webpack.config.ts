/*
 * The shared plugin build (../.config/webpack) plus the app's included dashboards: the
 * provisioning dashboards (../provisioning/grafana/dashboards/*.json) are copied to
 * dist/dashboards/, where plugin.json's `includes` of type dashboard point.
 */
import path from 'path';
import CopyWebpackPlugin from 'copy-webpack-plugin';
import type { Configuration } from 'webpack';
import shared, { type Env } from '../.config/webpack/webpack.config.ts';

const config = async (env: Env): Promise<Configuration> => {
  const base = await shared(env);
  return {
    ...base,
    plugins: [
      ...(base.plugins ?? []),
      new CopyWebpackPlugin({
        patterns: [{ from: path.resolve(__dirname, '..', 'provisioning', 'grafana', 'dashboards', '*.json'), to: 'dashboards/[name][ext]' }],
      }),
    ],
  };
};

export default config;
