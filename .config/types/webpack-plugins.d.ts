// replace-in-file-webpack-plugin ships no types; this is the part the shared webpack config uses.
declare module 'replace-in-file-webpack-plugin' {
  import type { Compiler } from 'webpack';

  interface Rule {
    search: string | RegExp;
    replace: string | ((match: string) => string);
  }
  interface Options {
    dir?: string;
    files?: string[];
    test?: RegExp | RegExp[];
    rules: Rule[];
  }
  class ReplaceInFileWebpackPlugin {
    constructor(options?: Options[]);
    apply(compiler: Compiler): void;
  }
  export = ReplaceInFileWebpackPlugin;
}
