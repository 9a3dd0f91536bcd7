// The only hash this package uses. `#sha256` resolves to node:crypto on Node and to
// @noble/hashes under the `browser` condition (package.json "imports"), so the SDK's browser
// build pulls in no Node built-ins through the codec.
export { sha256 } from '#sha256';
