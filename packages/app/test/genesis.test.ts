import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ALG_ML_DSA_44, ALG_ML_DSA_65, addressFromPublicKey, privateKeyFromSeed } from '@lattice/crypto';
import { isLatticeError, toHex } from '@lattice/utils';
import { DEFAULT_TIMEOUTS_MS, type GenesisFile, parseGenesis } from '../src/genesis.ts';

const validator = privateKeyFromSeed(ALG_ML_DSA_65, new Uint8Array(32).fill(1));
const alice = addressFromPublicKey(
  ALG_ML_DSA_44,
  privateKeyFromSeed(ALG_ML_DSA_44, new Uint8Array(32).fill(2)).publicKey,
);
const reserve = addressFromPublicKey(
  ALG_ML_DSA_44,
  privateKeyFromSeed(ALG_ML_DSA_44, new Uint8Array(32).fill(3)).publicKey,
);

function doc(edit: (g: GenesisFile) => void = () => {}): GenesisFile {
  const g: GenesisFile = {
    chain_id: 'lattice-test-1',
    genesis_time: '2026-11-21T00:00:00Z',
    initial_height: '1',
    consensus_params: { block: { max_bytes: '1048576', max_gas: '100000000' } },
    validators: [
      { name: 'v0', pub_key: { algorithm: validator.alg, key: toHex(validator.publicKey) }, power: '10' },
    ],
    app_state: {
      params: { min_gas_price: '0.01' },
      bank: { balances: [{ address: alice, coins: [{ denom: 'udrt', amount: '1000' }] }] },
      drt_reserve: reserve,
    },
  };
  edit(g);
  return g;
}

const invalid = (e: unknown) => isLatticeError(e, 'GENESIS_INVALID');

describe('genesis', () => {
  it('parses a minimal genesis with default consensus timeouts', () => {
    const g = parseGenesis(doc());
    assert.equal(g.chainId, 'lattice-test-1');
    assert.equal(g.validators.length, 1);
    assert.equal(g.timeouts.commitMs, DEFAULT_TIMEOUTS_MS.commit_ms);
    assert.equal(g.timeouts.proposeDeltaMs, DEFAULT_TIMEOUTS_MS.propose_delta_ms);
    assert.equal(g.minGasPrice, 10n ** 16n);
  });

  it('takes consensus timeouts from genesis and validates them', () => {
    const g = parseGenesis(
      doc((d) => (d.consensus_params.timeout = { commit_ms: '500', prevote_delta_ms: '0' })),
    );
    assert.equal(g.timeouts.commitMs, 500);
    assert.equal(g.timeouts.prevoteDeltaMs, 0);
    for (const bad of [
      { commit_ms: '0' },
      { propose_ms: '-1' },
      { prevote_ms: 'soon' },
      { precommit_ms: '600001' },
    ]) {
      assert.throws(
        () => parseGenesis(doc((d) => (d.consensus_params.timeout = bad))),
        invalid,
        JSON.stringify(bad),
      );
    }
  });

  it('rejects malformed documents with GENESIS_INVALID', () => {
    const cases: ((g: GenesisFile) => void)[] = [
      (g) => (g.chain_id = 'has spaces'),
      (g) => (g.genesis_time = 'yesterday'),
      (g) => (g.validators = []),
      (g) => (g.validators[0]!.power = '0'),
      (g) => (g.validators[0]!.pub_key.key = '00'),
      (g) => (g.app_state.bank.balances[0]!.coins[0]!.denom = 'ufoo'),
      (g) => g.app_state.bank.balances.push(g.app_state.bank.balances[0]!),
      (g) => (g.app_state.bank.balances[0]!.address = 'lat1nope'),
      (g) => (g.app_state.params.min_gas_price = 'cheap'),
      (g) => (g.consensus_params.block.max_bytes = '10'),
    ];
    for (const [i, edit] of cases.entries())
      assert.throws(() => parseGenesis(doc(edit)), invalid, `case ${i}`);
    assert.throws(() => parseGenesis(null), invalid);
  });
});
