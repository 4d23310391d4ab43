// dlgrade's own wasm SIMD kernels, run on the memory of tfjs's wasm backend (imported, never owned): the
// elementwise and reduction work upstream does slowly (broadcasting binary ops walk a generic index per
// element; Sum over leading axes transposes first) and the one-pass optimizer updates.
// Rules that keep this safe inside someone else's memory: leaf functions only, no static data, no stack use
// (build.sh checks the binary has no data segment and never touches __stack_pointer), all pointers are byte
// offsets of tensors the caller allocated through the backend.
#include <wasm_simd128.h>

#define EXPORT __attribute__((visibility("default")))

enum { OP_ADD = 0, OP_SUB = 1, OP_MUL = 2, OP_DIV = 3, OP_SQDIFF = 4 };

static inline v128_t vop(int op, v128_t a, v128_t b) {
  switch (op) {
    case OP_ADD: return wasm_f32x4_add(a, b);
    case OP_SUB: return wasm_f32x4_sub(a, b);
    case OP_MUL: return wasm_f32x4_mul(a, b);
    case OP_DIV: return wasm_f32x4_div(a, b);
    default: {
      v128_t d = wasm_f32x4_sub(a, b);
      return wasm_f32x4_mul(d, d);
    }
  }
}

static inline float sop(int op, float a, float b) {
  switch (op) {
    case OP_ADD: return a + b;
    case OP_SUB: return a - b;
    case OP_MUL: return a * b;
    case OP_DIV: return a / b;
    default: return (a - b) * (a - b);
  }
}

// out[r, c] = full[r, c] OP vec[c] (vec_first = 0) or vec[c] OP full[r, c] (vec_first = 1), rows x C.
EXPORT void bcast_channel(int op, int vec_first, const float* full, const float* vec, float* out, int rows, int C) {
  for (int r = 0; r < rows; r++) {
    const float* f = full + (long)r * C;
    float* o = out + (long)r * C;
    int c = 0;
    for (; c + 4 <= C; c += 4) {
      v128_t x = wasm_v128_load(f + c);
      v128_t y = wasm_v128_load(vec + c);
      wasm_v128_store(o + c, vec_first ? vop(op, y, x) : vop(op, x, y));
    }
    for (; c < C; c++) o[c] = vec_first ? sop(op, vec[c], f[c]) : sop(op, f[c], vec[c]);
  }
}

// out[r, c] = x[r, c] * a[c] + b[c] (batch-norm inference/forward once a and b are folded per channel).
EXPORT void affine_channel(const float* x, const float* a, const float* b, float* out, int rows, int C) {
  for (int r = 0; r < rows; r++) {
    const float* f = x + (long)r * C;
    float* o = out + (long)r * C;
    int c = 0;
    for (; c + 4 <= C; c += 4) {
      v128_t v = wasm_f32x4_add(wasm_f32x4_mul(wasm_v128_load(f + c), wasm_v128_load(a + c)), wasm_v128_load(b + c));
      wasm_v128_store(o + c, v);
    }
    for (; c < C; c++) o[c] = f[c] * a[c] + b[c];
  }
}

// out[c] = sum_r x[r, c]. Blocks of 64 rows are summed into `block` (C floats of scratch) and blocks into out,
// so a sum over ~10^6 rows rounds like ~10^4 additions, not 10^6.
EXPORT void sum_rows(const float* x, float* out, float* block, int rows, int C) {
  for (int c = 0; c < C; c++) out[c] = 0.0f;
  for (int r0 = 0; r0 < rows; r0 += 64) {
    int r1 = r0 + 64 < rows ? r0 + 64 : rows;
    for (int c = 0; c < C; c++) block[c] = 0.0f;
    for (int r = r0; r < r1; r++) {
      const float* f = x + (long)r * C;
      int c = 0;
      for (; c + 4 <= C; c += 4) wasm_v128_store(block + c, wasm_f32x4_add(wasm_v128_load(block + c), wasm_v128_load(f + c)));
      for (; c < C; c++) block[c] += f[c];
    }
    int c = 0;
    for (; c + 4 <= C; c += 4) wasm_v128_store(out + c, wasm_f32x4_add(wasm_v128_load(out + c), wasm_v128_load(block + c)));
    for (; c < C; c++) out[c] += block[c];
  }
}

// PyTorch's Adam/AdamW step for one tensor (torch/optim/adam.py, single-tensor path), in float32 like PyTorch:
//   g += grad_decay * p; p *= decay; m = b1 m + (1-b1) g; v = b2 v + (1-b2) g g;
//   p -= step_size * m / (sqrt(v) / bc2_sqrt + eps)
EXPORT void adam_f32(const float* p, const float* g, const float* m, const float* v, float* p2, float* m2, float* v2, int n,
                     float beta1, float beta2, float step_size, float bc2_sqrt, float eps, float decay, float grad_decay) {
  const float c1 = 1.0f - beta1, c2 = 1.0f - beta2;
  const v128_t B1 = wasm_f32x4_splat(beta1), B2 = wasm_f32x4_splat(beta2), C1 = wasm_f32x4_splat(c1), C2 = wasm_f32x4_splat(c2);
  const v128_t SS = wasm_f32x4_splat(step_size), BC = wasm_f32x4_splat(bc2_sqrt), EPS = wasm_f32x4_splat(eps);
  const v128_t DEC = wasm_f32x4_splat(decay), GD = wasm_f32x4_splat(grad_decay);
  int i = 0;
  for (; i + 4 <= n; i += 4) {
    v128_t pi = wasm_v128_load(p + i);
    v128_t gi = wasm_v128_load(g + i);
    gi = wasm_f32x4_add(gi, wasm_f32x4_mul(GD, pi));
    pi = wasm_f32x4_mul(pi, DEC);
    v128_t mi = wasm_f32x4_add(wasm_f32x4_mul(wasm_v128_load(m + i), B1), wasm_f32x4_mul(gi, C1));
    v128_t vi = wasm_f32x4_add(wasm_f32x4_mul(wasm_v128_load(v + i), B2), wasm_f32x4_mul(wasm_f32x4_mul(gi, gi), C2));
    v128_t denom = wasm_f32x4_add(wasm_f32x4_div(wasm_f32x4_sqrt(vi), BC), EPS);
    wasm_v128_store(m2 + i, mi);
    wasm_v128_store(v2 + i, vi);
    wasm_v128_store(p2 + i, wasm_f32x4_sub(pi, wasm_f32x4_mul(SS, wasm_f32x4_div(mi, denom))));
  }
  for (; i < n; i++) {
    float pi = p[i], gi = g[i] + grad_decay * p[i];
    pi *= decay;
    float mi = m[i] * beta1 + gi * c1;
    float vi = v[i] * beta2 + gi * gi * c2;
    m2[i] = mi;
    v2[i] = vi;
    p2[i] = pi - step_size * (mi / (__builtin_sqrtf(vi) / bc2_sqrt + eps));
  }
}

