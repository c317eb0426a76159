/* The scripted FUSE server used by the kernel model's tests. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "fake_server.h"
#include "kmodel_wire_i.h"

void fs_init(struct fake_srv *s)
{
	memset(s, 0, sizeof(*s));
	s->fd = -1;
	s->dev_fd = -1;
	s->want_map_flag = true;
	s->file_size = 1 << 20;
}

uint8_t fs_pattern(uint64_t off)
{
	return (uint8_t)((off * 7 + (off >> 12)) & 0xff);
}

const char *fs_make_file(const char *tag, uint64_t size)
{
	static char paths[8][64];
	static int next;
	char *path = paths[next++ % 8];
	uint8_t buf[4096];
	uint64_t off;
	int fd, i;

	snprintf(path, 64, "/tmp/kmodel-%s-%d.img", tag, (int)getpid());
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		return NULL;
	for (off = 0; off < size; off += sizeof(buf)) {
		for (i = 0; i < (int)sizeof(buf); i++)
			buf[i] = fs_pattern(off + i);
		if (pwrite(fd, buf, sizeof(buf), off) != (ssize_t)sizeof(buf)) {
			close(fd);
			return NULL;
		}
	}
	close(fd);
	return path;
}

int fs_reply(struct fake_srv *s, uint64_t unique, int err, const void *p,
	     size_t len)
{
	struct fuse_out_header oh = {
		.len = sizeof(oh) + len, .error = err, .unique = unique,
	};
	struct iovec iov[2] = {
		{ &oh, sizeof(oh) }, { (void *)p, len },
	};

	struct msghdr msg = { .msg_iov = iov, .msg_iovlen = len ? 2 : 1 };

	return sendmsg(s->fd, &msg, MSG_NOSIGNAL) < 0 ? -errno : 0;
}

int fs_notify(struct fake_srv *s, int code, const void *p, size_t len)
{
	return fs_reply(s, 0, code, p, len);
}

void fs_default_begin(uint32_t dev, uint64_t pos, uint64_t size,
		      struct fuse_iomap_begin_out *o)
{
	uint64_t len = (size + 4095) / 4096 * 4096;

	(void)pos;
	memset(o, 0, sizeof(*o));
	o->read.offset = 0;
	o->read.length = len ? len : 4096;
	o->read.addr = 0;
	o->read.type = FUSE_IOMAP_TYPE_MAPPED;
	o->read.dev = dev;
	o->write = o->read;
	o->write.type = FUSE_IOMAP_TYPE_PURE_OVERWRITE;
	o->write.addr = FUSE_IOMAP_NULL_ADDR;
	o->write.dev = FUSE_IOMAP_DEV_NULL;
}

static void file_attr(struct fake_srv *s, struct fuse_attr *a, uint64_t nodeid,
		      bool getattr)
{
	memset(a, 0, sizeof(*a));
	if (nodeid == FUSE_ROOT_ID) {
		a->ino = 1;
		a->mode = S_IFDIR | 0755;
		a->nlink = 2;
		return;
	}
	a->ino = FS_FILE_INO;
	a->mode = S_IFREG | 0644;
	a->nlink = 1;
	a->size = getattr && s->getattr_size ? s->getattr_size : s->file_size;
	a->blksize = 4096;
	a->flags = s->attr_flags;
}

static void do_init(struct fake_srv *s, const struct fuse_in_header *h,
		    const void *in)
{
	const struct fuse_init_in *ii = in;
	struct fuse_init_out_dax_fmap_ops o;
	uint64_t offered = ii->flags | (uint64_t)ii->flags2 << 32;
	uint64_t want = FUSE_ASYNC_READ | FUSE_BIG_WRITES | FUSE_INIT_EXT |
			FUSE_MAX_PAGES;

	if (s->want_map_flag)
		want |= offered & (1ULL << 43);
	memset(&o, 0, sizeof(o));
	o.major = FUSE_KERNEL_VERSION;
	o.minor = s->reply_minor ? s->reply_minor : ii->minor;
	o.max_readahead = ii->max_readahead;
	o.flags = (uint32_t)(want & offered);
	o.flags2 = (uint32_t)((want & offered) >> 32);
	o.max_write = 128 * 1024;
	o.max_pages = 32;
	memcpy(o.ops_name, s->ops_name, sizeof(o.ops_name));
	fs_reply(s, h->unique, 0, &o, sizeof(o));
}

static void open_dev(struct fake_srv *s)
{
	if (s->dev_fd < 0 && s->dev_path)
		s->dev_fd = open(s->dev_path, O_RDWR);
}

static void do_config(struct fake_srv *s, const struct fuse_in_header *h)
{
	struct fuse_iomap_config_out o;

	open_dev(s);
	if (s->dev_fd >= 0) {
		struct fuse_backing_map m = {
			.fd = s->dev_fd, .flags = s->backing_flags ?
				s->backing_flags : FUSE_BACKING_TYPE_IOMAP,
			.padding = s->backing_padding,
		};

		s->backing_id = fuse_kmodel_ioctl(s->fd,
				FUSE_DEV_IOC_BACKING_OPEN, &m);
	}
	if (s->config_err) {
		fs_reply(s, h->unique, s->config_err, NULL, 0);
		return;
	}
	if (s->config_reply) {
		fs_reply(s, h->unique, 0, s->config_reply, s->config_len);
		return;
	}
	memset(&o, 0, sizeof(o));
	o.flags = FUSE_IOMAP_CONFIG_BLOCKSIZE;
	o.s_blocksize = 4096;
	fs_reply(s, h->unique, 0, &o, sizeof(o));
}

static void do_fmap(struct fake_srv *s, const struct fuse_in_header *h)
{
	struct {
		struct fuse_famfs_fmap_header h;
		struct fuse_famfs_simple_ext e;
	} m;

	s->fmap_calls++;
	if (s->fmap_calls > 1 && s->fmap_reply2) {
		fs_reply(s, h->unique, 0, s->fmap_reply2, s->fmap_len2);
		return;
	}
	if (s->fmap_reply) {
		fs_reply(s, h->unique, 0, s->fmap_reply, s->fmap_len);
		return;
	}
	memset(&m, 0, sizeof(m));
	m.h.fmap_version = FUSE_FAMFS_FMAP_VERSION;
	m.h.ext_type = FUSE_FAMFS_EXT_SIMPLE;
	m.h.nextents = 1;
	m.h.file_size = s->file_size;
	m.e.se_offset = 0;
	m.e.se_len = (s->file_size + (2u << 20) - 1) / (2u << 20) * (2u << 20);
	fs_reply(s, h->unique, 0, &m, sizeof(m));
}

static void do_daxdev(struct fake_srv *s, const struct fuse_in_header *h)
{
	struct fuse_daxdev_out o;

	if (s->daxdev_reply) {
		fs_reply(s, h->unique, 0, s->daxdev_reply, s->daxdev_len);
		return;
	}
	if (h->nodeid != 0 || !s->dev_path) {
		fs_reply(s, h->unique, -EINVAL, NULL, 0);
		return;
	}
	memset(&o, 0, sizeof(o));
	o.index = (uint16_t)h->nodeid;
	snprintf(o.name, sizeof(o.name), "%s", s->dev_path);
	fs_reply(s, h->unique, 0, &o, sizeof(o));
}

static void do_rw(struct fake_srv *s, const struct fuse_in_header *h,
		  const void *in, size_t inlen)
{
	static char buf[256 * 1024];

	open_dev(s);
	if (h->opcode == FUSE_READ) {
		const struct fuse_read_in *r = in;
		uint64_t n = r->size > sizeof(buf) ? sizeof(buf) : r->size;
		ssize_t got;

		if (r->offset >= s->file_size)
			n = 0;
		else if (n > s->file_size - r->offset)
			n = s->file_size - r->offset;
		got = n ? pread(s->dev_fd, buf, n, r->offset) : 0;
		fs_reply(s, h->unique, got < 0 ? -EIO : 0, buf,
			 got < 0 ? 0 : got);
	} else {
		const struct fuse_write_in *w = in;
		struct fuse_write_out o = { 0, 0 };
		ssize_t got;

		if (inlen < sizeof(*w) + w->size) {
			fs_reply(s, h->unique, -EINVAL, NULL, 0);
			return;
		}
		got = pwrite(s->dev_fd, (const char *)in + sizeof(*w), w->size,
			     w->offset);
		o.size = got < 0 ? 0 : got;
		if (w->offset + o.size > s->file_size)
			s->file_size = w->offset + o.size;
		fs_reply(s, h->unique, got < 0 ? -EIO : 0, &o, sizeof(o));
	}
}

/* Root lists ".", "..", "f"; the offset of entry i is i + 1. */
static void do_readdir(struct fake_srv *s, const struct fuse_in_header *h,
		       const void *in)
{
	static const char *const names[] = { ".", "..", "f" };
	const struct fuse_read_in *r = in;
	char buf[4096];
	size_t len = 0;
	uint64_t i;

	for (i = r->offset; i < 3; i++) {
		struct fuse_dirent *de = (struct fuse_dirent *)(buf + len);
		size_t nl = strlen(names[i]);

		memset(de, 0, FUSE_DIRENT_ALIGN(FUSE_NAME_OFFSET + nl));
		de->ino = i == 2 ? FS_FILE_INO : 1;
		de->off = i + 1;
		de->namelen = nl;
		de->type = i == 2 ? 8 : 4;
		memcpy(de->name, names[i], nl);
		len += FUSE_DIRENT_SIZE(de);
	}
	fs_reply(s, h->unique, 0, buf, len);
}

