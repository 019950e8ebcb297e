// Types for binaries.mjs (kept as plain JS so test/scripts/system-packages.mjs can use it
// before anything is installed or built).

export type ToolKey =
  'initdb' | 'postgres' | 'pg_ctl' | 'prometheus' | 'promtool' | 'alertmanager' | 'amtool' | 'chromium' | 'unzip';

export interface Tool {
  readonly key: ToolKey;
  readonly names: readonly string[];
  readonly debPackage: string;
  readonly why: string;
  readonly postgresServer?: boolean;
}

export declare const TOOLS: readonly Tool[];
export declare const MANUAL_INSTALL_COMMAND: string;
export declare function searchDirs(env?: NodeJS.ProcessEnv): string[];
export declare function postgresDirs(env?: NodeJS.ProcessEnv): string[];
export declare function locateAll(env?: NodeJS.ProcessEnv): {
  found: Partial<Record<ToolKey, string>>;
  missing: Tool[];
};
export declare function binaryPath(key: ToolKey, env?: NodeJS.ProcessEnv): string;
