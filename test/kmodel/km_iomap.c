/*
 * fuse-iomap as the modelled kernel does it: IOMAP_BEGIN with the mapping
 * cache, the validation of every mapping (spec 2.4, after
 * fuse_iomap_check_mapping / fuse_iomap_begin_validate in
 * kernelorg-mirror/linux_kernel_git_djwong_xfs-linux fs/fuse/fuse_iomap.c),
 * the data movement on the registered devices, IOMAP_END and IOMAP_IOEND.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "km_i.h"

/* The kernel loops on RETRY_CACHE until a fatal signal; the model gives up. */
#define KM_RETRY_CACHE_MAX	16

struct km_maps {
	struct fuse_iomap_io iomap;	/* where the data goes / comes from */
	struct fuse_iomap_io srcmap;	/* read source of an out-of-place write */
	bool has_src;
};

static bool type_known(const struct fuse_dialect *d, uint16_t t)
{
	return t == d->val.type_hole || t == d->val.type_delalloc ||
	       t == d->val.type_mapped || t == d->val.type_unwritten ||
	       t == d->val.type_inline || t == d->val.type_nocache ||
	       t == d->val.type_retry_cache || t == d->val.type_pure_overwrite;
}

static bool is_write_op(const struct fuse_dialect *d, uint32_t opflags)
{
	return opflags & (d->val.op_write | d->val.op_zero | d->val.op_unshare |
			  d->val.op_writeback);
}

static int corrupt(struct kmodel *km, const char *why,
		   const struct fuse_iomap_io *m)
{
	km_err(km, "bad mapping (%s): off %llu len %llu addr 0x%llx type %u "
	       "flags 0x%x dev %u", why, (unsigned long long)m->offset,
	       (unsigned long long)m->length, (unsigned long long)m->addr,
	       m->type, m->flags, m->dev);
	return -km->d->corrupt_errno;
}

int km_iomap_check_mapping(struct kmodel *km, struct km_inode *ino,
			   const struct fuse_iomap_io *m, bool write_slot,
			   bool from_upsert, uint64_t pos, bool have_pos)
{
	const struct fuse_dialect *d = km->d;
	uint64_t end;

	if (!type_known(d, m->type))
		return corrupt(km, "unknown type", m);
	if (m->type == d->val.type_retry_cache) {
		/* spec 5.2: refused in upserts; in BEGIN only with a cache */
		if (from_upsert)
			return corrupt(km, "RETRY_CACHE in an upsert", m);
		if (!ino->cache)
			return corrupt(km, "RETRY_CACHE without a cache", m);
		/* the kernel uses no other field of a retry record */
		goto cover;
	}
	if (m->flags & ~d->val.f_valid_from_server)
		return corrupt(km, "flags not allowed from a server", m);
	if (m->length == 0)
		return corrupt(km, "zero length", m);
	if (m->offset % km->blocksize || m->length % km->blocksize)
		return corrupt(km, "not aligned to the block size", m);
	if (__builtin_add_overflow(m->offset, m->length, &end))
		return corrupt(km, "file range overflows", m);
	if (m->offset >= (uint64_t)km->s_maxbytes)
		return corrupt(km, "offset past s_maxbytes", m);
	if (m->type == d->val.type_mapped || m->type == d->val.type_unwritten) {
		if (m->dev == d->val.dev_null)
			return corrupt(km, "mapped without a device", m);
		if (m->addr == d->val.null_addr)
			return corrupt(km, "mapped without an address", m);
	} else if (m->type == d->val.type_hole ||
		   m->type == d->val.type_delalloc ||
		   m->type == d->val.type_inline) {
		if (m->dev != d->val.dev_null)
			return corrupt(km, "device on an unbacked mapping", m);
		if (m->addr != d->val.null_addr)
			return corrupt(km, "address on an unbacked mapping", m);
	} else if (m->type == d->val.type_pure_overwrite) {
		if (!write_slot)
			return corrupt(km, "PURE_OVERWRITE in the read slot", m);
	} else {
		/* NOCACHE: refused in BEGIN, skipped before this in upserts */
		return corrupt(km, "NOCACHE in a BEGIN reply", m);
	}
	if (m->addr != d->val.null_addr &&
	    __builtin_add_overflow(m->addr, m->length, &end))
		return corrupt(km, "device range overflows", m);
	if (from_upsert &&
	    (m->type == d->val.type_mapped || m->type == d->val.type_unwritten)) {
		const struct km_backing *b;

		if (m->dev >= KM_MAX_BACKING || km->backing[m->dev].fd < 0)
			return corrupt(km, "unknown device", m);
		b = &km->backing[m->dev];
		if (b->size == 0) {
			km_err(km, "device %u reports size 0", m->dev);
			return -EINVAL;
		}
		if (m->addr + m->length > b->size)
			return corrupt(km, "past the end of the device", m);
	}
cover:
	if (have_pos && (m->offset > pos || m->offset + m->length <= pos))
		return corrupt(km, "does not cover the requested position", m);
	return 0;
}

