/**
 * Loads a built plugin's AMD module.js in a browser page the way Grafana's plugin loader does:
 * the script calls `define(deps, factory)`, and each dependency is resolved to the real package
 * the host page bundled (`shared`: React, @grafana/data, @grafana/ui, …). A dependency the host
 * does not provide is an error, as it would be in Grafana. Used by the plugins' harness pages.
 */
export function loadPlugin(url: string, shared: Record<string, unknown>): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const w = window as unknown as { define?: unknown };
    const define = (deps: string[], factory: (...args: unknown[]) => Record<string, unknown>) => {
      try {
        const args = deps.map((d) => {
          if (d === 'module') {
            return { uri: url, id: url };
          }
          if (!(d in shared)) {
            throw new Error(`module.js asks for "${d}", which this host does not provide`);
          }
          return shared[d];
        });
        resolve(factory(...args));
      } catch (e) {
        reject(e);
      }
    };
    (define as unknown as { amd: object }).amd = {};
    w.define = define;
    const script = document.createElement('script');
    script.src = url;
    script.onerror = () => reject(new Error(`could not load ${url}`));
    document.head.appendChild(script);
  });
}
