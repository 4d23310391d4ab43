#!/bin/sh
# Rebuilds the two kernel binaries from kernels.c (committed, so installs and CI need no compiler):
#   dlgrade-simd.wasm         imports a plain memory (tfjs's single-threaded SIMD build exports one)
#   dlgrade-simd-shared.wasm  imports a shared memory (the threaded build)
# Needs clang and wasm-ld (Debian: apt-get install clang-14 lld-14).
set -eu
cd "$(dirname "$0")"
CLANG=${CLANG:-clang-14}
COMMON="--target=wasm32 -O3 -msimd128 -nostdlib -fno-builtin -ffreestanding -Wall -Werror
  -Wl,--no-entry -Wl,--export-dynamic -Wl,--import-memory -Wl,--initial-memory=65536 -Wl,-z,stack-size=0"
$CLANG $COMMON -o dlgrade-simd.wasm kernels.c
$CLANG $COMMON -matomics -mbulk-memory -Wl,--shared-memory -Wl,--max-memory=4294967296 -o dlgrade-simd-shared.wasm kernels.c
# Safety: the modules run inside tfjs's memory, so they must never write at a fixed address.
for f in dlgrade-simd.wasm dlgrade-simd-shared.wasm; do
  if llvm-objdump-14 -h "$f" | grep -qw DATA; then echo "$f has a data segment" >&2; exit 1; fi
  if llvm-objdump-14 -d "$f" | grep -q 'global\.[gs]et'; then echo "$f uses a global (stack pointer?)" >&2; exit 1; fi
done
ls -l dlgrade-simd.wasm dlgrade-simd-shared.wasm