/* fuse_iomap_find_dev: MAPPED/UNWRITTEN need a registered iomap device. */
static int find_dev(struct kmodel *km, const struct fuse_iomap_io *m)
{
	const struct fuse_dialect *d = km->d;

	if (m->type != d->val.type_mapped && m->type != d->val.type_unwritten)
		return 0;
	if (m->dev >= KM_MAX_BACKING || km->backing[m->dev].fd < 0)
		return corrupt(km, "device is not a registered iomap device", m);
	return 0;
}

/* Returns 1 when the cache answered, 0 on a miss (spec 5.1). */
static int try_cache(struct kmodel *km, struct km_inode *ino, uint32_t opflags,
		     uint64_t pos, struct km_maps *out)
{
	const struct fuse_dialect *d = km->d;
	struct fuse_iomap_io hit;
	struct fuse_iomap_io *dest = &out->iomap;
	bool wr = is_write_op(d, opflags);
	int res;

	if (!ino->cache)
		return 0;
	memset(out, 0, sizeof(*out));
	out->srcmap.type = d->val.type_hole;

	if (wr && ino->cache->has_wr) {
		if (!km_cache_lookup(&ino->cache->wr, pos, &hit))
			return 0;
		if (hit.type != d->val.type_pure_overwrite) {
			/* fuse_iomap_from_cache: the device must exist */
			res = find_dev(km, &hit);
			if (res)
				return res;
			*dest = hit;
			dest = &out->srcmap;
			out->has_src = true;
		}
	}
	if (!km_cache_lookup(&ino->cache->rd, pos, &hit))
		return 0;
	res = find_dev(km, &hit);
	if (res)
		return res;
	*dest = hit;
	if (wr) {
		if (out->iomap.type == d->val.type_hole)
			return (opflags & (d->val.op_zero | d->val.op_unshare)) ? 1 : 0;
		if (out->iomap.type == d->val.type_delalloc)
			return (opflags & d->val.op_direct) ? 0 : 1;
	}
	return 1;
}

int km_iomap_begin(struct kmodel *km, struct km_inode *ino, uint32_t opflags,
		   uint64_t pos, uint64_t count, struct fuse_iomap_begin_out *o)
{
	const struct fuse_dialect *d = km->d;
	struct fuse_iomap_begin_in in;
	size_t len;
	void *p;
	int res;

	/*
	 * iomap-v7-bpf: the attached fuse_iomap_bpf_ops program is asked
	 * first; a FIB_HANDLED answer goes through the same validation as an
	 * upcall reply (spec 7.1), FIB_FALLBACK sends the upcall.
	 */
	if (km_bpf_iomap_begin(km, ino, opflags, pos, o)) {
		res = km_iomap_check_mapping(km, ino, &o->read, false, false, pos,
					     true);
		if (!res)
			res = km_iomap_check_mapping(km, ino, &o->write, true,
						     false, pos, true);
		if (!res)
			km->bpf.served++;
		return res;
	}
	memset(&in, 0, sizeof(in));
	in.opflags = opflags;
	in.attr_ino = ino->attr.ino;
	in.pos = pos;
	in.count = count;
	res = km_call(km, d->op.iomap_begin, ino->nodeid, &in, d->size.begin_in,
		      NULL, 0, &p, &len);
	if (res)
		return res;
	if (len != d->size.begin_out) {
		/* fixed-size out-arg: any other size is -EINVAL in fuse_dev_do_write */
		km_err(km, "IOMAP_BEGIN reply of %zu bytes, must be %u", len,
		       d->size.begin_out);
		return -EINVAL;
	}
	memcpy(o, p, sizeof(*o));
	res = km_iomap_check_mapping(km, ino, &o->read, false, false, pos, true);
	if (!res)
		res = km_iomap_check_mapping(km, ino, &o->write, true, false, pos,
					     true);
	return res;
}

