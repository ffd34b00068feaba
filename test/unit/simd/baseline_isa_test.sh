#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Checks that the simd objects built for baseline x86-64 (all but *_avx2 / *_avx512) contain no AVX, AVX2,
# AVX-512, BMI or POPCNT instructions, so the server runs on CPUs without them.
# Usage: baseline_isa_test.sh OBJECT...
status=0
for object in "$@"; do
  case "$object" in
    *_avx2.cc.o | *_avx512.cc.o) continue ;;
  esac
  found=$(objdump -d --no-show-raw-insn "$object" |
          grep -E '^ +[0-9a-f]+:[[:space:]]+(v[a-z0-9]+|shlx|shrx|sarx|rorx|pdep|pext|bzhi|andn|popcnt|tzcnt|lzcnt) |%[yz]mm|%k[0-7]' |
          head -3)
  if [ -n "$found" ]; then
    echo "$object uses instructions beyond baseline x86-64:"
    echo "$found"
    status=1
  fi
done
exit $status
