// What a step needs against what this process may use: the address-space
// limit (ulimit -v) and the machine's memory. Under a tight address-space
// limit OpenBLAS spins and oneDNN crashes instead of failing an allocation,
// so the check comes before the work, and an allocation that does fail
// inside LibTorch is told in one line.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace unbert {

struct MemoryBounds {
  std::optional<uint64_t> address_limit;  // RLIMIT_AS's soft limit, when one is set
  uint64_t mapped = 0;                    // address space this process maps now
  uint64_t physical = 0;                  // the machine's memory (0: unknown)
};
MemoryBounds memory_bounds();

// Address space the thread pools of LibTorch, OpenMP, OpenBLAS and oneDNN
// reserve on first use, beyond what their tensors hold.
uint64_t library_reserve(int threads);

// The error text when a step that needs `need` bytes of tensors does not fit,
// else nullopt. `task` says what needs it ("training (3.1 M parameters,
// train.micro_batch 32 of 300 tokens)"), `fix` how to need less.
std::optional<std::string> memory_shortfall(const MemoryBounds& bounds, uint64_t need, int threads,
                                            const std::string& task, const std::string& fix);

// Ends the process with one error line when the address-space limit cannot
// hold the libraries' start-up (OpenBLAS would otherwise retry forever in its
// initialiser, before main). System calls only: the executable runs it from
// its .preinit_array, before any library is initialised.
void check_address_space_before_libraries();

// Throws Error with memory_shortfall's text for this process now.
void check_memory(uint64_t need, const std::string& task, const std::string& fix);

// One line for an allocation that failed inside LibTorch (c10's "can't
// allocate memory: you tried to allocate N bytes") or std::bad_alloc, naming
// the limit that bound it; nullopt for any other message.
std::optional<std::string> explain_allocation_failure(const std::string& what,
                                                      const MemoryBounds& bounds);

// "1.5 GiB", "24.0 MiB", "512 bytes".
std::string format_bytes(uint64_t bytes);

}  // namespace unbert
