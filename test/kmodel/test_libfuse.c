/*
 * The model against an unmodified libfuse server binary (argv[1]), started
 * with "/dev/fd/N": under every dialect a server that asks for no extension
 * gets the classic path, and the data and round trips are what that kernel
 * would give.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kmodel.h"

#define FILE_SIZE 300000

int main(int argc, char **argv)
{
	const char *const *name;
	uint8_t want[32], got[32];
	static uint8_t ref[FILE_SIZE];
	int fails = 0;
	size_t i;

	if (argc < 2) {
		printf("usage: test_libfuse SERVER\n");
		return 2;
	}
	for (i = 0; i < FILE_SIZE; i++)
		ref[i] = (uint8_t)(i * 7);
	kmodel_sha256_buf(ref, sizeof(ref), want);
	for (name = fuse_dialect_names(); *name; name++) {
		char *av[] = { argv[1], NULL };
		struct kmodel_opts o;
		struct kmodel *km;
		int res, st;

		kmodel_opts_init(&o, fuse_dialect_by_name(*name));
		km = kmodel_start(&o, av);
		if (!km) {
			printf("FAIL %s: start: %s\n", *name, strerror(errno));
			fails++;
			continue;
		}
		res = kmodel_sha256(km, "/f", got);
		if (res || memcmp(got, want, 32)) {
			printf("FAIL %s: sha256 res %d\n", *name, res);
			fails++;
		}
		/* no extension asked: classic READs of 128 KiB */
		if (kmodel_count(km, 15) != 3 || kmodel_iomap_on(km) ||
		    kmodel_famfs_on(km)) {
			printf("FAIL %s: %llu READs, iomap %d famfs %d\n", *name,
			       (unsigned long long)kmodel_count(km, 15),
			       kmodel_iomap_on(km), kmodel_famfs_on(km));
			fails++;
		}
		/* no flush op in the server: ENOSYS, and no FLUSH after that */
		res = kmodel_sha256(km, "/f", got);
		if (res || kmodel_count(km, 25) != 1) {
			printf("FAIL %s: %llu FLUSH requests\n", *name,
			       (unsigned long long)kmodel_count(km, 25));
			fails++;
		}
		if (kmodel_read(km, "/nope", 0, 1, got) != -ENOENT) {
			printf("FAIL %s: lookup of a missing name\n", *name);
			fails++;
		}
		st = kmodel_stop(km);
		if (st != 0) {
			printf("FAIL %s: server exit status 0x%x\n", *name, st);
			fails++;
		}
		printf("%s %s: classic, sha256 matches\n", fails ? "..." : "ok",
		       *name);
	}
	return fails ? 1 : 0;
}
