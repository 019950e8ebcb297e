/*
 * The one webpack config of the three Grafana plugins (datasource-plugin, panel-plugin, app-plugin).
 * It is the config @grafana/create-plugin 7.1.7 generates (SWC loader, AMD output, Grafana's
 * shared dependencies as externals, public path from the AMD `module` meta, plugin.json/README/logo
 * copied to dist/, %VERSION%/%TODAY% replaced), moved from each plugin's own `.config/` to the
 * repo's root `.config/` so it exists once. Differences from the generated file:
 *  - paths come from the working directory (the plugin folder) and from this file's folder, not
 *    from `<plugin>/.config`;
 *  - the development-only ESLint, fork-ts-checker and live-reload plugins are left out (type
 *    checking is `npm run typecheck`), and Sass is not configured (no plugin uses it).
 * Run from a plugin folder: `webpack -c ../.config/webpack/webpack.config.ts --env production`.
 */
import CopyWebpackPlugin from 'copy-webpack-plugin';
import path from 'path';
import ReplaceInFileWebpackPlugin from 'replace-in-file-webpack-plugin';
import TerserPlugin from 'terser-webpack-plugin';
import { SubresourceIntegrityPlugin } from 'webpack-subresource-integrity';
import webpack, { type Configuration } from 'webpack';
import VirtualModulesPlugin from 'webpack-virtual-modules';

import { BuildModeWebpackPlugin } from './BuildModeWebpackPlugin.ts';
import { DIST_DIR, SOURCE_DIR } from '../bundler/constants.ts';
import { CONFIG_DIR, getCPConfigVersion, getEntries, getPackageJson, getPluginJson } from '../bundler/utils.ts';
import { externals } from '../bundler/externals.ts';
import { copyFilePatterns } from '../bundler/copyFiles.ts';

const pluginJson = getPluginJson();
const cpVersion = getCPConfigVersion();
const pluginVersion = getPackageJson().version;

// Grafana loads module.js from public/plugins/<id>/ (or a CDN); chunks and assets are fetched
// relative to wherever it came from, taken from the AMD `module` meta at run time.
const virtualPublicPath = new VirtualModulesPlugin({
  'node_modules/grafana-public-path.js': `
import amdMetaModule from 'amd-module';

__webpack_public_path__ =
  amdMetaModule && amdMetaModule.uri
    ? amdMetaModule.uri.slice(0, amdMetaModule.uri.lastIndexOf('/') + 1)
    : 'public/plugins/${pluginJson.id}/';
`,
});

export type Env = {
  [key: string]: true | string | Env;
};

const config = async (env: Env): Promise<Configuration> => {
  const production = Boolean(env.production);
  return {
    cache: {
      type: 'filesystem',
      name: `${pluginJson.id}-${production ? 'production' : 'development'}`,
      buildDependencies: {
        config: [__filename, path.join(CONFIG_DIR, 'bundler') + path.sep],
      },
    },

    context: path.join(process.cwd(), SOURCE_DIR),

    devtool: production ? 'source-map' : 'eval-source-map',

    entry: await getEntries(),

    externals,

    experiments: {
      asyncWebAssembly: true,
    },

    mode: production ? 'production' : 'development',

    module: {
      rules: [
        // Must come first, or source maps break: makes module.ts import the public-path shim.
        {
          test: /src\/(?:.*\/)?module\.tsx?$/,
          use: [{ loader: 'imports-loader', options: { imports: 'side-effects grafana-public-path' } }],
        },
        {
          exclude: /(node_modules)/,
          test: /\.[tj]sx?$/,
          use: {
            loader: 'swc-loader',
            options: {
              jsc: {
                baseUrl: path.resolve(process.cwd(), SOURCE_DIR),
                target: 'es2015',
                loose: false,
                parser: { syntax: 'typescript', tsx: true, decorators: false, dynamicImport: true },
              },
            },
          },
        },
        { test: /\.css$/, use: ['style-loader', 'css-loader'] },
        {
          test: /\.(png|jpe?g|gif|svg)$/,
          type: 'asset/resource',
          generator: { filename: production ? '[hash][ext]' : '[file]' },
        },
        {
          test: /\.(woff|woff2|eot|ttf|otf)(\?v=\d+\.\d+\.\d+)?$/,
          type: 'asset/resource',
          generator: { filename: production ? '[hash][ext]' : '[file]' },
        },
      ],
    },

    optimization: {
      minimize: production,
      minimizer: [
        new TerserPlugin({
          terserOptions: {
            format: {
              comments: (_: unknown, { type, value }: { type: string; value: string }) =>
                type === 'comment2' && value.trim().startsWith('[create-plugin]'),
            },
            compress: { drop_console: ['log', 'info'] },
          },
        }),
      ],
    },

    output: {
      clean: true,
      filename: '[name].js',
      chunkFilename: production ? '[name].js?_cache=[contenthash]' : '[name].js',
      library: { type: 'amd' },
      path: path.resolve(process.cwd(), DIST_DIR),
      publicPath: `public/plugins/${pluginJson.id}/`,
      uniqueName: pluginJson.id,
      crossOriginLoading: 'anonymous',
    },

    plugins: [
      new BuildModeWebpackPlugin(),
      virtualPublicPath,
      new webpack.BannerPlugin({
        banner: `/* [create-plugin] version: ${cpVersion} */\n/* [create-plugin] plugin: ${pluginJson.id}@${pluginVersion} */`,
        raw: true,
        entryOnly: true,
      }),
      new CopyWebpackPlugin({ patterns: copyFilePatterns }),
      new ReplaceInFileWebpackPlugin([
        {
          dir: DIST_DIR,
          test: [/(^|\/)plugin\.json$/, /(^|\/)README\.md$/],
          rules: [
            { search: /%VERSION%/g, replace: pluginVersion },
            { search: /%TODAY%/g, replace: new Date().toISOString().substring(0, 10) },
            { search: /%PLUGIN_ID%/g, replace: pluginJson.id },
          ],
        },
      ]),
      new SubresourceIntegrityPlugin({ hashFuncNames: ['sha256'] }),
    ],

    resolve: {
      // @ballast/contract is bundled from its TypeScript source (its `source` export condition);
      // its relative imports carry NodeNext's `.js` suffix, which names the `.ts` file here.
      conditionNames: ['source', '...'],
      extensionAlias: { '.js': ['.ts', '.tsx', '.js'] },
      extensions: ['.js', '.jsx', '.ts', '.tsx'],
      modules: [path.resolve(process.cwd(), SOURCE_DIR), 'node_modules'],
      unsafeCache: true,
    },
  };
};

export default config;
