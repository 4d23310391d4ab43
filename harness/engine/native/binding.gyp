{
  "targets": [
    {
      "target_name": "dlgrade_blas",
      "sources": ["blas-bridge.c"],
      "cflags": ["-O2", "-Wall", "-Wextra"],
      "conditions": [["OS=='linux'", {"libraries": ["-ldl"]}]]
    }
  ]
}