// dst[c, r] = src[r, c] for a rows x cols matrix, 4x4 blocks through SIMD shuffles, edges scalar.
EXPORT void transpose2d(const float* src, float* dst, int rows, int cols) {
  const int T = 16;
  for (int r0 = 0; r0 < rows; r0 += T) {
    int r1 = r0 + T < rows ? r0 + T : rows;
    for (int c0 = 0; c0 < cols; c0 += T) {
      int c1 = c0 + T < cols ? c0 + T : cols;
      int r = r0;
      for (; r + 4 <= r1; r += 4) {
        int c = c0;
        for (; c + 4 <= c1; c += 4) {
          v128_t a = wasm_v128_load(src + (long)r * cols + c);
          v128_t b = wasm_v128_load(src + (long)(r + 1) * cols + c);
          v128_t e = wasm_v128_load(src + (long)(r + 2) * cols + c);
          v128_t d = wasm_v128_load(src + (long)(r + 3) * cols + c);
          v128_t t0 = wasm_i32x4_shuffle(a, b, 0, 4, 1, 5);
          v128_t t1 = wasm_i32x4_shuffle(e, d, 0, 4, 1, 5);
          v128_t t2 = wasm_i32x4_shuffle(a, b, 2, 6, 3, 7);
          v128_t t3 = wasm_i32x4_shuffle(e, d, 2, 6, 3, 7);
          wasm_v128_store(dst + (long)c * rows + r, wasm_i32x4_shuffle(t0, t1, 0, 1, 4, 5));
          wasm_v128_store(dst + (long)(c + 1) * rows + r, wasm_i32x4_shuffle(t0, t1, 2, 3, 6, 7));
          wasm_v128_store(dst + (long)(c + 2) * rows + r, wasm_i32x4_shuffle(t2, t3, 0, 1, 4, 5));
          wasm_v128_store(dst + (long)(c + 3) * rows + r, wasm_i32x4_shuffle(t2, t3, 2, 3, 6, 7));
        }
        for (; c < c1; c++)
          for (int k = 0; k < 4; k++) dst[(long)c * rows + r + k] = src[(long)(r + k) * cols + c];
      }
      for (; r < r1; r++)
        for (int c = c0; c < c1; c++) dst[(long)c * rows + r] = src[(long)r * cols + c];
    }
  }
}

// PyTorch's SGD step (torch/optim/sgd.py): d = g + wd p; with momentum, buf = first ? d : momentum buf +
// (1 - dampening) d, and d = nesterov ? d + momentum buf : buf; then p -= lr d. buf/buf2 unused without momentum.
EXPORT void sgd_f32(const float* p, const float* g, const float* buf, float* p2, float* buf2, int n,
                    float lr, float momentum, float dampening, float wd, int nesterov, int first) {
  const v128_t LR = wasm_f32x4_splat(lr), MO = wasm_f32x4_splat(momentum), DA = wasm_f32x4_splat(1.0f - dampening);
  const v128_t WD = wasm_f32x4_splat(wd);
  int i = 0;
  for (; i + 4 <= n; i += 4) {
    v128_t pi = wasm_v128_load(p + i);
    v128_t d = wasm_f32x4_add(wasm_v128_load(g + i), wasm_f32x4_mul(WD, pi));
    if (momentum != 0.0f) {
      v128_t b = first ? d : wasm_f32x4_add(wasm_f32x4_mul(wasm_v128_load(buf + i), MO), wasm_f32x4_mul(DA, d));
      wasm_v128_store(buf2 + i, b);
      d = nesterov ? wasm_f32x4_add(d, wasm_f32x4_mul(MO, b)) : b;
    }
    wasm_v128_store(p2 + i, wasm_f32x4_sub(pi, wasm_f32x4_mul(LR, d)));
  }
  for (; i < n; i++) {
    float d = g[i] + wd * p[i];
    if (momentum != 0.0f) {
      float b = first ? d : buf[i] * momentum + (1.0f - dampening) * d;
      buf2[i] = b;
      d = nesterov ? d + momentum * b : b;
    }
    p2[i] = p[i] - lr * d;
  }
}