static void handle(struct fake_srv *s, const struct fuse_in_header *h,
		   const void *in, size_t inlen)
{
	struct fuse_entry_out eo;
	struct fuse_attr_out ao;
	struct fuse_open_out oo;

	if (h->opcode < 4097)
		s->requests[h->opcode]++;
	if (s->hook && s->hook(s, h, in, inlen))
		return;
	switch (h->opcode) {
	case FUSE_INIT:
		do_init(s, h, in);
		return;
	case FUSE_LOOKUP:
		if (h->nodeid != FUSE_ROOT_ID || strcmp(in, "f") != 0) {
			fs_reply(s, h->unique, -ENOENT, NULL, 0);
			return;
		}
		if (s->push_daxdev && s->dev_path) {
			open_dev(s);
			s->push_res = fuse_kmodel_daxdev_open(s->fd, s->dev_fd, 0);
		}
		memset(&eo, 0, sizeof(eo));
		eo.nodeid = FS_FILE_NODEID;
		eo.entry_valid = s->entry_valid;
		file_attr(s, &eo.attr, FS_FILE_NODEID, false);
		fs_reply(s, h->unique, 0, &eo, sizeof(eo));
		return;
	case FUSE_GETATTR:
		memset(&ao, 0, sizeof(ao));
		file_attr(s, &ao.attr, h->nodeid, true);
		fs_reply(s, h->unique, 0, &ao, sizeof(ao));
		return;
	case FUSE_OPEN:
		memset(&oo, 0, sizeof(oo));
		oo.fh = 7;
		oo.open_flags = s->open_flags;
		fs_reply(s, h->unique, 0, &oo, sizeof(oo));
		return;
	case FUSE_READ:
	case FUSE_WRITE:
		do_rw(s, h, in, inlen);
		return;
	case FUSE_IOMAP_CONFIG:
		do_config(s, h);
		return;
	case FUSE_IOMAP_BEGIN:
		if (s->begin_reply) {
			fs_reply(s, h->unique, 0, s->begin_reply, s->begin_len);
		} else {
			const struct fuse_iomap_begin_in *b = in;
			struct fuse_iomap_begin_out o;

			fs_default_begin(s->backing_id, b->pos, s->file_size, &o);
			fs_reply(s, h->unique, 0, &o, sizeof(o));
		}
		return;
	case FUSE_IOMAP_IOEND: {
		const struct fuse_iomap_ioend_in *e = in;
		struct fuse_iomap_ioend_out o = { e->pos + e->written };

		if (o.newsize > s->file_size)
			s->file_size = o.newsize;
		fs_reply(s, h->unique, 0, &o, sizeof(o));
		return;
	}
	case FUSE_GET_FMAP:	/* == FUSE_BATCHED_REQUEST, famfs meaning here */
		do_fmap(s, h);
		return;
	case FUSE_GET_DAXDEV:
		do_daxdev(s, h);
		return;
	case FUSE_OPENDIR:
		memset(&oo, 0, sizeof(oo));
		oo.fh = 9;
		fs_reply(s, h->unique, 0, &oo, sizeof(oo));
		return;
	case FUSE_READDIR:
		do_readdir(s, h, in);
		return;
	case FUSE_RELEASEDIR:
		fs_reply(s, h->unique, 0, NULL, 0);
		return;
	case FUSE_FORGET:
		return;
	case FUSE_DESTROY:
		fs_reply(s, h->unique, 0, NULL, 0);
		s->running = false;
		return;
	case FUSE_RELEASE:
	case FUSE_FLUSH:
	case FUSE_SYNCFS:
	case FUSE_IOMAP_END:
		fs_reply(s, h->unique, 0, NULL, 0);
		return;
	default:
		fs_reply(s, h->unique, -ENOSYS, NULL, 0);
	}
}

