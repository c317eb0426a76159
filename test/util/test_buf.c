// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * test_buf.c - fuse_buf_size() and fuse_buf_copy() between memory,
 * regular files and pipes, with and without splice, partial copies and
 * multi-buffer vectors.
 */
#ifndef FUSE_USE_VERSION
#define FUSE_USE_VERSION 318
#endif
#include <fuse_lowlevel.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

static char tmpdir[] = "/tmp/fuse-util-buf-XXXXXX";

static int tmpfile_fd(const char *name)
{
	char path[256];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	unlink(path);
	return fd;
}

static void fill(char *p, size_t n, unsigned int seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (char)((i * 31 + seed) & 0xff);
}

static struct fuse_buf mem_buf(void *mem, size_t size)
{
	struct fuse_buf b = { .size = size, .mem = mem, .fd = -1 };

	return b;
}

static struct fuse_buf fd_buf(int fd, size_t size, int flags, off_t pos)
{
	struct fuse_buf b = {
		.size = size,
		.flags = FUSE_BUF_IS_FD | flags,
		.fd = fd,
		.pos = pos,
	};

	return b;
}

static void test_size(void)
{
	struct fuse_bufvec *v = calloc(1, sizeof(*v) + 2 * sizeof(struct fuse_buf));

	v->count = 3;
	v->buf[0].size = 10;
	v->buf[1].size = 20;
	v->buf[2].size = 30;
	CHECK_INT(fuse_buf_size(v), 60);
	v->buf[2].size = SIZE_MAX;
	CHECK(fuse_buf_size(v) == SIZE_MAX);
#ifndef UPSTREAM_LIBFUSE
	/* Ours saturates instead of wrapping around (upstream wraps). */
	v->buf[2].size = SIZE_MAX - 5;
	CHECK(fuse_buf_size(v) == SIZE_MAX);
#endif
	free(v);
}

static void test_mem_mem(void)
{
	char src[100], dst[100];
	struct fuse_bufvec s = FUSE_BUFVEC_INIT(100), d = FUSE_BUFVEC_INIT(60);

	fill(src, sizeof(src), 1);
	memset(dst, 0, sizeof(dst));
	s.buf[0].mem = src;
	d.buf[0].mem = dst;
	/* The shorter vector bounds the copy. */
	CHECK_INT(fuse_buf_copy(&d, &s, 0), 60);
	CHECK(memcmp(dst, src, 60) == 0);
	CHECK_INT(dst[60], 0);
	/* Positions advanced; the destination is used up. */
	CHECK_INT(s.idx, 0);
	CHECK_INT(s.off, 60);
	CHECK_INT(d.idx, 1);
	CHECK_INT(fuse_buf_copy(&d, &s, 0), 0);

	/* Overlapping copy inside one buffer behaves like memmove. */
	{
		char buf[32], ref[32];
		struct fuse_bufvec a = FUSE_BUFVEC_INIT(16);
		struct fuse_bufvec b = FUSE_BUFVEC_INIT(16);

		fill(buf, sizeof(buf), 7);
		memcpy(ref, buf, sizeof(ref));
		memmove(ref + 4, ref, 16);
		a.buf[0].mem = buf + 4;
		b.buf[0].mem = buf;
		CHECK_INT(fuse_buf_copy(&a, &b, 0), 16);
		CHECK(memcmp(buf, ref, sizeof(buf)) == 0);
	}
	/* Same vector: nothing moves, the size is returned. */
	CHECK_INT(fuse_buf_copy(&s, &s, 0), 100);
}

static void test_multi(void)
{
	char a[10], b[25], c[7], out[42];
	struct fuse_bufvec *s = calloc(1, sizeof(*s) + 2 * sizeof(struct fuse_buf));
	struct fuse_bufvec *d = calloc(1, sizeof(*d) + 1 * sizeof(struct fuse_buf));
	char ref[42];

	fill(a, sizeof(a), 1);
	fill(b, sizeof(b), 2);
	fill(c, sizeof(c), 3);
	memcpy(ref, a, 10);
	memcpy(ref + 10, b, 25);
	memcpy(ref + 35, c, 7);
	s->count = 3;
	s->buf[0] = mem_buf(a, 10);
	s->buf[1] = mem_buf(b, 25);
	s->buf[2] = mem_buf(c, 7);
	d->count = 2;
	d->buf[0] = mem_buf(out, 13);
	d->buf[1] = mem_buf(out + 13, 29);
	CHECK_INT(fuse_buf_copy(d, s, 0), 42);
	CHECK(memcmp(out, ref, 42) == 0);

	/* Starting in the middle of the source vector. */
	memset(out, 0, sizeof(out));
	s->idx = 1;
	s->off = 5;
	d->idx = 0;
	d->off = 0;
	CHECK_INT(fuse_buf_copy(d, s, 0), 27);
	CHECK(memcmp(out, ref + 15, 27) == 0);
	free(s);
	free(d);
}