/* iomap_begin: cache first, then the upcall, with the RETRY_CACHE loop. */
static int begin_maps(struct kmodel *km, struct km_inode *ino, uint32_t opflags,
		      uint64_t pos, uint64_t count, struct km_maps *m)
{
	const struct fuse_dialect *d = km->d;
	struct fuse_iomap_begin_out o;
	int res, tries = 0;

	if (!(opflags & d->val.op_atomic)) {
		res = try_cache(km, ino, opflags, pos, m);
		if (res)
			return res < 0 ? res : 0;
	}
	for (;;) {
		res = km_iomap_begin(km, ino, opflags, pos, count, &o);
		if (res)
			return res;
		if (o.read.type != d->val.type_retry_cache)
			break;
		res = try_cache(km, ino, opflags, pos, m);
		if (res)
			return res < 0 ? res : 0;
		if (++tries >= KM_RETRY_CACHE_MAX) {
			km_err(km, "RETRY_CACHE %d times without a cache hit; the "
			       "kernel loops until a signal", tries);
			return -EINTR;
		}
	}
	res = find_dev(km, &o.read);
	if (res)
		return res;
	memset(m, 0, sizeof(*m));
	if (is_write_op(d, opflags) &&
	    o.write.type != d->val.type_pure_overwrite) {
		res = find_dev(km, &o.write);
		if (res)
			return res;
		m->iomap = o.write;
		m->srcmap = o.read;
		m->has_src = true;
	} else {
		m->iomap = o.read;
		m->srcmap.type = d->val.type_hole;
	}
	return 0;
}

/* IOMAP_END when asked or needed (spec 2.5). */
static int send_end(struct kmodel *km, struct km_inode *ino, uint32_t opflags,
		    uint64_t pos, uint64_t count, int64_t written,
		    const struct fuse_iomap_io *map, bool size_changed)
{
	const struct fuse_dialect *d = km->d;
	bool wr = is_write_op(d, opflags);
	struct fuse_iomap_end_in in;
	int res;

	if (km->end_enosys)
		return 0;
	if (!(map->flags & d->val.f_want_end) &&
	    !(wr && size_changed) && !(wr && written < (int64_t)count))
		return 0;
	memset(&in, 0, sizeof(in));
	in.opflags = opflags;
	in.attr_ino = ino->attr.ino;
	in.pos = pos;
	in.count = count;
	in.written = written;
	in.map = *map;
	if (size_changed)
		in.map.flags |= d->val.f_size_changed;
	res = km_call(km, d->op.iomap_end, ino->nodeid, &in, d->size.end_in,
		      NULL, 0, NULL, NULL);
	if (res == -ENOSYS) {
		km->end_enosys = true;
		return 0;
	}
	return res;
}

/* INLINE data travels through FUSE_READ/WRITE with fh 0. */
static int inline_io(struct kmodel *km, struct km_inode *ino, uint64_t pos,
		     size_t n, void *buf, bool write)
{
	size_t len;
	void *p;
	int res;

	if (!write) {
		struct fuse_read_in in;

		memset(&in, 0, sizeof(in));
		in.offset = pos;
		in.size = n;
		res = km_call(km, FUSE_READ, ino->nodeid, &in, sizeof(in), NULL,
			      0, &p, &len);
		if (res)
			return res;
		if (len == 0 || len > n)
			return -EIO;
		memcpy(buf, p, len);
		memset((char *)buf + len, 0, n - len);
		return 0;
	} else {
		struct fuse_write_in in;
		struct fuse_write_out *wo;

		memset(&in, 0, sizeof(in));
		in.offset = pos;
		in.size = n;
		res = km_call(km, FUSE_WRITE, ino->nodeid, &in, sizeof(in), buf,
			      n, &p, &len);
		if (res)
			return res;
		if (len != sizeof(*wo))
			return -EINVAL;
		wo = p;
		return wo->size < n ? -EIO : 0;
	}
}

