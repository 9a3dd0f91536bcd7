export { buildContract, CONTRACT_ASC_FLAGS, SDK_ASSEMBLY_DIR } from './build.ts';
export { type Coin, ContractHarness, type HarnessAccount, type TxReceipt } from './harness.ts';