static void test_mem_fd(void)
{
	char src[5000], back[5000];
	int fd = tmpfile_fd("memfd");
	struct fuse_bufvec s = FUSE_BUFVEC_INIT(5000);
	struct fuse_bufvec d = FUSE_BUFVEC_INIT(5000);

	fill(src, sizeof(src), 9);
	s.buf[0].mem = src;
	d.buf[0] = fd_buf(fd, 5000, FUSE_BUF_FD_SEEK, 1000);
	CHECK_INT(fuse_buf_copy(&d, &s, 0), 5000);
	CHECK_INT(pread(fd, back, 5000, 1000), 5000);
	CHECK(memcmp(back, src, 5000) == 0);

	/* fd to memory at a position, file shorter than asked: short copy. */
	{
		char dst[8000];
		struct fuse_bufvec r = FUSE_BUFVEC_INIT(8000);
		struct fuse_bufvec m = FUSE_BUFVEC_INIT(8000);

		r.buf[0] = fd_buf(fd, 8000, FUSE_BUF_FD_SEEK, 3000);
		m.buf[0].mem = dst;
		CHECK_INT(fuse_buf_copy(&m, &r, 0), 3000);
		CHECK(memcmp(dst, src + 2000, 3000) == 0);
	}
	/* Without FD_SEEK the file offset is used and moves. */
	{
		char dst[100];
		struct fuse_bufvec r = FUSE_BUFVEC_INIT(100);
		struct fuse_bufvec m = FUSE_BUFVEC_INIT(100);

		lseek(fd, 1010, SEEK_SET);
		r.buf[0] = fd_buf(fd, 100, 0, 0);
		m.buf[0].mem = dst;
		CHECK_INT(fuse_buf_copy(&m, &r, 0), 100);
		CHECK(memcmp(dst, src + 10, 100) == 0);
		CHECK_INT(lseek(fd, 0, SEEK_CUR), 1110);
	}
	/* Errors: reading a write-only fd gives -EBADF. */
	{
		char path[256], dst[10];
		struct fuse_bufvec r = FUSE_BUFVEC_INIT(10);
		struct fuse_bufvec m = FUSE_BUFVEC_INIT(10);
		int wfd;

		snprintf(path, sizeof(path), "%s/wo", tmpdir);
		wfd = open(path, O_WRONLY | O_CREAT, 0600);
		unlink(path);
		r.buf[0] = fd_buf(wfd, 10, 0, 0);
		m.buf[0].mem = dst;
		CHECK_INT(fuse_buf_copy(&m, &r, 0), -EBADF);
		close(wfd);
	}
	close(fd);
}

/* A pipe delivers at most what was written; FD_RETRY keeps reading. */
static void test_pipe_partial(void)
{
	int p[2];
	char dst[100], src[100];
	struct fuse_bufvec r = FUSE_BUFVEC_INIT(100);
	struct fuse_bufvec m = FUSE_BUFVEC_INIT(100);
	pid_t pid;

	fill(src, sizeof(src), 5);
	CHECK_INT(pipe(p), 0);
	CHECK_INT(write(p[1], src, 30), 30);
	r.buf[0] = fd_buf(p[0], 100, 0, 0);
	m.buf[0].mem = dst;
	/* One read: 30 bytes, and the copy stops there. */
	CHECK_INT(fuse_buf_copy(&m, &r, 0), 30);
	CHECK(memcmp(dst, src, 30) == 0);

	/* With FD_RETRY, reading continues until size or EOF. */
	pid = fork();
	if (pid == 0) {
		close(p[0]);
		if (write(p[1], src, 40) != 40)
			_exit(1);
		usleep(50000);
		if (write(p[1], src + 40, 60) != 60)
			_exit(1);
		_exit(0);
	}
	close(p[1]);
	r.buf[0] = fd_buf(p[0], 100, FUSE_BUF_FD_RETRY, 0);
	r.idx = r.off = 0;
	m.idx = m.off = 0;
	memset(dst, 0, sizeof(dst));
	CHECK_INT(fuse_buf_copy(&m, &r, 0), 100);
	CHECK(memcmp(dst, src, 100) == 0);
	close(p[0]);
	waitpid(pid, NULL, 0);
}

