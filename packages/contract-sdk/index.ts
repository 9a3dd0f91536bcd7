// AssemblyScript resolves `@lattice/contract-sdk` to this file (Node uses package.json "exports").
export * from "./assembly/index";
