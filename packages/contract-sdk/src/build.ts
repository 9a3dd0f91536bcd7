import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LatticeError } from '@lattice/utils';
import asc from 'assemblyscript/asc';

/**
 * The compiler flags every Lattice contract is built with: the stub runtime (a fresh instance
 * per call never needs to free), no bulk memory (the vm refuses it; copies become loops), no
 * float conversions, module initialisation exported as `_initialize` instead of a start
 * function, and AssemblyScript's abort routed to the host's (with the message).
 */
export const CONTRACT_ASC_FLAGS: readonly string[] = [
  '--runtime',
  'stub',
  '--disable',
  'bulk-memory,nontrapping-f2i',
  '--exportStart',
  '_initialize',
  '--use',
  'abort=~lib/@lattice/contract-sdk/assembly/errors/contractAbort',
  '-O3',
  '--noAssert',
];

/** The SDK's AssemblyScript sources, for tools that need the path. */
export const SDK_ASSEMBLY_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../assembly');
/** Where the compiler finds `@lattice/contract-sdk` for a contract outside this repository. */
const PACKAGES_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../../node_modules');

/**
 * Compiles an AssemblyScript contract to WebAssembly with the contract flags. `entry` is the
 * contract's main file; the SDK is found as the npm package `@lattice/contract-sdk` from there.
 * Compiler diagnostics are returned in the error (CONTRACT_BUILD_FAILED).
 */
export async function buildContract(entry: string, opts: { baseDir?: string } = {}): Promise<Uint8Array> {
  const baseDir = resolve(opts.baseDir ?? dirname(entry));
  let binary: Uint8Array | undefined;
  let stderr = '';
  const args = [
    relative(baseDir, resolve(entry)),
    ...CONTRACT_ASC_FLAGS,
    '--path',
    PACKAGES_DIR,
    '--baseDir',
    baseDir,
    '--outFile',
    'out.wasm',
  ];
  const result = await asc.main(args, {
    writeFile: (name: string, contents: Uint8Array | string) => {
      if (name.endsWith('out.wasm')) binary = contents as Uint8Array;
    },
    stdout: { write: () => true } as never,
    stderr: {
      write: (s: string | Uint8Array) => {
        stderr += typeof s === 'string' ? s : new TextDecoder().decode(s);
        return true;
      },
    } as never,
  });
  if (result.error || binary === undefined) {
    throw new LatticeError('INVALID_ARGUMENT', `contract build failed:\n${stderr || result.error?.message}`);
  }
  return binary;
}
