// dlgrade's bridge from tfjs's wasm heap to the machine's BLAS: cblas_sgemm on byte offsets into the heap
// (a typed array over the wasm memory), so a product runs at native AVX speed on the tensors where they
// lie, with no copy. The BLAS is opened at run time (dlopen), so building this needs only a C compiler and
// Node's headers, and a machine without a fast BLAS simply keeps the wasm GEMM (see native-blas.ts).
// Every call checks that each operand lies inside the heap: a bad offset is a RangeError, never a write
// outside the wasm memory.
#include <node_api.h>
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef void (*sgemm_fn)(int order, int transA, int transB, int M, int N, int K, float alpha, const float* A, int lda,
                         const float* B, int ldb, float beta, float* C, int ldc);
typedef void (*set_threads_fn)(int);
typedef int (*get_threads_fn)(void);
typedef char* (*get_config_fn)(void);

enum { ROW_MAJOR = 101, NO_TRANS = 111, TRANS = 112 };

static sgemm_fn sgemm;
static set_threads_fn set_threads;
static get_threads_fn get_threads;
static get_config_fn get_config;
static char library[1024];

static napi_value undefined_value(napi_env env) {
  napi_value u;
  napi_get_undefined(env, &u);
  return u;
}

static napi_value string_value(napi_env env, const char* s) {
  napi_value v;
  napi_create_string_utf8(env, s, NAPI_AUTO_LENGTH, &v);
  return v;
}

// open(path) -> "" when a library with cblas_sgemm is open (this one or an earlier one), else why not.
static napi_value Open(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  char path[1024];
  size_t len = 0;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 1 || napi_get_value_string_utf8(env, argv[0], path, sizeof path, &len) != napi_ok) {
    napi_throw_type_error(env, NULL, "open(path): path must be a string");
    return NULL;
  }
  if (sgemm) return string_value(env, strcmp(path, library) == 0 ? "" : "another BLAS is already open");
  // OpenBLAS starts one thread per core when it loads; start it with one (native-blas.ts then sets the count
  // it wants), and take the variable away again: child processes (the bench's PyTorch peer) must not inherit it.
  const int had_env = getenv("OPENBLAS_NUM_THREADS") != NULL;
  if (!had_env) setenv("OPENBLAS_NUM_THREADS", "1", 1);
  void* h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (!had_env) unsetenv("OPENBLAS_NUM_THREADS");
  if (!h) return string_value(env, dlerror());
  sgemm_fn f = (sgemm_fn)dlsym(h, "cblas_sgemm");
  if (!f) {
    dlclose(h);
    return string_value(env, "no cblas_sgemm in it");
  }
  sgemm = f;
  set_threads = (set_threads_fn)dlsym(h, "openblas_set_num_threads");
  if (!set_threads) set_threads = (set_threads_fn)dlsym(h, "MKL_Set_Num_Threads");
  get_threads = (get_threads_fn)dlsym(h, "openblas_get_num_threads");
  if (!get_threads) get_threads = (get_threads_fn)dlsym(h, "MKL_Get_Max_Threads");
  get_config = (get_config_fn)dlsym(h, "openblas_get_config");
  snprintf(library, sizeof library, "%s", path);
  return string_value(env, "");
}

// about() -> the library's own description (OpenBLAS: version, kernel, threads build) or its path.
static napi_value About(napi_env env, napi_callback_info info) {
  (void)info;
  if (!sgemm) return undefined_value(env);
  return string_value(env, get_config ? get_config() : library);
}

// threads(n?) -> sets the BLAS's thread count when it has a setter; returns the count it reports (0: unknown).
static napi_value Threads(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  int32_t n = 0;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc >= 1 && napi_get_value_int32(env, argv[0], &n) == napi_ok && n > 0 && set_threads) set_threads(n);
  napi_value r;
  napi_create_int32(env, get_threads ? get_threads() : 0, &r);
  return r;
}

