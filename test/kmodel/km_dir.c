/*
 * Directory listing as the kernel does it: OPENDIR, READDIR or READDIRPLUS
 * (when the server accepted FUSE_DO_READDIRPLUS) until an empty reply,
 * RELEASEDIR; every record checked like fs/fuse/readdir.c parse_dirfile().
 */
#include <errno.h>
#include <string.h>

#include "km_i.h"

/* fs/fuse/fuse_i.h: longest name the kernel accepts in a dirent */
#define KM_FUSE_NAME_MAX	1024

static int parse(struct kmodel *km, const char *buf, size_t len, bool plus,
		 uint64_t *pos, int (*cb)(void *, const char *, uint32_t, uint64_t),
		 void *ctx, bool *stop)
{
	while (len) {
		const struct fuse_dirent *de;
		size_t head = plus ? offsetof(struct fuse_direntplus, dirent.name)
				   : FUSE_NAME_OFFSET;
		size_t reclen;
		char name[KM_FUSE_NAME_MAX + 1];

		if (len < head)
			break;	/* the kernel ignores a short tail */
		de = plus ? &((const struct fuse_direntplus *)buf)->dirent
			  : (const struct fuse_dirent *)buf;
		if (!de->namelen || de->namelen > KM_FUSE_NAME_MAX) {
			km_err(km, "dirent name length %u", de->namelen);
			return -EIO;
		}
		reclen = FUSE_DIRENT_ALIGN(head + de->namelen);
		if (reclen > len)
			break;
		if (memchr(de->name, '/', de->namelen)) {
			km_err(km, "dirent name with '/'");
			return -EIO;
		}
		if (plus) {
			const struct fuse_entry_out *eo =
				&((const struct fuse_direntplus *)buf)->entry_out;

			if (eo->nodeid) {
				struct km_inode *ino = km_inode_add(km, eo->nodeid);

				/* READDIRPLUS entries count as lookups */
				if (ino) {
					ino->nlookup++;
					ino->attr = eo->attr;
				}
			}
		}
		memcpy(name, de->name, de->namelen);
		name[de->namelen] = '\0';
		*pos = de->off;
		if (cb(ctx, name, de->type, de->ino)) {
			*stop = true;
			return 0;
		}
		buf += reclen;
		len -= reclen;
	}
	return 0;
}

int kmodel_readdir(struct kmodel *km, const char *path,
		   int (*cb)(void *ctx, const char *name, uint32_t type,
			     uint64_t ino),
		   void *ctx)
{
	bool plus = km->reply_flags & FUSE_DO_READDIRPLUS;
	uint32_t op = plus ? FUSE_READDIRPLUS : FUSE_READDIR;
	struct fuse_open_in oi;
	struct fuse_open_out *oo;
	struct fuse_release_in ri;
	struct km_inode *dir;
	uint64_t fh, pos = 0;
	bool stop = false;
	char page[4096];
	size_t len;
	void *p;
	int res;

	res = km_resolve(km, path, &dir);
	if (res)
		return res;
	if (!S_ISDIR(dir->attr.mode))
		return -ENOTDIR;
	memset(&oi, 0, sizeof(oi));
	res = km_call(km, FUSE_OPENDIR, dir->nodeid, &oi, sizeof(oi), NULL, 0,
		      &p, &len);
	if (res)
		return res;
	if (len != sizeof(*oo))
		return -EINVAL;
	oo = p;
	fh = oo->fh;
	while (!stop) {
		struct fuse_read_in in;

		memset(&in, 0, sizeof(in));
		in.fh = fh;
		in.offset = pos;
		in.size = sizeof(page);
		res = km_call(km, op, dir->nodeid, &in, sizeof(in), NULL, 0, &p,
			      &len);
		if (res)
			break;
		if (len > in.size) {
			res = -EIO;
			break;
		}
		if (!len)
			break;
		{
			uint64_t before = pos;

			/* the callback may call into the model: own copy */
			memcpy(page, p, len);
			res = parse(km, page, len, plus, &pos, cb, ctx, &stop);
			if (res)
				break;
			if (pos == before && !stop) {
				km_err(km, "readdir made no progress at %llu",
				       (unsigned long long)pos);
				res = -EIO;
				break;
			}
		}
	}
	memset(&ri, 0, sizeof(ri));
	ri.fh = fh;
	km_call(km, FUSE_RELEASEDIR, dir->nodeid, &ri, sizeof(ri), NULL, 0, NULL,
		NULL);
	return res;
}
