/* harness.h — what every fuzz harness defines (libFuzzer's interface).
 *
 * A harness is one file fuzz/fuzz_<name>.c. It is linked twice: with
 * libFuzzer's main (clang, REFD_FUZZ=ON) as the binary fuzz_<name>, and
 * with replay.c as fuzz_<name>_replay, which runs every file of
 * fuzz/corpus/<name>/ once (ctest, any compiler). The rules: no global
 * state may change from one input to the next (build everything an input
 * needs and free it before returning), no output, and no file may be
 * written. */
#ifndef REFD_FUZZ_HARNESS_H
#define REFD_FUZZ_HARNESS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
/* Optional: called once before the first input. */
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* A property of the code under test that must hold: report and abort,
 * which libFuzzer and the replay driver both treat as a crash. */
#define check(cond) ((cond) ? (void)0 : check_failed(#cond, __FILE__, __LINE__))

static inline void check_failed(const char *what, const char *file, int line)
{
	fprintf(stderr, "%s:%d: check failed: %s\n", file, line, what);
	abort();
}

#endif
