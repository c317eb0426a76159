/*
 * Per-thread scratch buffers: page-aligned (so O_DIRECT file descriptors
 * can read into them), grown on demand and kept, so the request path does
 * not allocate (glibc maps every buffer above 128 KiB afresh: an mmap,
 * page faults and an munmap per 1 MiB reply). A thread-specific key frees
 * them when a thread exits (the multi-threaded loop retires idle workers).
 */
#include "fuse_i.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct scratch {
	void *buf[FUSE_SCRATCH_SLOTS];
	size_t cap[FUSE_SCRATCH_SLOTS];
};

static __thread struct scratch *tl_scratch;
static pthread_key_t scratch_key;
static pthread_once_t scratch_once = PTHREAD_ONCE_INIT;
static int scratch_key_ok;

static void scratch_free(void *p)
{
	struct scratch *s = p;
	int i;

	for (i = 0; i < FUSE_SCRATCH_SLOTS; i++)
		free(s->buf[i]);
	free(s);
}

static void scratch_key_init(void)
{
	scratch_key_ok = pthread_key_create(&scratch_key, scratch_free) == 0;
}

void *fuse_scratch(unsigned int slot, size_t size)
{
	struct scratch *s = tl_scratch;
	size_t page = 4096, want;
	void *n;

	if (slot >= FUSE_SCRATCH_SLOTS)
		return NULL;
	if (!s) {
		s = calloc(1, sizeof(*s));
		if (!s)
			return NULL;
		tl_scratch = s;
		pthread_once(&scratch_once, scratch_key_init);
		if (scratch_key_ok)
			pthread_setspecific(scratch_key, s);
	}
	if (size <= s->cap[slot] && s->buf[slot])
		return s->buf[slot];
	want = (size + page - 1) / page * page;
	if (want == 0)
		want = page;
	if (posix_memalign(&n, page, want))
		return NULL;
	free(s->buf[slot]);
	s->buf[slot] = n;
	s->cap[slot] = want;
	return n;
}
