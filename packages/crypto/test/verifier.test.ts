import { InlineVerifier, WorkerPoolVerifier } from '../src/index.ts';
import { verifierConformance } from './verifier-suite.ts';

verifierConformance('InlineVerifier', (opts) => new InlineVerifier(opts));
verifierConformance(
  'WorkerPoolVerifier (2 threads)',
  (opts) => new WorkerPoolVerifier({ threads: 2, ...opts }),
);
verifierConformance(
  'WorkerPoolVerifier (1 thread)',
  (opts) => new WorkerPoolVerifier({ threads: 1, ...opts }),
);
