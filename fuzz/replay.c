/* replay.c — a main() for any harness without libFuzzer: run each file
 * named on the command line (a directory stands for the files in it,
 * sorted) through LLVMFuzzerTestOneInput once. This is how the corpus is
 * a regression test in every build (ctest label "fuzz"), and how a crash
 * file is reproduced under gcc, valgrind or gdb. */
#include "harness.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

__attribute__((weak)) int LLVMFuzzerInitialize(int *argc, char ***argv);

static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	size_t cap = 4096, len = 0;
	uint8_t *data = malloc(cap);
	size_t n;
	while (data && (n = fread(data + len, 1, cap - len, f)) > 0) {
		len += n;
		if (len == cap) {
			uint8_t *bigger = realloc(data, cap *= 2);
			if (!bigger) free(data);
			data = bigger;
		}
	}
	int err = ferror(f);
	fclose(f);
	if (!data || err) {
		fprintf(stderr, "replay: %s: cannot read\n", path);
		free(data);
		return -1;
	}
	/* An exact-size copy, so that ASan sees a read past the end. */
	uint8_t *exact = malloc(len ? len : 1);
	if (!exact) {
		free(data);
		return -1;
	}
	memcpy(exact, data, len);
	free(data);
	/* Named first: a crash report then says which file it was. */
	fprintf(stderr, "replay: %s\n", path);
	LLVMFuzzerTestOneInput(exact, len);
	free(exact);
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Returns the number of files run, or -1. */
static long run_path(const char *path)
{
	struct stat st;
	if (stat(path, &st) != 0) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) return run_file(path) == 0 ? 1 : -1;
	DIR *d = opendir(path);
	if (!d) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	char **names = NULL;
	size_t n = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.') continue;
		char **more = realloc(names, (n + 1) * sizeof *names);
		if (!more) break;
		names = more;
		names[n++] = strdup(e->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof *names, by_name);
	long count = 0;
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(path) + strlen(names[i]) + 2;
		char *full = malloc(len);
		snprintf(full, len, "%s/%s", path, names[i]);
		long r = stat(full, &st) == 0 && S_ISDIR(st.st_mode) ? run_path(full)
		         : run_file(full) == 0 ? 1 : -1;
		free(full);
		free(names[i]);
		if (r < 0) {
			for (size_t j = i + 1; j < n; j++) free(names[j]);
			free(names);
			return -1;
		}
		count += r;
	}
	free(names);
	return count;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: %s FILE-OR-DIRECTORY...\n", argv[0]);
		return 2;
	}
	if (LLVMFuzzerInitialize) LLVMFuzzerInitialize(&argc, &argv);
	long total = 0;
	for (int i = 1; i < argc; i++) {
		long r = run_path(argv[i]);
		if (r < 0) return 1;
		total += r;
	}
	if (total == 0) {
		fprintf(stderr, "replay: no input files\n");
		return 1;
	}
	fprintf(stderr, "replay: %ld inputs ran\n", total);
	return 0;
}
