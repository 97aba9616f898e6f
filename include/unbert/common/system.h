// Process-wide runtime set-up: thread count and the BLAS that LibTorch uses.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace unbert {

// Number of cores this process may run on (its CPU affinity; at least 1).
int hardware_threads();

// Sets LibTorch's (and so OpenMP's and OpenBLAS's) thread count. 0 means all
// cores. Debian's LibTorch starts with 1 thread, so this is always called.
void set_threads(int threads);

// A warning when --threads asks for more threads than `cores`, else empty.
std::optional<std::string> oversubscribed_threads_warning(int threads, int cores);

// Classifies the BLAS library mapped into this process from the text of
// /proc/self/maps and whether an OpenBLAS/BLIS/MKL entry point is loaded.
// Returns the path of the reference BLAS when that is the one in use.
std::optional<std::string> find_reference_blas(const std::string& proc_maps,
                                               bool optimized_symbols_loaded);

// One warning line when this process uses the slow reference BLAS, else empty.
std::optional<std::string> slow_blas_warning();

// The BLAS library LibTorch's fp32 products go to: its own description when
// it has one (OpenBLAS's config string), else the library file mapped.
std::string blas_in_use();

// The most resident memory this process has held since it started or since
// the last reset_peak_resident() (Linux: VmHWM), in bytes; 0 when unknown.
int64_t peak_resident_bytes();
// Starts the peak over from the memory held now (Linux: /proc/self/clear_refs).
void reset_peak_resident();

// The wall-clock time in UTC, ISO 8601: "2026-11-30T15:04:05Z".
std::string utc_now();

// This machine's host name ("" when it cannot be told).
std::string host_name();

}  // namespace unbert
