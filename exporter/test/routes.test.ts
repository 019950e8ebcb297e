/**
 * One composition root: every route module of src/api (a `*-routes.ts` file) exports one
 * `xRoutes(deps)` and app.ts's ROUTES mounts each, so no router is mounted anywhere else.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROUTES } from '../src/api/app.js';

const API = join(import.meta.dirname, '..', 'src', 'api');

describe('route modules', () => {
  it('are all mounted by app.ts, each one function named after its file', async () => {
    const files = (await readdir(API)).filter((f) => f.endsWith('-routes.ts')).sort();
    expect(files.length).toBe(ROUTES.length);
    for (const file of files) {
      const module = (await import(join(API, file))) as Record<string, unknown>;
      const routes = Object.entries(module).filter(
        ([name, value]) => typeof value === 'function' && name.endsWith('Routes')
      );
      expect(routes, file).toHaveLength(1);
      const [name, fn] = routes[0]!;
      expect(name).toBe(`${file.replace(/s?-routes\.ts$/, '')}Routes`);
      expect(ROUTES, `${file}: ${name} is not in ROUTES`).toContain(fn);
    }
  });
});