static void test_fd_fd(void)
{
	char data[70000], back[70000];
	int f1 = tmpfile_fd("f1"), f2 = tmpfile_fd("f2");
	int p[2];
	struct fuse_bufvec s = FUSE_BUFVEC_INIT(70000);
	struct fuse_bufvec d = FUSE_BUFVEC_INIT(70000);

	fill(data, sizeof(data), 11);
	CHECK_INT(pwrite(f1, data, sizeof(data), 0), (ssize_t)sizeof(data));

	/* File to file: splice says EINVAL, so it copies through memory. */
	s.buf[0] = fd_buf(f1, 70000, FUSE_BUF_FD_SEEK | FUSE_BUF_FD_RETRY, 0);
	d.buf[0] = fd_buf(f2, 70000, FUSE_BUF_FD_SEEK | FUSE_BUF_FD_RETRY, 0);
	CHECK_INT(fuse_buf_copy(&d, &s, 0), 70000);
	CHECK_INT(pread(f2, back, 70000, 0), 70000);
	CHECK(memcmp(back, data, 70000) == 0);

	/* FORCE_SPLICE refuses the fallback. */
	s.idx = s.off = d.idx = d.off = 0;
	CHECK_INT(fuse_buf_copy(&d, &s, FUSE_BUF_FORCE_SPLICE), -EINVAL);

	/* NO_SPLICE, at offsets. */
	s.idx = s.off = d.idx = d.off = 0;
	s.buf[0] = fd_buf(f1, 1000, FUSE_BUF_FD_SEEK, 500);
	d.buf[0] = fd_buf(f2, 1000, FUSE_BUF_FD_SEEK, 20000);
	CHECK_INT(fuse_buf_copy(&d, &s, FUSE_BUF_NO_SPLICE), 1000);
	CHECK_INT(pread(f2, back, 1000, 20000), 1000);
	CHECK(memcmp(back, data + 500, 1000) == 0);

	/* File to pipe: real splice (plus move/nonblock flags). */
	CHECK_INT(pipe(p), 0);
	s.idx = s.off = d.idx = d.off = 0;
	s.buf[0] = fd_buf(f1, 4096, FUSE_BUF_FD_SEEK, 8192);
	d.buf[0] = fd_buf(p[1], 4096, 0, 0);
	CHECK_INT(fuse_buf_copy(&d, &s, FUSE_BUF_FORCE_SPLICE |
				FUSE_BUF_SPLICE_MOVE |
				FUSE_BUF_SPLICE_NONBLOCK), 4096);
	CHECK_INT(read(p[0], back, 4096), 4096);
	CHECK(memcmp(back, data + 8192, 4096) == 0);
	/* The file offset did not move (pos was used). */
	CHECK_INT(lseek(f1, 0, SEEK_CUR), 0);

	/* Pipe to file. */
	CHECK_INT(write(p[1], data, 3000), 3000);
	s.idx = s.off = d.idx = d.off = 0;
	s.buf[0] = fd_buf(p[0], 3000, 0, 0);
	d.buf[0] = fd_buf(f2, 3000, FUSE_BUF_FD_SEEK, 60000);
	CHECK_INT(fuse_buf_copy(&d, &s, 0), 3000);
	CHECK_INT(pread(f2, back, 3000, 60000), 3000);
	CHECK(memcmp(back, data, 3000) == 0);

	/* Empty pipe with SPLICE_NONBLOCK: -EAGAIN, nothing copied. */
	s.idx = s.off = d.idx = d.off = 0;
	CHECK_INT(fuse_buf_copy(&d, &s, FUSE_BUF_SPLICE_NONBLOCK), -EAGAIN);

	/* Memory to pipe and back. */
	{
		struct fuse_bufvec m = FUSE_BUFVEC_INIT(500);
		struct fuse_bufvec pv = FUSE_BUFVEC_INIT(500);

		m.buf[0].mem = data;
		pv.buf[0] = fd_buf(p[1], 500, 0, 0);
		CHECK_INT(fuse_buf_copy(&pv, &m, 0), 500);
		pv.buf[0] = fd_buf(p[0], 500, 0, 0);
		pv.idx = pv.off = 0;
		m.idx = m.off = 0;
		m.buf[0].mem = back;
		memset(back, 0, 500);
		CHECK_INT(fuse_buf_copy(&m, &pv, 0), 500);
		CHECK(memcmp(back, data, 500) == 0);
	}
	close(p[0]);
	close(p[1]);
	close(f1);
	close(f2);
}

int main(void)
{
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	test_size();
	test_mem_mem();
	test_multi();
	test_mem_fd();
	test_pipe_partial();
	test_fd_fd();
	rmdir(tmpdir);
	return check_report("test_buf");
}
