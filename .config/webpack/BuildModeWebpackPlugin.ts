/*
 * Writes `buildMode` (development or production) into dist/plugin.json, as the
 * @grafana/create-plugin 7.1.7 build does; Grafana shows it on the plugin page.
 */
import webpack from 'webpack';

const NAME = 'BuildModeWebpack';

export class BuildModeWebpackPlugin {
  apply(compiler: webpack.Compiler) {
    compiler.hooks.compilation.tap(NAME, (compilation) => {
      compilation.hooks.processAssets.tap(
        { name: NAME, stage: webpack.Compilation.PROCESS_ASSETS_STAGE_ADDITIONS },
        () => {
          for (const asset of compilation.getAssets()) {
            if (!asset.name.endsWith('plugin.json')) {
              continue;
            }
            const json = JSON.parse(asset.source.source().toString());
            const withMode = JSON.stringify({ ...json, buildMode: compilation.options.mode }, null, 4);
            compilation.updateAsset(asset.name, new webpack.sources.RawSource(withMode));
          }
        }
      );
    });
  }
}