// C[M, N] = A[M, K] B[K, N] for a small output and a long K (convolution filter gradients: 27x12 results
// summed over 70,000 positions). XNNPACK packs B and reads A once per 8 columns; here A and B are each read
// once: K is cut into blocks whose slice of B stays in cache while every row of A passes over it, and the
// partial sums live in C between blocks (C is zeroed here).
#define KB 256
// Two rows of A at a time: twice the independent accumulators (the adds are latency-bound) and each load
// of B used twice.
static inline void rows_block(const float* A, const float* B, float* C, int M, int K, int N, int k0, int k1, int j0, int nv) {
  int i = 0;
  for (; i + 2 <= M; i += 2) {
    const float* a0 = A + (long)i * K;
    const float* a1 = a0 + K;
    float* c0 = C + (long)i * N + j0;
    float* c1 = c0 + N;
    v128_t z = wasm_f32x4_splat(0.0f);
    v128_t p0 = wasm_v128_load(c0), q0 = wasm_v128_load(c1);
    v128_t p1 = nv > 1 ? wasm_v128_load(c0 + 4) : z, q1 = nv > 1 ? wasm_v128_load(c1 + 4) : z;
    v128_t p2 = nv > 2 ? wasm_v128_load(c0 + 8) : z, q2 = nv > 2 ? wasm_v128_load(c1 + 8) : z;
    v128_t p3 = nv > 3 ? wasm_v128_load(c0 + 12) : z, q3 = nv > 3 ? wasm_v128_load(c1 + 12) : z;
    const float* b = B + (long)k0 * N + j0;
    for (int k = k0; k < k1; k++, b += N) {
      v128_t x0 = wasm_f32x4_splat(a0[k]);
      v128_t x1 = wasm_f32x4_splat(a1[k]);
      v128_t b0 = wasm_v128_load(b);
      p0 = wasm_f32x4_add(p0, wasm_f32x4_mul(x0, b0));
      q0 = wasm_f32x4_add(q0, wasm_f32x4_mul(x1, b0));
      if (nv > 1) {
        v128_t b1 = wasm_v128_load(b + 4);
        p1 = wasm_f32x4_add(p1, wasm_f32x4_mul(x0, b1));
        q1 = wasm_f32x4_add(q1, wasm_f32x4_mul(x1, b1));
      }
      if (nv > 2) {
        v128_t b2 = wasm_v128_load(b + 8);
        p2 = wasm_f32x4_add(p2, wasm_f32x4_mul(x0, b2));
        q2 = wasm_f32x4_add(q2, wasm_f32x4_mul(x1, b2));
      }
      if (nv > 3) {
        v128_t b3 = wasm_v128_load(b + 12);
        p3 = wasm_f32x4_add(p3, wasm_f32x4_mul(x0, b3));
        q3 = wasm_f32x4_add(q3, wasm_f32x4_mul(x1, b3));
      }
    }
    wasm_v128_store(c0, p0);
    wasm_v128_store(c1, q0);
    if (nv > 1) { wasm_v128_store(c0 + 4, p1); wasm_v128_store(c1 + 4, q1); }
    if (nv > 2) { wasm_v128_store(c0 + 8, p2); wasm_v128_store(c1 + 8, q2); }
    if (nv > 3) { wasm_v128_store(c0 + 12, p3); wasm_v128_store(c1 + 12, q3); }
  }
  for (; i < M; i++) {
    const float* a = A + (long)i * K;
    float* c = C + (long)i * N + j0;
    v128_t s0 = wasm_v128_load(c);
    v128_t s1 = nv > 1 ? wasm_v128_load(c + 4) : wasm_f32x4_splat(0.0f);
    v128_t s2 = nv > 2 ? wasm_v128_load(c + 8) : wasm_f32x4_splat(0.0f);
    v128_t s3 = nv > 3 ? wasm_v128_load(c + 12) : wasm_f32x4_splat(0.0f);
    const float* b = B + (long)k0 * N + j0;
    for (int k = k0; k < k1; k++, b += N) {
      v128_t av = wasm_f32x4_splat(a[k]);
      s0 = wasm_f32x4_add(s0, wasm_f32x4_mul(av, wasm_v128_load(b)));
      if (nv > 1) s1 = wasm_f32x4_add(s1, wasm_f32x4_mul(av, wasm_v128_load(b + 4)));
      if (nv > 2) s2 = wasm_f32x4_add(s2, wasm_f32x4_mul(av, wasm_v128_load(b + 8)));
      if (nv > 3) s3 = wasm_f32x4_add(s3, wasm_f32x4_mul(av, wasm_v128_load(b + 12)));
    }
    wasm_v128_store(c, s0);
    if (nv > 1) wasm_v128_store(c + 4, s1);
    if (nv > 2) wasm_v128_store(c + 8, s2);
    if (nv > 3) wasm_v128_store(c + 12, s3);
  }
}

EXPORT void gemm_small_out(const float* A, const float* B, float* C, int M, int K, int N) {
  for (long i = 0; i < (long)M * N; i++) C[i] = 0.0f;
  const int nvec = N / 4;
  for (int k0 = 0; k0 < K; k0 += KB) {
    int k1 = k0 + KB < K ? k0 + KB : K;
    int j0 = 0;
    for (; j0 + 16 <= nvec * 4; j0 += 16) rows_block(A, B, C, M, K, N, k0, k1, j0, 4);
    int rest = nvec - j0 / 4;
    if (rest == 3) rows_block(A, B, C, M, K, N, k0, k1, j0, 3);
    else if (rest == 2) rows_block(A, B, C, M, K, N, k0, k1, j0, 2);
    else if (rest == 1) rows_block(A, B, C, M, K, N, k0, k1, j0, 1);
    for (int j = nvec * 4; j < N; j++)
      for (int i = 0; i < M; i++) {
        float s = C[(long)i * N + j];
        for (int k = k0; k < k1; k++) s += A[(long)i * K + k] * B[(long)k * N + j];
        C[(long)i * N + j] = s;
      }
  }
}

// ---------------------------------------------------------------------------------------------------------
// General matrix product for the convolutions and dense layers: C[M, N] (+)= op(A)[M, K] B[K, N], every
// operand row-major with its own row stride, op(A) = A (A[i*lda + k]) or A^T (A[k*lda + i]). Nothing is
// packed: a 4x8 register tile reads 4 rows of A (splat) against 8 columns of B, K in blocks of KC so the
// KC x 8 slice of B stays in L1 while MC rows of A pass over it (A's block stays in L2). Measured on this
// machine (Zen 4, V8 11.3, one thread) ~50 GFLOP/s on the ResNet/ConvNet shapes against ~31 for XNNPACK's
// convolution with its per-call filter packing. Callers split M or N between threads (disjoint C).
#define KC 256
#define MC 128

#define MADD(c, a, b) c = wasm_f32x4_add(c, wasm_f32x4_mul(a, b))
#define SPLAT(v, l) wasm_i32x4_shuffle(v, v, l, l, l, l)

