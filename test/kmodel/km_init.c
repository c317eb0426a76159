/*
 * INIT as the modelled kernel sends and checks it (spec 1), followed by
 * FUSE_IOMAP_CONFIG on iomap connections (spec 2.3).
 */
#include <errno.h>
#include <string.h>

#include "km_i.h"

/* The classic flags a current kernel offers (upstream fs/fuse/inode.c). */
#define KM_BASE_FLAGS (FUSE_ASYNC_READ | FUSE_POSIX_LOCKS | \
	FUSE_ATOMIC_O_TRUNC | FUSE_EXPORT_SUPPORT | FUSE_BIG_WRITES | \
	FUSE_DONT_MASK | FUSE_FLOCK_LOCKS | FUSE_AUTO_INVAL_DATA | \
	FUSE_DO_READDIRPLUS | FUSE_READDIRPLUS_AUTO | FUSE_ASYNC_DIO | \
	FUSE_PARALLEL_DIROPS | FUSE_MAX_PAGES | FUSE_INIT_EXT)

static int km_config(struct kmodel *km)
{
	const struct fuse_dialect *d = km->d;
	struct fuse_iomap_config_in in;
	struct fuse_iomap_config_out o;
	size_t len;
	void *p;
	int res;

	memset(&in, 0, sizeof(in));
	in.flags = d->val.config_flags_known;
	in.maxbytes = d->lim.maxbytes;
	in.cache_maxbytes = d->lim.cache_default;
	/* forced, credential-less, nodeid 0 (spec 2.3) */
	res = km_call(km, d->op.iomap_config, 0, &in, d->size.config_in, NULL, 0,
		      &p, &len);
	if (res == -ENOSYS)
		return 0;		/* defaults; the mount goes on */
	if (res) {
		km_err(km, "IOMAP_CONFIG failed: %s", strerror(-res));
		return res;
	}
	if (len > d->size.config_out_max) {
		km_err(km, "IOMAP_CONFIG reply of %zu bytes, at most %u", len,
		       d->size.config_out_max);
		return -EINVAL;
	}
	memset(&o, 0, sizeof(o));
	memcpy(&o, p, len);	/* argvar: a shorter reply is zero-filled */
	if (o.flags & ~d->val.config_flags_known) {
		km_err(km, "IOMAP_CONFIG: unknown flags 0x%llx",
		       (unsigned long long)(o.flags & ~d->val.config_flags_known));
		return -EINVAL;
	}
	if (o.s_uuid_len > sizeof(o.s_uuid)) {
		km_err(km, "IOMAP_CONFIG: s_uuid_len %u > 16", o.s_uuid_len);
		return -EINVAL;
	}
	if (o.s_pad[0] || o.s_pad[1] || o.s_pad[2]) {
		km_err(km, "IOMAP_CONFIG: nonzero s_pad");
		return -EINVAL;
	}
	if (o.flags & FUSE_IOMAP_CONFIG_BLOCKSIZE) {
		uint32_t bs = o.s_blocksize;

		/* sb_set_blocksize: a power of two in [512, PAGE_SIZE] */
		if (bs < 512 || bs > d->lim.page_size || (bs & (bs - 1))) {
			km_err(km, "IOMAP_CONFIG: block size %u cannot be set", bs);
			return -EINVAL;
		}
		km->blocksize = bs;
	}
	if (o.flags & FUSE_IOMAP_CONFIG_MAXBYTES) {
		if (o.s_maxbytes <= 0) {
			km_err(km, "IOMAP_CONFIG: s_maxbytes %lld",
			       (long long)o.s_maxbytes);
			return -EINVAL;
		}
		km->s_maxbytes = o.s_maxbytes < d->lim.maxbytes ?
				 o.s_maxbytes : d->lim.maxbytes;
	}
	if ((o.flags & FUSE_IOMAP_CONFIG_CACHE_MAXBYTES) && o.cache_maxbytes) {
		uint32_t c = o.cache_maxbytes;

		if (c < d->lim.cache_min)
			c = d->lim.cache_min;
		if (c > d->lim.cache_max)
			c = d->lim.cache_max;
		km->cache_maxbytes = c;
	}
	return 0;
}

