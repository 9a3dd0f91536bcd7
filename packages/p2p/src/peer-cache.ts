import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import {
  P2P_PEER_CACHE_ADDRS_PER_PEER_MAX,
  P2P_PEER_CACHE_FILE_BYTES_MAX,
  P2P_PEER_CACHE_MAX,
} from '@lattice/params';
import { LatticeError } from '@lattice/utils';

export interface CachedPeer {
  id: string;
  addrs: string[];
}

const CACHE_VERSION = 1;

/** Keeps only well-formed entries, each bounded, so a damaged or hostile file cannot grow the dial list. */
function sanitize(raw: unknown): CachedPeer[] {
  if (typeof raw !== 'object' || raw === null) return [];
  const peers = (raw as { peers?: unknown }).peers;
  if (!Array.isArray(peers)) return [];
  const out: CachedPeer[] = [];
  for (const p of peers) {
    if (out.length >= P2P_PEER_CACHE_MAX) break;
    if (typeof p !== 'object' || p === null) continue;
    const { id, addrs } = p as { id?: unknown; addrs?: unknown };
    if (typeof id !== 'string' || id.length === 0 || id.length > 128 || !Array.isArray(addrs)) continue;
    const good = addrs
      .filter((a): a is string => typeof a === 'string' && a.startsWith('/') && a.length <= 256)
      .slice(0, P2P_PEER_CACHE_ADDRS_PER_PEER_MAX);
    if (good.length > 0) out.push({ id, addrs: good });
  }
  return out;
}

/** A missing file is an empty cache; an unreadable or malformed one is logged by the caller and ignored. */
export async function loadPeerCache(path: string): Promise<CachedPeer[]> {
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new LatticeError('IO', `cannot stat peer cache: ${(e as Error).message}`, { path });
  }
  if (size > P2P_PEER_CACHE_FILE_BYTES_MAX) {
    throw new LatticeError('LIMIT_EXCEEDED', 'peer cache file too large', { path, size });
  }
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new LatticeError('IO', `cannot read peer cache: ${(e as Error).message}`, { path });
  }
  try {
    return sanitize(JSON.parse(text));
  } catch {
    throw new LatticeError('DECODE_FAILED', 'peer cache is not valid JSON', { path });
  }
}

/** Write to a temporary file in the same directory, then rename: readers see the old or the new file, never half. */
export async function savePeerCache(path: string, peers: CachedPeer[]): Promise<void> {
  const body = JSON.stringify({ version: CACHE_VERSION, peers: sanitize({ peers }) }, null, 1);
  const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(tmp, body, { encoding: 'utf8', flush: true });
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw new LatticeError('IO', `cannot write peer cache: ${(e as Error).message}`, { path });
  }
}
