import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parseGenesis } from '@lattice/app';
import { peerIdOfKey } from '@lattice/p2p';
import { fromHex, isLatticeError } from '@lattice/utils';
import { homePaths, loadConfig } from '../src/config.ts';
import { initTestnet } from '../src/init.ts';
import { readKeyFile } from '../src/keyfile.ts';

describe('latticed testnet', () => {
  const out = mkdtempSync(join(tmpdir(), 'lattice-testnet-'));
  after(() => rmSync(out, { recursive: true, force: true }));

  it('writes N homes with one genesis, distinct keys and each other as persistent peers', async () => {
    const r = await initTestnet({
      output: out,
      chainId: 'lattice-testnet-1',
      validators: 4,
      faucet: true,
      rpcBasePort: 18545,
      p2pBasePort: 36656,
    });
    assert.equal(r.homes.length, 4);
    const genesisTexts = r.homes.map((h) => readFileSync(homePaths(h).genesis, 'utf8'));
    assert.ok(
      genesisTexts.every((g) => g === genesisTexts[0]),
      'every node has the same genesis',
    );
    const genesis = parseGenesis(JSON.parse(genesisTexts[0]!));
    assert.equal(genesis.validators.length, 4);
    const validatorKeys = r.homes.map((h) => readKeyFile(homePaths(h).validatorKey).key);
    assert.deepEqual(
      validatorKeys.map((k) => Buffer.from(k.publicKey).toString('hex')),
      genesis.validators.map((v) => Buffer.from(v.publicKey).toString('hex')),
    );
    r.homes.forEach((home, i) => {
      const config = loadConfig(homePaths(home).config);
      assert.equal(config.rpc.port, 18545 + i);
      assert.equal(config.p2p.listen, `/ip4/127.0.0.1/tcp/${36656 + i}`);
      assert.deepEqual(
        config.p2p.persistentPeers,
        r.peers.filter((_, j) => j !== i),
      );
      const nodeKey = JSON.parse(readFileSync(homePaths(home).nodeKey, 'utf8')) as { key: string };
      assert.ok(r.peers[i]!.endsWith(`/p2p/${peerIdOfKey(fromHex(nodeKey.key))}`));
    });
    assert.equal(new Set(r.peers).size, 4);
  });

  it('refuses to overwrite homes and bad validator counts', async () => {
    await assert.rejects(initTestnet({ output: out, chainId: 'x', validators: 4 }), (e) =>
      isLatticeError(e, 'CONFIG_INVALID'),
    );
    await assert.rejects(initTestnet({ output: join(out, 'other'), chainId: 'x', validators: 0 }), (e) =>
      isLatticeError(e, 'INVALID_ARGUMENT'),
    );
  });
});
