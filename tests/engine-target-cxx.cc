// engine-target-cxx.cc: a C++ target for the engine tests: names that must come out demangled.
// SPDX-License-Identifier: GPL-3.0-or-later
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

// LeakSanitizer cannot run in a traced process (sanitizer builds)
extern "C" const char *__asan_default_options () { return "detect_leaks=0"; }
/* LeakSanitizer cannot run traced; ASAN_OPTIONS would override the line above */
extern "C" int __lsan_is_turned_off () { return 1; }

namespace laprof_test {

template <typename T>
struct Cruncher
{
  __attribute__((noinline)) static T crunch (std::vector<T> &v, double seconds)
  {
    auto end = std::chrono::steady_clock::now () + std::chrono::duration<double> (seconds);
    T acc = 0;
    while (std::chrono::steady_clock::now () < end)
      for (auto &x : v)
        acc = acc * 31 + (x = x * 7 + 1);
    return acc;
  }
};

} // namespace laprof_test

int
main (int argc, char **argv)
{
  std::vector<long> v (1000, 1);
  double seconds = argc > 1 ? std::atof (argv[1]) : 1.0;
  long r = laprof_test::Cruncher<long>::crunch (v, seconds);
  std::printf ("done %ld\n", r & 1);
  return 0;
}
