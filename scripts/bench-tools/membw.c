// SPDX-License-Identifier: Apache-2.0
// Memory read bandwidth of this machine, for scripts/bench: THREADS threads (default: every online CPU)
// each sum their slice of a buffer of MIB MiB (default 1024, far larger than any L3), and the best of
// PASSES passes (default 10) is printed as decimal GB/s ("47.5"). Build:
//   cc -O2 -march=native -pthread -o membw membw.c
// Usage: membw [MIB] [PASSES] [THREADS]
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

// 64-byte vectors: one cache line per load, AVX-512 or two AVX2 loads with -march=native.
typedef uint64_t Line __attribute__((vector_size(64)));

struct Slice {
  const Line* begin;
  size_t num_lines;
  uint64_t checksum;
};

static void* SumSlice(void* argument) {
  struct Slice* slice = argument;
  // Four independent accumulators keep four loads in flight per iteration.
  Line sum0 = {0}, sum1 = {0}, sum2 = {0}, sum3 = {0};
  size_t line = 0;
  for (; line + 4 <= slice->num_lines; line += 4) {
    sum0 += slice->begin[line];
    sum1 += slice->begin[line + 1];
    sum2 += slice->begin[line + 2];
    sum3 += slice->begin[line + 3];
  }
  for (; line < slice->num_lines; ++line) sum0 += slice->begin[line];
  Line total = sum0 + sum1 + sum2 + sum3;
  slice->checksum = 0;
  for (int lane = 0; lane < 8; ++lane) slice->checksum += total[lane];
  return NULL;
}

static double NowSeconds(void) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (double)now.tv_sec + (double)now.tv_nsec * 1e-9;
}

int main(int argc, char** argv) {
  size_t mebibytes = argc > 1 ? strtoull(argv[1], NULL, 10) : 1024;
  int passes = argc > 2 ? atoi(argv[2]) : 10;
  long online_cpus = sysconf(_SC_NPROCESSORS_ONLN);
  int num_threads = argc > 3 ? atoi(argv[3]) : (int)(online_cpus > 0 ? online_cpus : 1);
  if (mebibytes == 0 || passes <= 0 || num_threads <= 0 || num_threads > 1024) {
    fprintf(stderr, "usage: membw [MIB>0] [PASSES>0] [THREADS 1..1024]\n");
    return 2;
  }
  size_t num_bytes = mebibytes << 20;
  Line* buffer = aligned_alloc(4096, num_bytes);
  if (buffer == NULL) {
    fprintf(stderr, "membw: cannot allocate %zu MiB\n", mebibytes);
    return 1;
  }
  memset(buffer, 1, num_bytes);  // fault every page in before timing

  size_t num_lines = num_bytes / sizeof(Line);
  struct Slice slices[1024];
  pthread_t threads[1024];
  for (int thread = 0; thread < num_threads; ++thread) {
    size_t first = num_lines * thread / num_threads;
    size_t last = num_lines * (thread + 1) / num_threads;
    slices[thread] = (struct Slice){buffer + first, last - first, 0};
  }
  double best_seconds = 1e30;
  uint64_t checksum = 0;
  for (int pass = 0; pass < passes; ++pass) {
    double start = NowSeconds();
    for (int thread = 0; thread < num_threads; ++thread) {
      if (pthread_create(&threads[thread], NULL, SumSlice, &slices[thread]) != 0) {
        fprintf(stderr, "membw: pthread_create failed\n");
        return 1;
      }
    }
    for (int thread = 0; thread < num_threads; ++thread) pthread_join(threads[thread], NULL);
    double seconds = NowSeconds() - start;
    if (seconds < best_seconds) best_seconds = seconds;
    for (int thread = 0; thread < num_threads; ++thread) checksum += slices[thread].checksum;
  }
  // Every byte is 1, so each pass sums num_bytes / 8 words of 0x0101010101010101: the checksum proves
  // the loads happened (and keeps the compiler from dropping them).
  uint64_t expected = (uint64_t)passes * (num_bytes / 8) * 0x0101010101010101ULL;
  if (checksum != expected) {
    fprintf(stderr, "membw: checksum mismatch\n");
    return 1;
  }
  printf("%.1f\n", (double)num_bytes / best_seconds / 1e9);
  free(buffer);
  return 0;
}