/*
 * Buffered read: the kernel reads in readahead windows of max_readahead
 * (page-aligned), and asks for mappings window by window: a mapping is
 * reused only inside the window that asked for it (unless the mapping
 * cache answers), so the BEGIN count per GiB is what that kernel costs.
 */
ssize_t km_iomap_read(struct kmodel *km, struct km_inode *ino, uint64_t off,
		      size_t len, void *buf)
{
	const struct fuse_dialect *d = km->d;
	uint64_t page = d->lim.page_size, ra = km->readahead;
	uint64_t end, start, w, wend, fend;
	int res;

	if (off >= ino->attr.size)
		return 0;
	if (len > ino->attr.size - off)
		len = ino->attr.size - off;
	end = off + len;
	fend = (ino->attr.size + page - 1) / page * page;
	start = off - off % page;
	for (w = start; w < end; w = wend) {
		uint64_t pos = w;

		wend = w + ra < fend ? w + ra : fend;
		while (pos < wend) {
			struct km_maps m;
			struct fuse_iomap_io *io = &m.iomap;
			uint64_t n, cs, ce;

			res = begin_maps(km, ino, 0, pos, wend - pos, &m);
			if (res)
				return pos > off ? (ssize_t)(pos - off) : res;
			n = io->offset + io->length - pos;
			if (n > wend - pos)
				n = wend - pos;
			/* the part of [pos, pos+n) the caller asked for */
			cs = pos > off ? pos : off;
			ce = pos + n < end ? pos + n : end;
			res = 0;
			if (cs >= ce) {
				/* readahead past the request: nothing to copy */
			} else if (io->type == d->val.type_mapped) {
				res = km_pio(km->backing[io->dev].fd,
					     (char *)buf + (cs - off), ce - cs,
					     io->addr + (cs - io->offset), false);
			} else if (io->type == d->val.type_inline) {
				char *tmp = malloc(n);

				res = tmp ? inline_io(km, ino, pos, n, tmp, false)
					  : -ENOMEM;
				if (!res)
					memcpy((char *)buf + (cs - off),
					       tmp + (cs - pos), ce - cs);
				free(tmp);
			} else {
				/* HOLE, UNWRITTEN, DELALLOC read as zeros */
				memset((char *)buf + (cs - off), 0, ce - cs);
			}
			if (!res)
				res = send_end(km, ino, 0, pos, wend - pos, n, io,
					       false);
			if (res)
				return cs > off ? (ssize_t)(cs - off) : res;
			pos += n;
		}
	}
	return len;
}

static int send_ioend(struct kmodel *km, struct km_inode *ino, uint32_t flags,
		      int error, uint64_t pos, uint64_t written, uint32_t dev,
		      uint64_t new_addr)
{
	const struct fuse_dialect *d = km->d;
	struct fuse_iomap_ioend_in in;
	struct fuse_iomap_ioend_out *o;
	size_t len;
	void *p;
	int res;

	if (km->ioend_enosys)
		return 0;
	if (!error && !(flags & d->val.ioend_swapoff) &&
	    !(written && (flags & (d->val.ioend_shared | d->val.ioend_unwritten |
				   d->val.ioend_append))))
		return 0;
	memset(&in, 0, sizeof(in));
	in.flags = flags;
	in.error = error;
	in.attr_ino = ino->attr.ino;
	in.pos = pos;
	in.new_addr = new_addr;
	in.written = written;
	in.dev = dev;
	res = km_call(km, d->op.iomap_ioend, ino->nodeid, &in, d->size.ioend_in,
		      NULL, 0, &p, &len);
	if (res == -ENOSYS) {
		km->ioend_enosys = true;
		return 0;
	}
	if (res)
		return res;
	if (len != d->size.ioend_out)
		return -EINVAL;
	o = p;
	ino->disk_size = o->newsize;
	return 0;
}

/* After an ioend: the kernel drops the completed range from the cache. */
static void ioend_inval(struct km_inode *ino, uint64_t pos, uint64_t n)
{
	if (!ino->cache)
		return;
	km_cache_remove(&ino->cache->rd, pos, n);
	km_cache_remove(&ino->cache->wr, pos, n);
}