static void *fs_thread(void *arg)
{
	struct fake_srv *s = arg;
	char *buf = malloc(1 << 20);

	if (!buf)
		return NULL;
	if (s->add_iomap)
		s->add_iomap_res = fuse_kmodel_ioctl(s->fd, FUSE_DEV_IOC_ADD_IOMAP,
						     NULL);
	fuse_kmodel_mounted(s->fd);
	while (s->running) {
		struct fuse_in_header h;
		ssize_t n = read(s->fd, buf, 1 << 20);

		if (n <= 0)
			break;
		if (n < (ssize_t)sizeof(h))
			break;
		memcpy(&h, buf, sizeof(h));
		handle(s, &h, buf + sizeof(h), n - sizeof(h));
	}
	free(buf);
	return NULL;
}

int fs_start(struct fake_srv *s)
{
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return -1;
	s->fd = sv[1];
	s->running = true;
	if (pthread_create(&s->th, NULL, fs_thread, s)) {
		close(sv[0]);
		close(sv[1]);
		return -1;
	}
	return sv[0];
}

void fs_join(struct fake_srv *s)
{
	pthread_join(s->th, NULL);
	if (s->fd >= 0)
		close(s->fd);
	if (s->dev_fd >= 0)
		close(s->dev_fd);
	s->fd = -1;
	s->dev_fd = -1;
}