static void uk4x8(const float* A, int lda, int tA, const float* B, int ldb, float* C, int ldc, int kc, int load) {
  v128_t c00, c01, c10, c11, c20, c21, c30, c31;
  if (load) {
    c00 = wasm_v128_load(C); c01 = wasm_v128_load(C + 4);
    c10 = wasm_v128_load(C + ldc); c11 = wasm_v128_load(C + ldc + 4);
    c20 = wasm_v128_load(C + 2 * ldc); c21 = wasm_v128_load(C + 2 * ldc + 4);
    c30 = wasm_v128_load(C + 3 * ldc); c31 = wasm_v128_load(C + 3 * ldc + 4);
  } else {
    c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = wasm_f32x4_splat(0.0f);
  }
  if (!tA) {
    const float* a0 = A;
    const float* a1 = A + lda;
    const float* a2 = A + 2 * lda;
    const float* a3 = A + 3 * lda;
    for (int k = 0; k < kc; k++, B += ldb) {
      v128_t b0 = wasm_v128_load(B), b1 = wasm_v128_load(B + 4);
      v128_t x = wasm_v128_load32_splat(a0 + k);
      MADD(c00, x, b0); MADD(c01, x, b1);
      x = wasm_v128_load32_splat(a1 + k);
      MADD(c10, x, b0); MADD(c11, x, b1);
      x = wasm_v128_load32_splat(a2 + k);
      MADD(c20, x, b0); MADD(c21, x, b1);
      x = wasm_v128_load32_splat(a3 + k);
      MADD(c30, x, b0); MADD(c31, x, b1);
    }
  } else {
    for (int k = 0; k < kc; k++, B += ldb, A += lda) {
      v128_t b0 = wasm_v128_load(B), b1 = wasm_v128_load(B + 4);
      v128_t a = wasm_v128_load(A);
      v128_t x = SPLAT(a, 0);
      MADD(c00, x, b0); MADD(c01, x, b1);
      x = SPLAT(a, 1);
      MADD(c10, x, b0); MADD(c11, x, b1);
      x = SPLAT(a, 2);
      MADD(c20, x, b0); MADD(c21, x, b1);
      x = SPLAT(a, 3);
      MADD(c30, x, b0); MADD(c31, x, b1);
    }
  }
  wasm_v128_store(C, c00); wasm_v128_store(C + 4, c01);
  wasm_v128_store(C + ldc, c10); wasm_v128_store(C + ldc + 4, c11);
  wasm_v128_store(C + 2 * ldc, c20); wasm_v128_store(C + 2 * ldc + 4, c21);
  wasm_v128_store(C + 3 * ldc, c30); wasm_v128_store(C + 3 * ldc + 4, c31);
}

static void uk4x4(const float* A, int lda, int tA, const float* B, int ldb, float* C, int ldc, int kc, int load) {
  v128_t c0, c1, c2, c3;
  if (load) {
    c0 = wasm_v128_load(C); c1 = wasm_v128_load(C + ldc); c2 = wasm_v128_load(C + 2 * ldc); c3 = wasm_v128_load(C + 3 * ldc);
  } else {
    c0 = c1 = c2 = c3 = wasm_f32x4_splat(0.0f);
  }
  for (int k = 0; k < kc; k++, B += ldb) {
    v128_t b = wasm_v128_load(B);
    if (tA) {
      v128_t a = wasm_v128_load(A + (long)k * lda);
      MADD(c0, SPLAT(a, 0), b); MADD(c1, SPLAT(a, 1), b); MADD(c2, SPLAT(a, 2), b); MADD(c3, SPLAT(a, 3), b);
    } else {
      MADD(c0, wasm_v128_load32_splat(A + k), b);
      MADD(c1, wasm_v128_load32_splat(A + lda + k), b);
      MADD(c2, wasm_v128_load32_splat(A + 2 * lda + k), b);
      MADD(c3, wasm_v128_load32_splat(A + 3 * lda + k), b);
    }
  }
  wasm_v128_store(C, c0); wasm_v128_store(C + ldc, c1); wasm_v128_store(C + 2 * ldc, c2); wasm_v128_store(C + 3 * ldc, c3);
}

// One row of C, nv (1 or 2) vectors of columns. a_step: distance between consecutive k in A (1, or lda when tA).
static void uk1xv(const float* A, int a_step, const float* B, int ldb, float* C, int nv, int kc, int load) {
  v128_t c0 = load ? wasm_v128_load(C) : wasm_f32x4_splat(0.0f);
  v128_t c1 = load && nv > 1 ? wasm_v128_load(C + 4) : wasm_f32x4_splat(0.0f);
  for (int k = 0; k < kc; k++, B += ldb, A += a_step) {
    v128_t x = wasm_v128_load32_splat(A);
    MADD(c0, x, wasm_v128_load(B));
    if (nv > 1) MADD(c1, x, wasm_v128_load(B + 4));
  }
  wasm_v128_store(C, c0);
  if (nv > 1) wasm_v128_store(C + 4, c1);
}