// Whether a stored rows x cols matrix with row stride ld, starting at byte offset off, is 4-byte aligned and
// ends inside a heap of `bytes` bytes.
static int fits(uint64_t off, int64_t rows, int64_t cols, int64_t ld, uint64_t bytes) {
  if (rows <= 0 || cols <= 0) return 1;
  if (off % 4 != 0 || ld < cols) return 0;
  uint64_t end = off + ((uint64_t)(rows - 1) * (uint64_t)ld + (uint64_t)cols) * 4u;
  return end <= bytes;
}

// sgemm(heap, a, lda, transA, b, ldb, transB, c, ldc, M, K, N, accumulate):
// C[M, N] = op(A)[M, K] op(B)[K, N] (+ C when accumulate), row-major, a/b/c byte offsets into heap, A stored
// [K, M] when transA and B stored [N, K] when transB, as the wasm kernels' gemm_f32.
static napi_value Sgemm(napi_env env, napi_callback_info info) {
  size_t argc = 13;
  napi_value argv[13];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (!sgemm) {
    napi_throw_error(env, NULL, "sgemm: no BLAS is open");
    return NULL;
  }
  if (argc < 13) {
    napi_throw_type_error(env, NULL, "sgemm(heap, a, lda, transA, b, ldb, transB, c, ldc, M, K, N, accumulate): 13 arguments");
    return NULL;
  }
  napi_typedarray_type type;
  size_t length, byteOffset;
  void* data;
  napi_value buffer;
  if (napi_get_typedarray_info(env, argv[0], &type, &length, &data, &buffer, &byteOffset) != napi_ok || type != napi_uint8_array) {
    napi_throw_type_error(env, NULL, "sgemm: heap must be a Uint8Array over the wasm memory");
    return NULL;
  }
  double v[12];
  for (int i = 0; i < 12; i++) {
    if (napi_get_value_double(env, argv[i + 1], &v[i]) != napi_ok) {
      napi_throw_type_error(env, NULL, "sgemm: offsets, strides and sizes must be numbers");
      return NULL;
    }
  }
  const uint64_t a = (uint64_t)v[0], b = (uint64_t)v[3], c = (uint64_t)v[6];
  const int lda = (int)v[1], tA = v[2] != 0, ldb = (int)v[4], tB = v[5] != 0, ldc = (int)v[7];
  const int M = (int)v[8], K = (int)v[9], N = (int)v[10], acc = v[11] != 0;
  if (M < 0 || K < 0 || N < 0 || v[0] < 0 || v[3] < 0 || v[6] < 0) {
    napi_throw_range_error(env, NULL, "sgemm: negative size or offset");
    return NULL;
  }
  if (M == 0 || N == 0) return NULL;
  if (!fits(a, tA ? K : M, tA ? M : K, lda, length) || !fits(b, tB ? N : K, tB ? K : N, ldb, length) || !fits(c, M, N, ldc, length)) {
    char msg[256];
    snprintf(msg, sizeof msg, "sgemm: an operand lies outside the heap (%zu bytes): a=%llu lda=%d b=%llu ldb=%d c=%llu ldc=%d M=%d K=%d N=%d",
             length, (unsigned long long)a, lda, (unsigned long long)b, ldb, (unsigned long long)c, ldc, M, K, N);
    napi_throw_range_error(env, NULL, msg);
    return NULL;
  }
  char* base = (char*)data;
  // K == 0: BLAS scales C by beta, which is what an empty sum means.
  sgemm(ROW_MAJOR, tA ? TRANS : NO_TRANS, tB ? TRANS : NO_TRANS, M, N, K, 1.0f, (const float*)(base + a), lda > 0 ? lda : 1,
        (const float*)(base + b), ldb > 0 ? ldb : 1, acc ? 1.0f : 0.0f, (float*)(base + c), ldc);
  return NULL;
}

NAPI_MODULE_INIT() {
  napi_property_descriptor props[] = {
      {"open", NULL, Open, NULL, NULL, NULL, napi_default, NULL},
      {"about", NULL, About, NULL, NULL, NULL, napi_default, NULL},
      {"threads", NULL, Threads, NULL, NULL, NULL, napi_default, NULL},
      {"sgemm", NULL, Sgemm, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}
