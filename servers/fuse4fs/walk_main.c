// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuse4fs-walk: open an image with fuse4fs's code and walk everything
 * (no FUSE, no root).  usage: fuse4fs-walk [-w] [-v] IMAGE
 *   -w  open read-write (replays the journal, processes orphans)
 * Exit: 0 walked cleanly, 1 image refused, 2 damaged objects found.
 */
#include "walk.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct f4_walk_stats st;
	bool rw = false, verbose = false;
	int c, ret;

	while ((c = getopt(argc, argv, "wv")) != -1) {
		if (c == 'w')
			rw = true;
		else if (c == 'v')
			verbose = true;
		else
			return 64;
	}
	if (optind != argc - 1) {
		fprintf(stderr, "usage: %s [-w] [-v] IMAGE\n", argv[0]);
		return 64;
	}
	add_error_table(&et_ext2_error_table);
	ret = f4_walk_image(argv[optind], rw, 1000000, &st, verbose);
	if (ret) {
		printf("refused: %s\n", strerror(-ret));
		return 1;
	}
	printf("dirs %lu files %lu symlinks %lu others %lu bytes %lu "
	       "xattrs %lu errors %lu\n", st.dirs, st.files, st.symlinks,
	       st.others, st.bytes, st.xattrs, st.errors);
	return st.errors ? 2 : 0;
}
