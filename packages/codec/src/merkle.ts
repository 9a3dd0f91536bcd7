// The root resolves to merkle-root-node.ts on Node and to the portable form under the `browser`
// condition (package.json "imports"); both give the same bytes (test/merkle.test.ts).
export { merkleRoot } from '#merkle-root';
export { merkleInnerHash, merkleLeafHash } from './merkle-hash.ts';
