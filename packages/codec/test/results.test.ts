import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { create, toBinary } from '@bufbuild/protobuf';
import {
  BlockResultsSchema,
  EventAttributeSchema,
  EventSchema,
  ExecTxResultSchema,
  encodeBlockResults,
  encodeDeterministicResult,
} from '../src/index.ts';

describe('encodeBlockResults', () => {
  it('writes the same bytes as the reflective encoder', () => {
    let seed = 7;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) >>> 0;
      return seed % n;
    };
    // Multi-byte, astral and lone-surrogate chars too: their UTF-8 length differs from .length.
    const str = () =>
      rnd(4) === 0 ? '' : 'x'.repeat(rnd(70)) + 'é'.repeat(rnd(3)) + ['', '😀', '\ud800', 'ü'][rnd(4)];
    for (let round = 0; round < 50; round++) {
      const results = Array.from({ length: rnd(6) }, () =>
        create(ExecTxResultSchema, {
          code: rnd(3) === 0 ? 0 : rnd(700),
          codespace: str(),
          log: str(),
          data: new Uint8Array(rnd(3)).fill(9),
          gasWanted: BigInt(rnd(3)) * 2n ** BigInt(rnd(63)),
          gasUsed: BigInt(rnd(1_000_000)),
          events: Array.from({ length: rnd(5) }, () =>
            create(EventSchema, {
              type: str(),
              attributes: Array.from({ length: rnd(4) }, () =>
                create(EventAttributeSchema, { key: str(), value: str(), index: rnd(2) === 1 }),
              ),
            }),
          ),
        }),
      );
      const height = BigInt(rnd(2) * rnd(1_000_000));
      const appHash = new Uint8Array(rnd(2) * 32).fill(3);
      const ref = toBinary(
        BlockResultsSchema,
        create(BlockResultsSchema, { height, txResults: results, appHash }),
      );
      assert.deepEqual(encodeBlockResults(height, results, appHash), ref);
      // What last_results_hash commits to: only code, data and gas, as their own message.
      for (const r of results) {
        const { code, data, gasWanted, gasUsed } = r;
        const only = toBinary(
          ExecTxResultSchema,
          create(ExecTxResultSchema, { code, data, gasWanted, gasUsed }),
        );
        assert.deepEqual(encodeDeterministicResult(r), only);
      }
    }
  });
});

describe('encodeBlock', () => {
  it('writes the same bytes as the reflective encoder', async () => {
    const { BlockSchema, DataSchema, HeaderSchema, CommitSchema, EvidenceListSchema, encodeBlock } =
      await import('../src/index.ts');
    const cases = [
      create(BlockSchema, {}),
      create(BlockSchema, { data: create(DataSchema, {}) }),
      create(BlockSchema, {
        header: create(HeaderSchema, { chainId: 'c', height: 9n, appHash: new Uint8Array(32).fill(1) }),
        data: create(DataSchema, {
          txs: [
            new Uint8Array(0),
            new Uint8Array(5).fill(2),
            new Uint8Array(300).fill(3),
            new Uint8Array(70_000).fill(4),
          ],
        }),
        evidence: create(EvidenceListSchema, {}),
        lastCommit: create(CommitSchema, { height: 8n, round: 1 }),
      }),
    ];
    for (const b of cases) assert.deepEqual(encodeBlock(b), toBinary(BlockSchema, b));
  });
});

describe('signDocBytes', () => {
  it('writes the same bytes as the reflective encoder', async () => {
    const { SignDocSchema, signDocBytes } = await import('../src/index.ts');
    for (const [body, auth, chainId, accountNumber] of [
      [new Uint8Array(0), new Uint8Array(0), '', 0n],
      [new Uint8Array(300).fill(1), new Uint8Array(1400).fill(2), 'lattice-test-1', 5n],
      [new Uint8Array(1), new Uint8Array(0), 'x', 2n ** 64n - 1n],
    ] as const) {
      const ref = toBinary(
        SignDocSchema,
        create(SignDocSchema, { bodyBytes: body, authInfoBytes: auth, chainId, accountNumber }),
      );
      assert.deepEqual(signDocBytes({ bodyBytes: body, authInfoBytes: auth, chainId, accountNumber }), ref);
    }
  });
});