int km_do_init(struct kmodel *km)
{
	const struct fuse_dialect *d = km->d;
	struct fuse_init_out_dax_fmap_ops o;
	struct fuse_init_in in;
	struct km_inode *root;
	uint64_t offer = KM_BASE_FLAGS, got;
	size_t len;
	void *p;
	int res;

	km->s_maxbytes = d->lim.maxbytes;
	km->cache_maxbytes = d->lim.cache_default;
	if (d->map_flag && km->o.offer_map_flag) {
		/* spec 1.2: only with may_iomap; spec 1.3: only with CAP_SYS_RAWIO */
		if ((d->path == FUSE_DPATH_IOMAP && km->may_iomap) ||
		    (d->path == FUSE_DPATH_FMAP && km->o.famfs_rawio))
			offer |= d->map_flag;
	}
	memset(&in, 0, sizeof(in));
	in.major = FUSE_KERNEL_VERSION;
	in.minor = d->minor;
	in.max_readahead = 128 * 1024;
	in.flags = (uint32_t)offer;
	in.flags2 = (uint32_t)(offer >> 32);
	km->init_flags = offer;
	km->init_sent = true;
	res = km_call(km, FUSE_INIT, 0, &in, sizeof(in), NULL, 0, &p, &len);
	if (res) {
		km_err(km, "INIT failed: %s", strerror(-res));
		return res;
	}
	if (len < 8 || len > sizeof(o)) {
		km_err(km, "INIT reply of %zu bytes", len);
		return -EINVAL;
	}
	memset(&o, 0, sizeof(o));
	memcpy(&o, p, len);
	if (o.major != FUSE_KERNEL_VERSION) {
		km_err(km, "INIT reply major %u", o.major);
		return -EPROTO;
	}
	km->minor = o.minor < d->minor ? o.minor : d->minor;
	got = o.flags;
	if (o.flags & FUSE_INIT_EXT)
		got |= (uint64_t)o.flags2 << 32;
	km->reply_flags = got;
	km->max_write = o.max_write < 4096 ? 4096 : o.max_write;
	/* ra_pages: the smaller of the two, at least one page */
	km->readahead = o.max_readahead < in.max_readahead ? o.max_readahead :
			in.max_readahead;
	km->readahead -= km->readahead % d->lim.page_size;
	if (km->readahead < d->lim.page_size)
		km->readahead = d->lim.page_size;
	if (km->max_write > km->o.max_io)
		km->max_write = km->o.max_io;
	/* "reply has the bit AND the kernel offered it" (spec 1.2, 1.3) */
	if (d->map_flag && (offer & d->map_flag) && (got & d->map_flag)) {
		if (d->path == FUSE_DPATH_IOMAP)
			km->iomap = km->may_iomap;
		else if (d->path == FUSE_DPATH_FMAP)
			km->famfs = true;
	}
	if (km->famfs && d->init_ops_name) {
		/* spec 1.4: the kernel binds the named fuse_dax_fmap_ops */
		memcpy(km->ops_name, o.ops_name, d->ops_name_len);
		km->ops_name[d->ops_name_len] = '\0';
		if (!km->ops_name[0]) {
			km_err(km, "DAX_FMAP without ops_name: no BPF program to bind");
			km->famfs = false;
		} else if (!km_bpf_fmap_registered(km) ||
			   strcmp(km->ops_name, km->bpf.name)) {
			/*
			 * gourryinverse Documentation (fuse DAX fmap): "If the
			 * named BPF program is not loaded, DAX fmap is not
			 * negotiated and the mount proceeds without DAX support."
			 */
			km_err(km, "DAX_FMAP names fuse_dax_fmap_ops '%s', which is "
			       "not registered: no DAX fmap", km->ops_name);
			km->famfs = false;
		}
	}
	root = km_inode_add(km, FUSE_ROOT_ID);
	if (!root)
		return -ENOMEM;
	root->attr.mode = S_IFDIR | 0755;
	root->attr.ino = FUSE_ROOT_ID;
	root->nlookup = 1;
	km->init_done = true;
	if (km->iomap) {
		res = km_config(km);
		if (res)
			return res;
	}
	return 0;
}
