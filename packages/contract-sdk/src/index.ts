export { buildContract, CONTRACT_ASC_FLAGS, SDK_ASSEMBLY_DIR } from './build.ts';
