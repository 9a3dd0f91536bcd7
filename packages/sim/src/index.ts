export { type ByzantineNode, byzantineDeliveries, floodVotes } from './byzantine.ts';
export {
  checkAgreement,
  checkEvidence,
  checkLiveness,
  checkSequences,
  checkValidity,
  type DecisionRecord,
  isSafetyViolation,
  type Violation,
  type ViolationKind,
} from './checkers.ts';
export { parseSimArgs, runSeeds, type SimArgs, type SimSummary, simMain } from './cli.ts';
export * from './constants.ts';
export {
  FakeVerifier,
  fakeSign,
  isValidValue,
  SIM_CHAIN_ID,
  type SimKey,
  simKey,
  simValidatorSet,
  simValue,
} from './fake.ts';
export type { Delivery, NetMessage } from './messages.ts';
export { Prng } from './prng.ts';
export {
  BYZANTINE_BEHAVIOURS,
  type ByzantineBehaviour,
  type Crash,
  checkScenarioOptions,
  describeScenario,
  drawScenario,
  type Partition,
  type Scenario,
  type ScenarioOptions,
} from './scenario.ts';
export { Scheduler } from './scheduler.ts';
export { type RestartMode, runSeed, type SeedOptions, type SeedResult } from './simulation.ts';
