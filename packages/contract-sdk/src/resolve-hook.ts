// Registered with `node --import` by `lattice contract test`: a contract project outside this
// repository imports @lattice/* packages (the harness, the SDK's build tool) that live here.
import { register } from 'node:module';

register('./resolve-hook-impl.ts', import.meta.url);
