import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { isLatticeError } from '@lattice/utils';
import { runAndKill } from '../../store/test/support/run-and-kill.ts';
import { WriteAheadLog } from '../src/consensus/wal.ts';

const dir = mkdtempSync(join(tmpdir(), 'lattice-wal-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const fresh = () => join(dir, `wal-${n++}`, 'cs.wal');

function record(i: number, size = 50): Uint8Array {
  const r = new Uint8Array(size).fill(i % 256);
  new DataView(r.buffer).setUint32(0, i);
  return r;
}

describe('consensus write-ahead log', () => {
  it('replays what was appended, in order, after reopening', () => {
    const path = fresh();
    const wal = WriteAheadLog.open(path);
    for (let i = 0; i < 20; i++) wal.append(record(i, 10 + i), { sync: i % 5 === 0 });
    wal.close();
    const again = WriteAheadLog.open(path);
    assert.equal(again.truncatedBytes, 0);
    assert.deepEqual(
      again.replayed().map((r) => new DataView(r.buffer, r.byteOffset).getUint32(0)),
      [...Array(20).keys()],
    );
    again.append(record(20), { sync: true });
    again.close();
    assert.equal(WriteAheadLog.open(path).replayed().length, 21);
  });

  it('cuts off a torn last record and keeps everything before it', () => {
    for (const cut of [1, 4, 8, 20]) {
      const path = fresh();
      const wal = WriteAheadLog.open(path);
      for (let i = 0; i < 5; i++) wal.append(record(i), { sync: true });
      const before = wal.sizeBytes;
      wal.append(record(5), { sync: true });
      wal.close();
      truncateSync(path, before + (8 + 50) - cut);
      const reopened = WriteAheadLog.open(path);
      assert.equal(reopened.replayed().length, 5, `cut ${cut}`);
      assert.ok(reopened.truncatedBytes > 0);
      assert.equal(reopened.sizeBytes, before);
      reopened.append(record(99), { sync: true });
      reopened.close();
      assert.equal(WriteAheadLog.open(path).replayed().length, 6);
    }
  });

  it('treats a bad checksum on the last record as torn, and before it as fatal corruption', () => {
    const path = fresh();
    const wal = WriteAheadLog.open(path);
    for (let i = 0; i < 3; i++) wal.append(record(i), { sync: true });
    wal.close();
    const bytes = readFileSync(path);
    const tailFlipped = Buffer.from(bytes);
    tailFlipped[bytes.length - 1]! ^= 1;
    writeFileSync(path, tailFlipped);
    assert.equal(WriteAheadLog.open(path).replayed().length, 2);

    const path2 = fresh();
    const wal2 = WriteAheadLog.open(path2);
    for (let i = 0; i < 3; i++) wal2.append(record(i), { sync: true });
    wal2.close();
    const middle = readFileSync(path2);
    middle[8 + 10]! ^= 1;
    writeFileSync(path2, middle);
    assert.throws(
      () => WriteAheadLog.open(path2),
      (e) => isLatticeError(e, 'WAL_CORRUPT'),
    );
  });

  it('reset empties the log', () => {
    const path = fresh();
    const wal = WriteAheadLog.open(path);
    wal.append(record(1), { sync: true });
    wal.reset();
    wal.append(record(2), { sync: true });
    wal.close();
    assert.equal(WriteAheadLog.open(path).replayed().length, 1);
  });

  it('keeps every synced record across SIGKILLs at random moments', async () => {
    const path = fresh();
    const writer = fileURLToPath(new URL('./fixtures/wal-writer.ts', import.meta.url));
    let lastReported = -1;
    for (let round = 0; round < 3; round++) {
      lastReported = await runAndKill(writer, path, lastReported, 50 + round * 37);
      const wal = WriteAheadLog.open(path);
      const indices = wal.replayed().map((r) => new DataView(r.buffer, r.byteOffset).getUint32(0));
      wal.close();
      assert.ok(
        indices.length >= lastReported + 1,
        `record ${lastReported} was reported synced but is missing`,
      );
      assert.deepEqual(indices, [...Array(indices.length).keys()], 'records are contiguous from 0');
    }
  });
});
