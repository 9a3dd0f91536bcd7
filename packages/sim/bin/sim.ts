import { simMain } from '../src/index.ts';

process.exitCode = simMain(process.argv.slice(2));
