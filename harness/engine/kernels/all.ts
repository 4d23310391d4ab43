// One import per kernel family file in this folder (each calls addWasmKernels at load).
export {};
