import type { ConsensusTimeouts } from '@lattice/consensus';

/** Simulator knobs, not chain parameters: they bound the simulator's own queues and runs. */

/** Consensus timeouts used by every simulated node (ms, base + round × delta; commitMs is the target interval). */
export const SIM_TIMEOUTS: ConsensusTimeouts = {
  proposeMs: 300,
  proposeDeltaMs: 100,
  prevoteMs: 200,
  prevoteDeltaMs: 100,
  precommitMs: 200,
  precommitDeltaMs: 100,
  commitMs: 300,
};
/** Unix ms of virtual time 0, so vote timestamps look like real ones. */
export const SIM_GENESIS_MS = 1_700_000_000_000;
/** How often a node gossips: re-sends its own messages when stuck, serves block sync to peers behind. */
export const SIM_GOSSIP_INTERVAL_MS = 400;
/** Heights every honest node must decide after the last fault heals. */
export const SIM_LIVENESS_HEIGHTS = 5;
/** Virtual time allowed for those heights. */
export const SIM_LIVENESS_BOUND_MS = 60_000;
/** Pending events in the scheduler. */
export const SIM_EVENTS_PENDING_MAX = 1_000_000;
/** Consensus inputs kept in a node's WAL for its current height. */
export const SIM_WAL_ENTRIES_MAX = 20_000;
/** Own signed messages kept (durably, as persist records) for re-gossip at the current height. */
export const SIM_OWN_MESSAGES_MAX = 96;
/** Proposals and votes a node keeps to relay to peers that lack them (current height onwards). */
export const SIM_RELAY_MESSAGES_MAX = 4_096;
