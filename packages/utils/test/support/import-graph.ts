import { isBuiltin, registerHooks } from 'node:module';

export interface ImportEdge {
  parent: string | undefined;
  url: string;
}

/**
 * Records every module resolution from now on (optionally resolving with extra conditions first,
 * e.g. 'browser' as a bundler would). Register before importing what is to be inspected.
 */
export function recordImportEdges(conditions: readonly string[] = []): ImportEdge[] {
  const edges: ImportEdge[] = [];
  registerHooks({
    resolve(specifier, context, nextResolve) {
      const result = nextResolve(specifier, {
        ...context,
        conditions: [...conditions, ...context.conditions],
      });
      edges.push({ parent: context.parentURL, url: result.url });
      return result;
    },
  });
  return edges;
}

/** Walks the recorded graph from root: every module reached, and each edge into a built-in. */
export function walkImports(
  edges: readonly ImportEdge[],
  root: string,
): { reached: Set<string>; builtins: string[] } {
  const reached = new Set([root]);
  const queue = [root];
  const builtins: string[] = [];
  while (queue.length > 0) {
    const from = queue.shift()!;
    for (const e of edges) {
      if (e.parent !== from || reached.has(e.url)) continue;
      reached.add(e.url);
      if (e.url.startsWith('node:') || isBuiltin(e.url)) builtins.push(`${from} → ${e.url}`);
      else queue.push(e.url);
    }
  }
  return { reached, builtins };
}
