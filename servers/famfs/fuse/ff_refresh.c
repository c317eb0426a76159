// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * famfs-fuse: picking up log entries appended by the tools or another
 * host, on lookup misses, on readdir, and from a periodic thread.
 */
#include <endian.h>
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ff.h"

static uint64_t hdr_next_index(const struct ff *ff)
{
	const uint64_t *p = (const uint64_t *)(ff->fs.dev.base +
					       FAMFS_LOG_OFFSET +
					       FAMFS_LOG_OFF_NEXT_IDX);

	return le64toh(__atomic_load_n(p, __ATOMIC_ACQUIRE));
}

int64_t ff_refresh(struct ff *ff, bool notify)
{
	uint64_t parents[64];
	unsigned int np = 0, i;
	uint64_t first, idx;
	int64_t n;

	/* Cheap check first; a stopped replay retries only when the header
	 * moves again. */
	if (hdr_next_index(ff) ==
	    __atomic_load_n(&ff->ns.next_index, __ATOMIC_RELAXED))
		return 0;
	pthread_mutex_lock(&ff->refresh_mu);
	pthread_rwlock_wrlock(&ff->lock);
	first = ff->ns.next_index;
	n = famfs_ns_replay(&ff->ns, &ff->fs);
	for (idx = first; n > 0 && idx < ff->ns.next_index; idx++) {
		struct famfs_node *node = famfs_ns_get(&ff->ns,
						       FAMFS_INO_FIRST + idx);

		if (!node)
			continue;
		if (S_ISREG(node->mode)) {
			ff->alloc_bytes += famfs_layout_alloc_bytes(&node->layout);
			/* under the write lock: no lookup can return the new
			 * inode before the library knows its layout */
			ff_iomap_publish(ff, node);
		}
		for (i = 0; i < np && parents[i] != node->parent; i++)
			;
		if (i == np && np < 64)
			parents[np++] = node->parent;
	}
	pthread_rwlock_unlock(&ff->lock);
	pthread_mutex_unlock(&ff->refresh_mu);
	if (n > 0)
		fuse_log(FUSE_LOG_INFO, "famfs-fuse: %lld new log entries\n",
			 (long long)n);
	/* Directory attributes (nlink) changed: drop the kernel's copy. */
	for (i = 0; notify && ff->se && i < np; i++)
		fuse_lowlevel_notify_inval_inode(ff->se, parents[i], 0, 0);
	return n < 0 ? 0 : n;
}

static void *refresher(void *arg)
{
	struct ff *ff = arg;

	while (!ff->stopping) {
		usleep(ff->refresh_ms * 1000);
		if (!ff->stopping)
			ff_refresh(ff, true);
	}
	return NULL;
}

int ff_refresher_start(struct ff *ff)
{
	int rc;

	if (!ff->refresh_ms)
		return 0;
	rc = pthread_create(&ff->refresher, NULL, refresher, ff);
	if (rc)
		return -rc;
	ff->refresher_running = true;
	return 0;
}

void ff_refresher_stop(struct ff *ff)
{
	ff->stopping = true;
	if (ff->refresher_running)
		pthread_join(ff->refresher, NULL);
	ff->refresher_running = false;
}
