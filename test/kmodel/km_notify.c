/*
 * Notifications from the server (fuse_out_header.unique == 0): the iomap
 * mapping cache messages (spec 5.2, 5.3), DEV_INVAL (spec 4.2) and the
 * stock invalidations the model has state for.
 */
#include <errno.h>
#include <string.h>

#include "km_i.h"

static int notify_inode(struct kmodel *km, uint64_t nodeid, uint64_t attr_ino,
			struct km_inode **out)
{
	struct km_inode *ino = km_inode_get(km, nodeid);

	if (!ino) {
		km_err(km, "notify: no inode %llu", (unsigned long long)nodeid);
		return -ESTALE;
	}
	if (ino->attr.ino != attr_ino) {
		km_err(km, "notify: attr_ino %llu, inode has %llu",
		       (unsigned long long)attr_ino,
		       (unsigned long long)ino->attr.ino);
		return -EINVAL;
	}
	if (ino->bad)
		return -EIO;
	*out = ino;
	return 0;
}

static int upsert(struct kmodel *km, const void *p, size_t len)
{
	const struct fuse_dialect *d = km->d;
	struct fuse_iomap_upsert_mappings_out u;
	struct km_inode *ino;
	int res;

	if (len != d->size.upsert || !km->iomap) {
		km_err(km, "UPSERT: %zu bytes (want %u), iomap %d", len,
		       d->size.upsert, km->iomap);
		return -EINVAL;
	}
	memcpy(&u, p, sizeof(u));
	res = notify_inode(km, u.nodeid, u.attr_ino, &ino);
	if (res)
		return res;
	if (u.read.length && u.read.type != d->val.type_nocache) {
		res = km_iomap_check_mapping(km, ino, &u.read, false, true, 0,
					     false);
		if (res)
			return res;
	}
	if (u.write.length && u.write.type != d->val.type_nocache) {
		res = km_iomap_check_mapping(km, ino, &u.write, true, true, 0,
					     false);
		if (res)
			return res;
	}
	return km_cache_upsert(km, ino, &u.read, &u.write);
}

static int check_range(struct kmodel *km, const struct fuse_range *r)
{
	const struct fuse_dialect *d = km->d;

	if (!r->length)
		return 0;
	if (r->offset % km->blocksize || r->offset >= (uint64_t)km->s_maxbytes ||
	    (r->length != d->val.inval_to_eof && r->length % km->blocksize)) {
		km_err(km, "INVAL: range %llu+%llu not aligned or too far",
		       (unsigned long long)r->offset,
		       (unsigned long long)r->length);
		return -d->corrupt_errno;
	}
	return 0;
}

static int inval(struct kmodel *km, const void *p, size_t len)
{
	const struct fuse_dialect *d = km->d;
	struct fuse_iomap_inval_mappings_out v;
	struct km_inode *ino;
	int res;

	if (len != d->size.inval || !km->iomap) {
		km_err(km, "INVAL: %zu bytes (want %u), iomap %d", len,
		       d->size.inval, km->iomap);
		return -EINVAL;
	}
	memcpy(&v, p, sizeof(v));
	res = notify_inode(km, v.nodeid, v.attr_ino, &ino);
	if (res)
		return res;
	res = check_range(km, &v.read);
	if (!res)
		res = check_range(km, &v.write);
	if (res || !ino->cache)
		return res;
	if (v.read.length)
		km_cache_remove(&ino->cache->rd, v.read.offset, v.read.length);
	if (v.write.length)
		km_cache_remove(&ino->cache->wr, v.write.offset, v.write.length);
	return 0;
}

static int dev_inval(struct kmodel *km, const void *p, size_t len)
{
	const struct fuse_dialect *d = km->d;
	struct fuse_iomap_dev_inval_out v;
	uint64_t end;

	if (len != d->size.dev_inval || !km->iomap)
		return -EINVAL;
	memcpy(&v, p, sizeof(v));
	if (v.dev == d->val.dev_null)
		return -EINVAL;
	if (v.dev >= KM_MAX_BACKING || km->backing[v.dev].fd < 0)
		return -ENODEV;
	if (v.range.offset >= km->backing[v.dev].size ||
	    __builtin_add_overflow(v.range.offset, v.range.length, &end))
		return -EINVAL;
	/* the model keeps no block-device page cache: nothing to drop */
	return 0;
}

/* INVAL_ENTRY / DELETE: header, then the name and a NUL (fs/fuse/dev.c). */
static int inval_entry(struct kmodel *km, const void *p, size_t len, bool del)
{
	size_t head = del ? sizeof(struct fuse_notify_delete_out)
			  : sizeof(struct fuse_notify_inval_entry_out);
	uint64_t parent;
	uint32_t namelen;
	char name[256];

	if (len < head)
		return -EINVAL;
	if (del) {
		struct fuse_notify_delete_out o;

		memcpy(&o, p, sizeof(o));
		parent = o.parent;
		namelen = o.namelen;
	} else {
		struct fuse_notify_inval_entry_out o;

		memcpy(&o, p, sizeof(o));
		parent = o.parent;
		namelen = o.namelen;
	}
	/* name plus its NUL must be exactly the rest; FUSE_NAME_MAX is 1024 */
	if (namelen > 1024 || len != head + namelen + 1 ||
	    ((const char *)p)[head + namelen] != '\0')
		return -EINVAL;
	if (namelen >= sizeof(name))
		return 0;	/* longer than any name the model caches */
	memcpy(name, (const char *)p + head, namelen);
	name[namelen] = '\0';
	km_dcache_drop(km, parent, name, 0);
	return 0;
}

int km_handle_notify(struct kmodel *km, int32_t code, const void *p,
		     size_t len)
{
	const struct fuse_dialect *d = km->d;
	int res;

	if (d->notify.iomap_upsert && code == d->notify.iomap_upsert)
		res = upsert(km, p, len);
	else if (d->notify.iomap_inval && code == d->notify.iomap_inval)
		res = inval(km, p, len);
	else if (d->notify.iomap_dev_inval && code == d->notify.iomap_dev_inval)
		res = dev_inval(km, p, len);
	else if (code == FUSE_NOTIFY_INVAL_INODE) {
		struct fuse_notify_inval_inode_out o;

		if (len != sizeof(o))
			res = -EINVAL;
		else {
			memcpy(&o, p, sizeof(o));
			res = km_inode_get(km, o.ino) ? 0 : -ENOENT;
		}
	} else if (code == FUSE_NOTIFY_INVAL_ENTRY) {
		res = inval_entry(km, p, len, false);
	} else if (code == FUSE_NOTIFY_DELETE) {
		res = inval_entry(km, p, len, true);
	} else if (code >= FUSE_NOTIFY_POLL && code <= FUSE_NOTIFY_PRUNE) {
		/* stock codes without model state (poll, store, retrieve, ...) */
		km_err(km, "notification %d accepted, not modelled", code);
		res = 0;
	} else {
		/* fuse_notify(): unknown code -> -EINVAL (spec 9.3) */
		km_err(km, "unknown notification code %d", code);
		res = -EINVAL;
	}
	if (km->o.verbose)
		fprintf(stderr, "kmodel: notify %d (%zu bytes) -> %d\n", code,
			len, res);
	return res;
}
