/*
 * A plain libfuse lowlevel server for the kernel model's integration test:
 * one regular file "f" of 300000 bytes ((i * 7) & 0xff). It knows nothing
 * about the model: it mounts whatever mountpoint it is given ("/dev/fd/N").
 */
#define FUSE_USE_VERSION 318
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <fuse_lowlevel.h>

#define FILE_SIZE 300000

static char data[FILE_SIZE];

static void fill_stat(fuse_ino_t ino, struct stat *s)
{
	memset(s, 0, sizeof(*s));
	s->st_ino = ino;
	if (ino == FUSE_ROOT_ID) {
		s->st_mode = S_IFDIR | 0755;
		s->st_nlink = 2;
	} else {
		s->st_mode = S_IFREG | 0644;
		s->st_nlink = 1;
		s->st_size = FILE_SIZE;
	}
}

static void kt_lookup(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	struct fuse_entry_param e;

	if (parent != FUSE_ROOT_ID || strcmp(name, "f") != 0) {
		fuse_reply_err(req, ENOENT);
		return;
	}
	memset(&e, 0, sizeof(e));
	e.ino = 2;
	fill_stat(2, &e.attr);
	fuse_reply_entry(req, &e);
}

static void kt_getattr(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct stat s;

	(void)fi;
	if (ino != FUSE_ROOT_ID && ino != 2) {
		fuse_reply_err(req, ENOENT);
		return;
	}
	fill_stat(ino, &s);
	fuse_reply_attr(req, &s, 1.0);
}

static void kt_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		    struct fuse_file_info *fi)
{
	(void)ino;
	(void)fi;
	if (off < 0 || off >= FILE_SIZE) {
		fuse_reply_buf(req, NULL, 0);
		return;
	}
	if (size > (size_t)(FILE_SIZE - off))
		size = FILE_SIZE - off;
	fuse_reply_buf(req, data + off, size);
}

static const struct fuse_lowlevel_ops kt_ops = {
	.lookup = kt_lookup,
	.getattr = kt_getattr,
	.read = kt_read,
};

int main(int argc, char *argv[])
{
	struct fuse_args args = FUSE_ARGS_INIT(0, NULL);
	struct fuse_session *se;
	size_t i;
	int res;

	if (argc < 2)
		return 2;
	for (i = 0; i < FILE_SIZE; i++)
		data[i] = (char)(i * 7);
	fuse_opt_add_arg(&args, argv[0]);
	se = fuse_session_new(&args, &kt_ops, sizeof(kt_ops), NULL);
	fuse_opt_free_args(&args);
	if (!se)
		return 1;
	if (fuse_session_mount(se, argv[argc - 1]) != 0) {
		fuse_session_destroy(se);
		return 1;
	}
	res = fuse_session_loop(se);
	fuse_session_unmount(se);
	fuse_session_destroy(se);
	return res ? 1 : 0;
}