static uint32_t ioend_flags(struct kmodel *km, struct km_inode *ino,
			    const struct fuse_iomap_io *dest, bool out_of_place,
			    uint64_t end, uint32_t base)
{
	const struct fuse_dialect *d = km->d;
	uint32_t f = base;

	if (dest->type == d->val.type_unwritten)
		f |= d->val.ioend_unwritten;
	if ((dest->flags & d->val.f_shared) || out_of_place)
		f |= d->val.ioend_shared;
	if (end > ino->disk_size)
		f |= d->val.ioend_append;
	return f;
}

static bool backed(const struct fuse_dialect *d, const struct fuse_iomap_io *m)
{
	return m->type == d->val.type_mapped || m->type == d->val.type_unwritten;
}

/*
 * Writeback of the dirty block range [bstart, bend) held in @blk: each
 * piece gets BEGIN(OP_WRITEBACK) (or a cache hit), the blocks go to the
 * device, and IOEND reports it (spec 2.4, 2.6).
 */
static int writeback(struct kmodel *km, struct km_inode *ino, uint64_t bstart,
		     uint64_t bend, const char *blk)
{
	const struct fuse_dialect *d = km->d;
	uint64_t pos = bstart;
	int res;

	while (pos < bend) {
		struct km_maps m;
		uint64_t n, naddr;
		bool oop;

		res = begin_maps(km, ino, d->val.op_writeback, pos, bend - pos, &m);
		if (res)
			return res;
		if (!backed(d, &m.iomap)) {
			km_err(km, "writeback got a mapping of type %u", m.iomap.type);
			return -EIO;
		}
		n = m.iomap.offset + m.iomap.length - pos;
		if (n > bend - pos)
			n = bend - pos;
		res = km_pio(km->backing[m.iomap.dev].fd, (void *)(blk + (pos - bstart)),
			     n, m.iomap.addr + (pos - m.iomap.offset), true);
		oop = m.has_src && backed(d, &m.srcmap);
		/* spec 2.6/10.8: writeback passes the ioend's sector, unconverted */
		naddr = (m.iomap.addr + (pos - m.iomap.offset)) >> 9;
		{
			int ires = send_ioend(km, ino,
				ioend_flags(km, ino, &m.iomap, oop, pos + n,
					    d->val.ioend_writeback),
				res, pos, res ? 0 : n, m.iomap.dev, naddr);

			if (!res)
				res = ires;
		}
		if (res)
			return res;
		ioend_inval(ino, pos, n);
		pos += n;
	}
	return 0;
}

/* Fill @blk (the whole blocks around a write) from the source mapping. */
static int read_source(struct kmodel *km, struct km_inode *ino,
		       const struct km_maps *m, uint64_t bstart, uint64_t bend,
		       char *blk)
{
	const struct fuse_dialect *d = km->d;
	const struct fuse_iomap_io *src = m->has_src ? &m->srcmap : &m->iomap;

	if ((m->iomap.flags & d->val.f_new) || src->type != d->val.type_mapped)
		return 0;	/* new blocks, holes, unwritten: zeros */
	if (bstart < src->offset || bend > src->offset + src->length)
		return 0;
	(void)ino;
	return km_pio(km->backing[src->dev].fd, blk, bend - bstart,
		      src->addr + (bstart - src->offset), false);
}

/*
 * One buffered write step: BEGIN(WRITE) gives the source for the partial
 * blocks; the dirty blocks then go through writeback at once (the model
 * keeps no page cache). Returns bytes written or -errno.
 */
