// One family of wasm kernels (a file of this folder): what it registers, named for the engine label and
// installed by index.ts, the one list of families.
export interface KernelFamily {
  /** What the family replaces or adds, e.g. "Tile (block copies)". */
  name: string;
  /** Registers the family's kernels on the wasm backend (before it starts); called once. */
  install: () => void;
}
