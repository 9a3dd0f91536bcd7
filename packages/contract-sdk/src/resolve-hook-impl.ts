// Resolves @lattice/* (and their dependencies) from this repository when the importer cannot.
type Next = (specifier: string, context: { parentURL?: string }) => Promise<unknown>;

const HERE = import.meta.url;

export async function resolve(
  specifier: string,
  context: { parentURL?: string },
  next: Next,
): Promise<unknown> {
  try {
    return await next(specifier, context);
  } catch (e) {
    if (!specifier.startsWith('@lattice/') || (e as { code?: string }).code !== 'ERR_MODULE_NOT_FOUND')
      throw e;
    return next(specifier, { ...context, parentURL: HERE });
  }
}
