// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Allocation bitmap and the log scan used by fsck and the allocators.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "famfs_alloc.h"

void famfs_bitmap_free(struct famfs_bitmap *bm)
{
	free(bm->bits);
	bm->bits = NULL;
	bm->nbits = 0;
}

/* Set the bits of a range; returns the number already set. */
static uint64_t set_range(struct famfs_bitmap *bm, uint64_t off, uint64_t len,
			  uint64_t *alloc_sum)
{
	uint64_t first = off / FAMFS_ALLOC_UNIT;
	uint64_t n = (len + FAMFS_ALLOC_UNIT - 1) / FAMFS_ALLOC_UNIT;
	uint64_t k, dup = 0;

	for (k = first; k < first + n && k < bm->nbits; k++) {
		uint8_t m = 1u << (k & 7);

		if (bm->bits[k >> 3] & m) {
			dup++;
		} else {
			bm->bits[k >> 3] |= m;
			*alloc_sum += FAMFS_ALLOC_UNIT;
		}
	}
	return dup;
}

static void rep(famfs_scan_report_fn fn, void *ctx, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void rep(famfs_scan_report_fn fn, void *ctx, const char *fmt, ...)
{
	char msg[FAMFS_WHY_LEN * 2];
	va_list ap;

	if (!fn)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fn(ctx, msg);
}

int famfs_scan_log(const struct famfs_fs *fs, struct famfs_bitmap *bm_out,
		   struct famfs_scan *sc, famfs_scan_report_fn fn, void *ctx,
		   char *why)
{
	uint8_t buf[FAMFS_ENTRY_SIZE];
	char reason[FAMFS_WHY_LEN];
	struct famfs_bitmap bm;
	struct famfs_log_hdr h;
	struct famfs_entry e;
	uint64_t i, j, dup;
	int rc;

	memset(sc, 0, sizeof(*sc));
	rc = famfs_fs_log_hdr(fs, &h, why);
	if (rc)
		return rc;
	sc->capacity = h.last_index + 1;
	sc->entries = h.next_index;
	bm.nbits = (fs->sb.dev_size + FAMFS_ALLOC_UNIT - 1) / FAMFS_ALLOC_UNIT;
	bm.bits = calloc(1, (bm.nbits + 7) / 8 + 1);
	if (!bm.bits) {
		snprintf(why, FAMFS_WHY_LEN, "out of memory for the bitmap");
		return -ENOMEM;
	}
	set_range(&bm, 0, FAMFS_LOG_OFFSET + fs->sb.log_len, &sc->alloc_sum);

	for (i = 0; i < h.next_index; i++) {
		rc = famfs_fs_read_entry(fs, i, buf, reason);
		if (!rc)
			rc = famfs_entry_decode(buf, fs->sb.dev_size, &e, reason);
		if (rc) {
			sc->bad_entries++;
			rep(fn, ctx, "bad log entry %llu: %s",
			    (unsigned long long)i, reason);
			continue;
		}
		switch (e.type) {
		case FAMFS_LOG_FILE:
			sc->files++;
			sc->fsize_sum += e.file.layout.size;
			dup = 0;
			for (j = 0; j < e.file.layout.next; j++)
				dup += set_range(&bm, e.file.layout.ext[j].offset,
						 e.file.layout.ext[j].len,
						 &sc->alloc_sum);
			if (dup)
				rep(fn, ctx,
				    "allocation collision: log entry %llu (%s) reuses %llu allocation unit(s)",
				    (unsigned long long)i, e.file.path,
				    (unsigned long long)dup);
			sc->collisions += dup;
			break;
		case FAMFS_LOG_MKDIR:
			sc->dirs++;
			break;
		case FAMFS_LOG_ADD_DAXDEV:
			sc->daxdevs++;
			break;
		default:
			sc->other++;
			rep(fn, ctx, "log entry %llu: unknown type %u",
			    (unsigned long long)i, e.type);
			break;
		}
	}
	if (bm_out)
		*bm_out = bm;
	else
		free(bm.bits);
	return 0;
}