static ssize_t buffered_step(struct kmodel *km, struct km_inode *ino,
			     uint64_t pos, size_t want, const char *buf)
{
	const struct fuse_dialect *d = km->d;
	uint32_t bs = km->blocksize, opflags = d->val.op_write;
	uint64_t n, end, bstart, bend;
	bool size_changed = false;
	struct km_maps m;
	char *blk;
	int res;

	res = begin_maps(km, ino, opflags, pos, want, &m);
	if (res)
		return res;
	n = m.iomap.offset + m.iomap.length - pos;
	if (n > want)
		n = want;
	if (m.iomap.type == d->val.type_inline) {
		res = inline_io(km, ino, pos, n, (void *)buf, true);
		if (res)
			return res;
		goto done;
	}
	end = pos + n;
	bstart = pos - pos % bs;
	bend = (end + bs - 1) / bs * bs;
	blk = calloc(1, bend - bstart);
	if (!blk)
		return -ENOMEM;
	res = 0;
	if (bstart < pos || bend > end)
		res = read_source(km, ino, &m, bstart, bend, blk);
	memcpy(blk + (pos - bstart), buf, n);
	if (!res)
		res = writeback(km, ino, bstart, bend, blk);
	free(blk);
	if (res)
		return res;
done:
	if (pos + n > ino->attr.size) {
		ino->attr.size = pos + n;
		size_changed = true;
	}
	res = send_end(km, ino, opflags, pos, want, n, &m.iomap, size_changed);
	return res ? res : (ssize_t)n;
}

/*
 * One direct write step (OP_WRITE|OP_DIRECT): the blocks go straight to
 * the destination mapping. Returns bytes written, -errno, or -ENOTBLK /
 * -ENOSYS to fall back to buffered I/O (spec 2.4).
 */
static ssize_t direct_step(struct kmodel *km, struct km_inode *ino,
			   uint64_t pos, size_t want, const char *buf)
{
	const struct fuse_dialect *d = km->d;
	uint32_t opflags = d->val.op_write | d->val.op_direct;
	bool size_changed = false, oop;
	struct km_maps m;
	uint64_t n;
	int res, ires;

	res = begin_maps(km, ino, opflags, pos, want, &m);
	if (res)
		return res;
	if (m.iomap.type == d->val.type_inline)
		return -ENOTBLK;	/* iomap DIO cannot do inline data */
	if (!backed(d, &m.iomap)) {
		km_err(km, "direct write into a mapping of type %u", m.iomap.type);
		return -EIO;
	}
	n = m.iomap.offset + m.iomap.length - pos;
	if (n > want)
		n = want;
	res = km_pio(km->backing[m.iomap.dev].fd, (void *)buf, n,
		     m.iomap.addr + (pos - m.iomap.offset), true);
	oop = m.has_src && backed(d, &m.srcmap);
	ires = send_ioend(km, ino, ioend_flags(km, ino, &m.iomap, oop, pos + n,
					       d->val.ioend_direct),
			  res, pos, res ? 0 : n, m.iomap.dev, d->val.null_addr);
	if (!res)
		res = ires;
	if (res)
		return res;
	ioend_inval(ino, pos, n);
	if (pos + n > ino->attr.size) {
		ino->attr.size = pos + n;
		size_changed = true;
	}
	res = send_end(km, ino, opflags, pos, want, n, &m.iomap, size_changed);
	return res ? res : (ssize_t)n;
}

ssize_t km_iomap_write(struct kmodel *km, struct km_inode *ino, uint64_t off,
		       size_t len, const void *buf, bool direct)
{
	size_t done = 0;

	if (ino->attr.flags & FUSE_ATTR_IMMUTABLE)
		return -EPERM;
	if (direct && (off % 512 || len % 512))
		return -EINVAL;		/* logical block alignment */
	while (done < len) {
		ssize_t n;

		if (direct) {
			n = direct_step(km, ino, off + done, len - done,
					(const char *)buf + done);
			if (n == -ENOSYS || n == -ENOTBLK) {
				/* FOPEN_DIRECT_IO files get -EIO instead */
				if (ino->open_flags & FOPEN_DIRECT_IO)
					n = -EIO;
				else
					direct = false;
				if (!direct)
					continue;
			}
		} else {
			n = buffered_step(km, ino, off + done, len - done,
					  (const char *)buf + done);
		}
		if (n < 0)
			return done ? (ssize_t)done : n;
		if (n == 0)
			return done ? (ssize_t)done : -EIO;
		done += n;
	}
	return done;
}

int km_iomap_report(struct kmodel *km, struct km_inode *ino, uint64_t pos,
		    struct fuse_iomap_io *out)
{
	struct km_maps m;
	int res;

	res = begin_maps(km, ino, km->d->val.op_report, pos,
			 ino->attr.size > pos ? ino->attr.size - pos : 1, &m);
	if (res)
		return res;
	*out = m.iomap;
	return 0;
}