EXPORT void gemm_f32(const float* A, int lda, int tA, const float* B, int ldb, float* C, int ldc, int M, int K, int N, int acc) {
  if (K <= 0) {
    if (!acc)
      for (int i = 0; i < M; i++)
        for (int j = 0; j < N; j++) C[(long)i * ldc + j] = 0.0f;
    return;
  }
  const long ai = tA ? 1 : lda;  // A's step between rows i
  const long ak = tA ? lda : 1;  // and between k
  for (int k0 = 0; k0 < K; k0 += KC) {
    const int kc = K - k0 < KC ? K - k0 : KC;
    const int load = acc || k0 > 0;
    for (int i0 = 0; i0 < M; i0 += MC) {
      const int i1 = M - i0 < MC ? M : i0 + MC;
      int j = 0;
      for (; j + 8 <= N; j += 8) {
        const float* Bp = B + (long)k0 * ldb + j;
        int i = i0;
        for (; i + 4 <= i1; i += 4) uk4x8(A + i * ai + k0 * ak, lda, tA, Bp, ldb, C + (long)i * ldc + j, ldc, kc, load);
        for (; i < i1; i++) uk1xv(A + i * ai + k0 * ak, (int)ak, Bp, ldb, C + (long)i * ldc + j, 2, kc, load);
      }
      if (j + 4 <= N) {
        const float* Bp = B + (long)k0 * ldb + j;
        int i = i0;
        for (; i + 4 <= i1; i += 4) uk4x4(A + i * ai + k0 * ak, lda, tA, Bp, ldb, C + (long)i * ldc + j, ldc, kc, load);
        for (; i < i1; i++) uk1xv(A + i * ai + k0 * ak, (int)ak, Bp, ldb, C + (long)i * ldc + j, 1, kc, load);
        j += 4;
      }
      for (; j < N; j++)
        for (int i = i0; i < i1; i++) {
          float s = load ? C[(long)i * ldc + j] : 0.0f;
          const float* a = A + i * ai + k0 * ak;
          const float* b = B + (long)k0 * ldb + j;
          for (int k = 0; k < kc; k++) s += a[k * ak] * b[(long)k * ldb];
          C[(long)i * ldc + j] = s;
        }
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// im2col / col2im for NHWC convolutions: row m = ((b - b0)*OH + oh)*OW + ow of cols holds the KH*KW*CI
// inputs of output pixel m in the filter's [KH, KW, CI] order (zeros where the window reads padding), so
// conv = cols @ filter[K, CO]. Each tap is one contiguous run of CI floats.
static inline void copy_f(float* d, const float* s, int n) {
  int i = 0;
  for (; i + 4 <= n; i += 4) wasm_v128_store(d + i, wasm_v128_load(s + i));
  for (; i < n; i++) d[i] = s[i];
}
static inline void zero_f(float* d, int n) {
  int i = 0;
  for (; i + 4 <= n; i += 4) wasm_v128_store(d + i, wasm_f32x4_splat(0.0f));
  for (; i < n; i++) d[i] = 0.0f;
}
static inline void add_f(float* d, const float* s, int n) {
  int i = 0;
  for (; i + 4 <= n; i += 4) wasm_v128_store(d + i, wasm_f32x4_add(wasm_v128_load(d + i), wasm_v128_load(s + i)));
  for (; i < n; i++) d[i] += s[i];
}

EXPORT void im2col_nhwc(const float* x, float* cols, int H, int W, int CI, int OH, int OW, int KH, int KW, int sh, int sw, int dh, int dw, int pt, int pl, int b0, int b1) {
  const long K = (long)KH * KW * CI;
  float* row = cols;
  for (int b = b0; b < b1; b++)
    for (int oh = 0; oh < OH; oh++)
      for (int ow = 0; ow < OW; ow++, row += K) {
        float* o = row;
        const int iw0 = ow * sw - pl;
        // With dilation 1 and the whole kernel row inside the image, its KW taps are one run of KW*CI floats.
        const int rowInside = dw == 1 && iw0 >= 0 && iw0 + KW <= W;
        for (int kh = 0; kh < KH; kh++) {
          const int ih = oh * sh + kh * dh - pt;
          if (rowInside && ih >= 0 && ih < H) {
            copy_f(o, x + (((long)b * H + ih) * W + iw0) * CI, KW * CI);
            o += KW * CI;
            continue;
          }
          for (int kw = 0; kw < KW; kw++, o += CI) {
            const int iw = ow * sw + kw * dw - pl;
            if (ih < 0 || ih >= H || iw < 0 || iw >= W) zero_f(o, CI);
            else copy_f(o, x + (((long)b * H + ih) * W + iw) * CI, CI);
          }
        }
      }
}

// Adjoint of im2col_nhwc: dx[b, ih, iw, :] = sum of the dcols runs that read it, for images [b0, b1)
// (their part of dx is zeroed here first; other images are untouched, so threads can split by image).
EXPORT void col2im_nhwc(const float* dcols, float* dx, int H, int W, int CI, int OH, int OW, int KH, int KW, int sh, int sw, int dh, int dw, int pt, int pl, int b0, int b1) {
  const long K = (long)KH * KW * CI;
  zero_f(dx + (long)b0 * H * W * CI, (int)((long)(b1 - b0) * H * W * CI));
  const float* row = dcols;
  for (int b = b0; b < b1; b++)
    for (int oh = 0; oh < OH; oh++)
      for (int ow = 0; ow < OW; ow++, row += K) {
        const float* s = row;
        const int iw0 = ow * sw - pl;
        const int rowInside = dw == 1 && iw0 >= 0 && iw0 + KW <= W;
        for (int kh = 0; kh < KH; kh++) {
          const int ih = oh * sh + kh * dh - pt;
          if (rowInside && ih >= 0 && ih < H) {
            add_f(dx + (((long)b * H + ih) * W + iw0) * CI, s, KW * CI);
            s += KW * CI;
            continue;
          }
          for (int kw = 0; kw < KW; kw++, s += CI) {
            const int iw = ow * sw + kw * dw - pl;
            if (ih >= 0 && ih < H && iw >= 0 && iw < W) add_f(dx + (((long)b * H + ih) * W + iw) * CI, s, CI);
          }
        }
      }
}

// out[r, :] = act(out[r, :] + bias) for a rows x N matrix; bias may be 0 (no bias); act 0 = linear, 1 = relu.
EXPORT void bias_act(float* out, const float* bias, int rows, int N, int act) {
  const v128_t z = wasm_f32x4_splat(0.0f);
  for (int r = 0; r < rows; r++) {
    float* o = out + (long)r * N;
    int c = 0;
    for (; c + 4 <= N; c += 4) {
      v128_t v = wasm_v128_load(o + c);
      if (bias) v = wasm_f32x4_add(v, wasm_v128_load(bias + c));
      if (act == 1) v = wasm_f32x4_max(v, z);
      wasm_v128_store(o + c, v);
    }
    for (; c < N; c++) {
      float v = o[c] + (bias ? bias[c] : 0.0f);
      o[c] = act == 1 && v < 0.0f ? 0.0f : v;
    }
  }
}

// MaxPoolGrad, NHWC, images [b0, b1) (their part of dx zeroed here): each window's dy goes to the FIRST
// position holding the window's maximum (scan order kh, kw; strict >, so NaN never wins and an all -inf or
// all-NaN window passes nothing), as the cpu backend and PyTorch do. Channels 4 at a time: the running max
// and the winning element offset ride in two vectors; the four winners are then added one by one.
// KH, KW are the effective (dilated) window sizes, stepped by dh, dw.
// Non-overlapping windows (stride = window, no dilation, no padding: the ConvNet's 2x2 pools): every input
// element lies in at most one window, so each window writes its elements once (dy at the winner, 0 elsewhere)
// instead of zeroing dx and adding into it: one pass over dx instead of two, no scalar scatter. Winners as
// below; 0 + dy as below (so a -0 gradient arrives as +0, bitwise the general path).
static void maxpool_grad_tiled(const float* x, const float* dy, float* dx, int H, int W, int C, int OH, int OW, int KH, int KW, int b0, int b1) {
  if (OH * KH != H || OW * KW != W) zero_f(dx + (long)b0 * H * W * C, (int)((long)(b1 - b0) * H * W * C));  // uncovered edges
  const v128_t NEG = wasm_f32x4_splat(-__builtin_inff()), Z = wasm_f32x4_splat(0.0f);
  for (int b = b0; b < b1; b++)
    for (int oh = 0; oh < OH; oh++)
      for (int ow = 0; ow < OW; ow++) {
        const float* g = dy + (((long)b * OH + oh) * OW + ow) * C;
        const long base = (((long)b * H + oh * KH) * W + ow * KW) * C;
        int c = 0;
        for (; c + 4 <= C; c += 4) {
          v128_t best = NEG, win = wasm_i32x4_splat(-1);
          for (int kh = 0, k = 0; kh < KH; kh++)
            for (int kw = 0; kw < KW; kw++, k++) {
              v128_t v = wasm_v128_load(x + base + ((long)kh * W + kw) * C + c);
              v128_t m = wasm_f32x4_gt(v, best);
              best = wasm_v128_bitselect(v, best, m);
              win = wasm_v128_bitselect(wasm_i32x4_splat(k), win, m);
            }
          const v128_t gv = wasm_f32x4_add(Z, wasm_v128_load(g + c));
          for (int kh = 0, k = 0; kh < KH; kh++)
            for (int kw = 0; kw < KW; kw++, k++)
              wasm_v128_store(dx + base + ((long)kh * W + kw) * C + c, wasm_v128_and(gv, wasm_i32x4_eq(win, wasm_i32x4_splat(k))));
        }
        for (; c < C; c++) {
          float best = -__builtin_inff();
          int win = -1;
          for (int kh = 0, k = 0; kh < KH; kh++)
            for (int kw = 0; kw < KW; kw++, k++) {
              float v = x[base + ((long)kh * W + kw) * C + c];
              if (v > best) { best = v; win = k; }
            }
          for (int kh = 0, k = 0; kh < KH; kh++)
            for (int kw = 0; kw < KW; kw++, k++) dx[base + ((long)kh * W + kw) * C + c] = k == win ? 0.0f + g[c] : 0.0f;
        }
      }
}

EXPORT void maxpool_grad_nhwc(const float* x, const float* dy, float* dx, int H, int W, int C, int OH, int OW, int KH, int KW,
                              int sh, int sw, int dh, int dw, int pt, int pl, int b0, int b1) {
  if (KH == sh && KW == sw && dh == 1 && dw == 1 && pt == 0 && pl == 0 && OH * KH <= H && OW * KW <= W) {
    maxpool_grad_tiled(x, dy, dx, H, W, C, OH, OW, KH, KW, b0, b1);
    return;
  }
  zero_f(dx + (long)b0 * H * W * C, (int)((long)(b1 - b0) * H * W * C));
  const v128_t NEG = wasm_f32x4_splat(-__builtin_inff());
  for (int b = b0; b < b1; b++)
    for (int oh = 0; oh < OH; oh++)
      for (int ow = 0; ow < OW; ow++) {
        const float* g = dy + (((long)b * OH + oh) * OW + ow) * C;
        int c = 0;
        for (; c + 4 <= C; c += 4) {
          v128_t best = NEG, pos = wasm_i32x4_splat(-1);
          for (int kh = 0; kh < KH; kh += dh) {
            const int ih = oh * sh + kh - pt;
            if (ih < 0 || ih >= H) continue;
            for (int kw = 0; kw < KW; kw += dw) {
              const int iw = ow * sw + kw - pl;
              if (iw < 0 || iw >= W) continue;
              const int off = (int)((((long)b * H + ih) * W + iw) * C + c);
              v128_t v = wasm_v128_load(x + off);
              v128_t m = wasm_f32x4_gt(v, best);
              best = wasm_v128_bitselect(v, best, m);
              pos = wasm_v128_bitselect(wasm_i32x4_splat(off), pos, m);
            }
          }
          int p0 = wasm_i32x4_extract_lane(pos, 0), p1 = wasm_i32x4_extract_lane(pos, 1);
          int p2 = wasm_i32x4_extract_lane(pos, 2), p3 = wasm_i32x4_extract_lane(pos, 3);
          if (p0 >= 0) dx[p0] += g[c];
          if (p1 >= 0) dx[p1 + 1] += g[c + 1];
          if (p2 >= 0) dx[p2 + 2] += g[c + 2];
          if (p3 >= 0) dx[p3 + 3] += g[c + 3];
        }
        for (; c < C; c++) {
          float best = -__builtin_inff();
          long pos = -1;
          for (int kh = 0; kh < KH; kh += dh) {
            const int ih = oh * sh + kh - pt;
            if (ih < 0 || ih >= H) continue;
            for (int kw = 0; kw < KW; kw += dw) {
              const int iw = ow * sw + kw - pl;
              if (iw < 0 || iw >= W) continue;
              const long off = (((long)b * H + ih) * W + iw) * C + c;
              if (x[off] > best) { best = x[off]; pos = off; }
            }
          }
          if (pos >= 0) dx[pos] += g[c];
        }
      }
}

// ---------------------------------------------------------------------------------------------------------
// Training-mode batch normalization over x[rows, C] (channels last; rows = every other axis): what
// tf.layers.batchNormalization computes in training as tf.moments + tf.batchNorm (~10 kernels forward, ~40 for
// the gradient), here one call each way. The forward repeats the unfused path's arithmetic on our kernels
// operation for operation (sum_rows' 64-row blocks, sums divided by rows in double, (x - mean)^2 in float,
// FusedBatchNorm's per-channel fold in double), so y, mean and variance are bitwise those of that path.
// gamma / beta may be 0 (absent: scale 1, offset 0).

// acc[c] += sum over rows [r0, r1) of f(row); f is (x - m)^2 when m is given, x otherwise.
static inline void bn_block_sum(const float* x, const float* m, float* acc, float* block, int r0, int r1, int C) {
  for (int c = 0; c < C; c++) block[c] = 0.0f;
  for (int r = r0; r < r1; r++) {
    const float* f = x + (long)r * C;
    int c = 0;
    if (m) {
      for (; c + 4 <= C; c += 4) {
        v128_t d = wasm_f32x4_sub(wasm_v128_load(f + c), wasm_v128_load(m + c));
        wasm_v128_store(block + c, wasm_f32x4_add(wasm_v128_load(block + c), wasm_f32x4_mul(d, d)));
      }
      for (; c < C; c++) {
        float d = f[c] - m[c];
        block[c] += d * d;
      }
    } else {
      for (; c + 4 <= C; c += 4) wasm_v128_store(block + c, wasm_f32x4_add(wasm_v128_load(block + c), wasm_v128_load(f + c)));
      for (; c < C; c++) block[c] += f[c];
    }
  }
  int c = 0;
  for (; c + 4 <= C; c += 4) wasm_v128_store(acc + c, wasm_f32x4_add(wasm_v128_load(acc + c), wasm_v128_load(block + c)));
  for (; c < C; c++) acc[c] += block[c];
}

// y = x * a[c] + b[c] with a = gamma / sqrt(var + eps), b = beta - mean * a; mean, biased variance out.
// scratch: 2*C floats. Three passes over x: sum, squared deviations, output.
EXPORT void bn_train_fwd(const float* x, const float* gamma, const float* beta, float* y, float* mean, float* var,
                         float* scratch, int rows, int C, double eps) {
  float* block = scratch;
  for (int c = 0; c < C; c++) mean[c] = var[c] = 0.0f;
  for (int r0 = 0; r0 < rows; r0 += 64) bn_block_sum(x, 0, mean, block, r0, r0 + 64 < rows ? r0 + 64 : rows, C);
  for (int c = 0; c < C; c++) mean[c] = (float)((double)mean[c] / rows);
  for (int r0 = 0; r0 < rows; r0 += 64) bn_block_sum(x, mean, var, block, r0, r0 + 64 < rows ? r0 + 64 : rows, C);
  float* a = scratch;
  float* b = scratch + C;
  for (int c = 0; c < C; c++) {
    var[c] = (float)((double)var[c] / rows);
    double k = (gamma ? (double)gamma[c] : 1.0) / __builtin_sqrt((double)var[c] + eps);
    a[c] = (float)k;
    b[c] = (float)((beta ? (double)beta[c] : 0.0) - (double)mean[c] * k);
  }
  affine_channel(x, a, b, y, rows, C);
}

// Gradient of bn_train_fwd's y (batch statistics), xhat = (x - mean) * rstd, rstd = 1 / sqrt(var + eps):
//   dbeta = sum dy, dgamma = sum dy * xhat, dx = gamma * rstd * (dy - dbeta / N - xhat * dgamma / N).
// Two passes: both sums at once (64-row blocks, as sum_rows), then dx. scratch: 3*C floats.
EXPORT void bn_train_grad(const float* x, const float* dy, const float* gamma, const float* mean, const float* var,
                          float* dx, float* dgamma, float* dbeta, float* scratch, int rows, int C, double eps) {
  float* bb = scratch;      // block sums of dy
  float* bg = scratch + C;  // block sums of dy * (x - mean)
  for (int c = 0; c < C; c++) dgamma[c] = dbeta[c] = 0.0f;
  for (int r0 = 0; r0 < rows; r0 += 64) {
    int r1 = r0 + 64 < rows ? r0 + 64 : rows;
    for (int c = 0; c < C; c++) bb[c] = bg[c] = 0.0f;
    for (int r = r0; r < r1; r++) {
      const float* xr = x + (long)r * C;
      const float* gr = dy + (long)r * C;
      int c = 0;
      for (; c + 4 <= C; c += 4) {
        v128_t g = wasm_v128_load(gr + c);
        v128_t d = wasm_f32x4_sub(wasm_v128_load(xr + c), wasm_v128_load(mean + c));
        wasm_v128_store(bb + c, wasm_f32x4_add(wasm_v128_load(bb + c), g));
        wasm_v128_store(bg + c, wasm_f32x4_add(wasm_v128_load(bg + c), wasm_f32x4_mul(g, d)));
      }
      for (; c < C; c++) {
        bb[c] += gr[c];
        bg[c] += gr[c] * (xr[c] - mean[c]);
      }
    }
    add_f(dbeta, bb, C);
    add_f(dgamma, bg, C);
  }
  float* A = scratch;          // gamma * rstd
  float* E = scratch + C;      // rstd * dgamma / N
  float* F = scratch + 2 * C;  // dbeta / N
  for (int c = 0; c < C; c++) {
    double rstd = 1.0 / __builtin_sqrt((double)var[c] + eps);
    float dg = (float)((double)dgamma[c] * rstd);
    dgamma[c] = dg;
    A[c] = (float)((gamma ? (double)gamma[c] : 1.0) * rstd);
    E[c] = (float)(rstd * (double)dg / rows);
    F[c] = (float)((double)dbeta[c] / rows);
  }
  for (int r = 0; r < rows; r++) {
    const float* xr = x + (long)r * C;
    const float* gr = dy + (long)r * C;
    float* o = dx + (long)r * C;
    int c = 0;
    for (; c + 4 <= C; c += 4) {
      v128_t d = wasm_f32x4_sub(wasm_v128_load(xr + c), wasm_v128_load(mean + c));
      v128_t t = wasm_f32x4_sub(wasm_f32x4_sub(wasm_v128_load(gr + c), wasm_v128_load(F + c)), wasm_f32x4_mul(d, wasm_v128_load(E + c)));
      wasm_v128_store(o + c, wasm_f32x4_mul(wasm_v128_load(A + c), t));
    }
    for (; c < C; c++) o[c] = A[c] * ((gr[c] - F[c]) - (xr[c] - mean[c]) * E[c]);
  }
}

// ReLU's gradient in one pass: dx = dy * step(x), step(x) = 1 where x > 0, 0 where x <= 0, NaN where x is NaN:
// bitwise what tfjs's composition mul(dy, cast(step(x))) gives (three kernels and two full-size buffers).
// x may also be relu's output (relu(x) > 0 exactly where x > 0).
EXPORT void relu_grad(const float* x, const float* dy, float* dx, int n) {
  const v128_t zero = wasm_f32x4_splat(0.f);
  const v128_t one = wasm_f32x4_splat(1.f);
  int i = 0;
  for (; i + 4 <= n; i += 4) {
    v128_t v = wasm_v128_load(x + i);
    v128_t step = wasm_v128_and(wasm_f32x4_gt(v, zero), one);
    step = wasm_v128_or(step, wasm_v128_andnot(v, wasm_f32x4_eq(v, v)));  // NaN lanes keep x's NaN
    wasm_v128_store(dx + i, wasm_f32x4_mul(wasm_v128_load(dy + i), step));
  }
  for (; i < n; i++) {
    float v = x[i];
    float step = v > 0.f ? 1.f : (v != v ? v : 0.f);
    dx[i] = dy[i] * step;
  }
}

// ---------------------------------------------------------------------------------------------------------
// tfjs's random initialisers (tf.randomUniform, tf.randomNormal, tf.truncatedNormal: seedrandom's alea
// stream, Marsaglia's polar method, truncation at 2 std), value for value: every operation is the same IEEE
// double operation in the same order as tfjs's JS, and log is fdlibm's __ieee754_log, the algorithm V8's
// Math.log runs (../random-init.ts checks the outputs bitwise against tfjs's). ~11M values per ResNet-18.

// fdlibm e_log.c (FreeBSD msun), as in V8's base/ieee754.cc.
static double fd_log(double x) {
  const double ln2_hi = 6.93147180369123816490e-01, ln2_lo = 1.90821492927058770002e-10, two54 = 1.80143985094819840000e+16;
  const double Lg1 = 6.666666666666735130e-01, Lg2 = 3.999999999940941908e-01, Lg3 = 2.857142874366239149e-01;
  const double Lg4 = 2.222219843214978396e-01, Lg5 = 1.818357216161805012e-01, Lg6 = 1.531383769920937332e-01;
  const double Lg7 = 1.479819860511658591e-01;
  double hfsq, f, s, z, R, w, t1, t2, dk;
  int k, hx, i, j;
  unsigned long long bits = __builtin_bit_cast(unsigned long long, x);
  hx = (int)(bits >> 32);
  unsigned lx = (unsigned)bits;
  k = 0;
  if (hx < 0x00100000) {
    if (((hx & 0x7fffffff) | lx) == 0) return -__builtin_inf();
    if (hx < 0) return __builtin_nan("");
    k -= 54;
    x *= two54;
    hx = (int)(__builtin_bit_cast(unsigned long long, x) >> 32);
  }
  if (hx >= 0x7ff00000) return x + x;
  k += (hx >> 20) - 1023;
  hx &= 0x000fffff;
  i = (hx + 0x95f64) & 0x100000;
  bits = __builtin_bit_cast(unsigned long long, x);
  bits = (bits & 0xffffffffull) | ((unsigned long long)(unsigned)(hx | (i ^ 0x3ff00000)) << 32);
  x = __builtin_bit_cast(double, bits);
  k += (i >> 20);
  f = x - 1.0;
  if ((0x000fffff & (2 + hx)) < 3) {
    if (f == 0.0) {
      if (k == 0) return 0.0;
      dk = (double)k;
      return dk * ln2_hi + dk * ln2_lo;
    }
    R = f * f * (0.5 - 0.33333333333333333 * f);
    if (k == 0) return f - R;
    dk = (double)k;
    return dk * ln2_hi - ((R - dk * ln2_lo) - f);
  }
  s = f / (2.0 + f);
  dk = (double)k;
  z = s * s;
  i = hx - 0x6147a;
  w = z * z;
  j = 0x6b851 - hx;
  t1 = w * (Lg2 + w * (Lg4 + w * Lg6));
  t2 = z * (Lg1 + w * (Lg3 + w * (Lg5 + w * Lg7)));
  i |= j;
  R = t2 + t1;
  if (i > 0) {
    hfsq = 0.5 * f * f;
    if (k == 0) return f - (hfsq - s * (hfsq + R));
    return dk * ln2_hi - ((hfsq - (s * (hfsq + R) + dk * ln2_lo)) - f);
  }
  if (k == 0) return f - s * (f - R);
  return dk * ln2_hi - ((s * (f - R) - dk * ln2_lo) - f);
}

// Exported for the test that compares it with Math.log.
EXPORT double dlgrade_log(double x) { return fd_log(x); }

// alea's step, t = 2091639 s0 + c 2^-32, c = t | 0, s2 = t - c, is exact integer arithmetic in doubles: every
// state s is a multiple of 2^-32 and 2091639 (2^32 - 1) + c < 2^53, so with S = s 2^32 it is the
// multiply-with-carry T = 2091639 S0 + c, c = T >> 32, S2 = T mod 2^32: the same numbers, a short integer
// dependency chain instead of a float -> int -> float one.
struct alea { unsigned long long s0, s1, s2, c; };
static inline double alea_next(struct alea* g) {
  unsigned long long t = 2091639ull * g->s0 + g->c;
  g->s0 = g->s1;
  g->s1 = g->s2;
  g->c = t >> 32;
  g->s2 = t & 0xffffffffull;
  return (double)g->s2 * 2.3283064365386963e-10;  // exact: s2 < 2^32
}

// Fills out[0..n) from the alea state at `state` (s0, s1, s2, c as JS holds them: four doubles), and leaves
// the state after the last draw there. kind 0: uniform min + range * u (a = min, b = range); 1: normal
// a + b * gauss (a = mean, b = std); 2: the same truncated to [a - 2b, a + 2b], redrawn outside.
EXPORT void random_fill_f32(float* out, int n, int kind, double a, double b, double* state) {
  struct alea g = { (unsigned long long)(state[0] * 4294967296.0), (unsigned long long)(state[1] * 4294967296.0), (unsigned long long)(state[2] * 4294967296.0), (unsigned long long)state[3] };
  const double upper = a + b * 2, lower = a - b * 2;
  int have_next = 0;
  double next = 0;
  for (int i = 0; i < n; i++) {
    if (kind == 0) {
      out[i] = (float)(a + b * alea_next(&g));
      continue;
    }
    if (have_next) {
      out[i] = (float)next;
      have_next = 0;
      continue;
    }
    double x, y;
    for (;;) {
      double v1, v2, s;
      do {
        v1 = 2 * alea_next(&g) - 1;
        v2 = 2 * alea_next(&g) - 1;
        s = v1 * v1 + v2 * v2;
      } while (s >= 1 || s == 0);
      double mul = __builtin_sqrt(-2.0 * fd_log(s) / s);
      x = a + b * v1 * mul;
      y = a + b * v2 * mul;
      if (kind != 2 || (x <= upper && x >= lower)) break;
    }
    if (kind != 2 || (y <= upper && y >= lower)) {
      next = y;
      have_next = 1;
    }
    out[i] = (float)x;
  }
  state[0] = (double)g.s0 * 2.3283064365386963e-10;
  state[1] = (double)g.s1 * 2.3283064365386963e-10;
  state[2] = (double)g.s2 * 2.3283064365386963e-10;
  state[3] = (double)g.c;
}

// BatchNormalization's moving statistics, in place: v = v - (v - value) * decay, in float32 in that order
// (tfjs-layers' doMovingAverage: sub, mul, sub; bitwise the same numbers).
EXPORT void moving_average(float* v, const float* value, int n, float decay) {
  const v128_t D = wasm_f32x4_splat(decay);
  int i = 0;
  for (; i + 4 <= n; i += 4) {
    v128_t o = wasm_v128_load(v + i);
    wasm_v128_store(v + i, wasm_f32x4_sub(o, wasm_f32x4_mul(wasm_f32x4_sub(o, wasm_v128_load(value + i)), D)));
  }
  for (; i < n; i++) v[i] = v[i] - (v[i] - value[i]) * decay;
}
