/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * runtime_test.c - the BPF runtime's checks and its fallback path
 * (lib/bpf/bpf_runtime.c) on this stock kernel: the fuse struct_ops types
 * are absent, so every attach must end on the upcall path with a logged,
 * readable reason; positive BTF controls prove the detection works; a
 * forced load fails cleanly; without CAP_BPF/CAP_PERFMON it falls back
 * before loading anything; records are validated.
 *
 * Exit 77 when not root or /dev/fuse cannot be opened.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/capability.h>

#include "fuse_log.h"
#include "bpf/bpf_runtime_i.h"

static unsigned int passed, failed;
static char logbuf[8192];

#define CHECK(cond, ...)						\
	do {								\
		if (cond) {						\
			passed++;					\
		} else {						\
			failed++;					\
			fprintf(stderr, "FAIL line %d: ", __LINE__);	\
			fprintf(stderr, __VA_ARGS__);			\
			fputc('\n', stderr);				\
		}							\
	} while (0)

static void capture_log(enum fuse_log_level level, const char *fmt, va_list ap)
{
	size_t len = strlen(logbuf);

	(void)level;
	if (len < sizeof(logbuf) - 1)
		vsnprintf(logbuf + len, sizeof(logbuf) - len, fmt, ap);
}

static const char *const fuse_types[] = {
	"fuse_iomap_bpf_ops", "fuse_dax_fmap_ops", "fuse_bpf_ops",
};

static void test_probes(int *fuse_types_absent)
{
	char where[128], why[256];
	unsigned int i;
	int r;

	CHECK(fuse_bpf_check_libbpf(why, sizeof(why)) == 0,
	      "libbpf >= 1.4 at run time: %s", why);
	CHECK(fuse_bpf_check_caps(why, sizeof(why)) == 0, "root has caps: %s", why);

	/* positive controls: types this stock kernel has in vmlinux */
	r = fuse_bpf_btf_has_struct_ops(NULL, "tcp_congestion_ops", where,
					sizeof(where));
	CHECK(r == 1 && !strcmp(where, "vmlinux"), "tcp_congestion_ops: %d %s",
	      r, r == 1 ? where : "");
	r = fuse_bpf_btf_has_struct_ops(NULL, "bpf_dummy_ops", where,
					sizeof(where));
	CHECK(r == 1, "bpf_dummy_ops: %d", r);
	/* a plain struct is not a struct_ops type */
	r = fuse_bpf_btf_has_struct_ops(NULL, "inode", where, sizeof(where));
	CHECK(r == 0, "struct inode is no struct_ops type: %d", r);

	*fuse_types_absent = 1;
	for (i = 0; i < 3; i++) {
		r = fuse_bpf_btf_has_struct_ops(NULL, fuse_types[i], where,
						sizeof(where));
		CHECK(r == 0 || r == 1, "%s: %d", fuse_types[i], r);
		printf("BTF: %-20s %s\n", fuse_types[i],
		       r == 1 ? where : "absent");
		if (r != 0)
			*fuse_types_absent = 0;
	}

	r = fuse_bpf_btf_has_struct_ops("/nonexistent-btf", "bpf_dummy_ops",
					where, sizeof(where));
	CHECK(r < 0, "missing BTF dir -> %d", r);
}

/* A BTF dir with the real vmlinux and a corrupt "module": skipped. */
static void test_btf_dir(void)
{
	char dir[] = "/tmp/bpf-rt-btfXXXXXX", path[128], where[64];
	int fd, r;

	if (!mkdtemp(dir)) {
		CHECK(0, "mkdtemp: %s", strerror(errno));
		return;
	}
	snprintf(path, sizeof(path), "%s/vmlinux", dir);
	CHECK(symlink("/sys/kernel/btf/vmlinux", path) == 0, "symlink");
	snprintf(path, sizeof(path), "%s/broken_mod", dir);
	fd = open(path, O_CREAT | O_WRONLY, 0600);
	if (fd >= 0) {
		CHECK(write(fd, "not BTF at all", 14) == 14, "write");
		close(fd);
	}
	r = fuse_bpf_btf_has_struct_ops(dir, "fuse_iomap_bpf_ops", where,
					sizeof(where));
	CHECK(r == 0, "corrupt module BTF skipped, type absent: %d", r);
	r = fuse_bpf_btf_has_struct_ops(dir, "tcp_congestion_ops", where,
					sizeof(where));
	CHECK(r == 1, "vmlinux via custom dir: %d", r);
	unlink(path);
	snprintf(path, sizeof(path), "%s/vmlinux", dir);
	unlink(path);
	rmdir(dir);
}

static void test_fallback(int fd, int absent)
{
	struct fuse_bpf_opts o = { 0 };
	struct fuse_bpf_file rec;
	struct fuse_res_ext e = { 0, 4096, 8192, 1, FUSE_RES_TYPE_MAPPED, 0 };
	const char *reason;
	struct fuse_bpf *b;
	unsigned int i;

	logbuf[0] = '\0';
	b = fuse_bpf_attach(fd, NULL);
	CHECK(b != NULL, "attach handle");
	if (!b)
		return;
	CHECK(fuse_bpf_path(b, &reason) == FUSE_BPF_PATH_UPCALL || !absent,
	      "stock kernel: upcall path");
	printf("default attach: path=%s reason: %s\n",
	       fuse_bpf_path_name(fuse_bpf_path(b, NULL)), reason);
	if (absent) {
		for (i = 0; i < 3; i++)
			CHECK(strstr(reason, fuse_types[i]) &&
			      strstr(reason, "not in kernel BTF"),
			      "reason names %s", fuse_types[i]);
		CHECK(strstr(logbuf, "upcalls") && strstr(logbuf, reason),
		      "reason logged: '%s'", logbuf);
		CHECK(fuse_bpf_ops_name(b) == NULL, "no ops name");
		CHECK(fuse_bpf_file_from_extents(&rec, 5, &e, 1, 4096) == 0,
		      "record");
		CHECK(fuse_bpf_set_file(b, &rec) == -EOPNOTSUPP,
		      "set_file on the upcall path");
		CHECK(fuse_bpf_clear_file(b, 5) == -EOPNOTSUPP, "clear_file");
		CHECK(fuse_bpf_set_dax_device(b, 0, "/dev/dax0.0") == -EOPNOTSUPP,
		      "set_dax_device on the upcall path");
	}
	fuse_bpf_detach(b);

	/* Force the load although the type is missing: must fail cleanly. */
	if (absent) {
		o.skip_btf_check = 1;
		logbuf[0] = '\0';
		b = fuse_bpf_attach(fd, &o);
		CHECK(b && fuse_bpf_path(b, &reason) == FUSE_BPF_PATH_UPCALL,
		      "forced load falls back");
		if (b) {
			printf("forced load: %s\n", reason);
			for (i = 0; i < 3; i++)
				CHECK(strstr(reason, fuse_types[i]) != NULL,
				      "forced: %s tried", fuse_types[i]);
			CHECK(strstr(reason, "load failed") != NULL,
			      "forced: load failure reported");
		}
		fuse_bpf_detach(b);
	}

	/* Only one flavour, bad options. */
	memset(&o, 0, sizeof(o));
	o.flavours = FUSE_BPF_FLAVOUR_DAX_FMAP;
	{
		/* a device table to publish: nothing happens without a program */
		static const char *const paths[] = { "/dev/dax0.0", NULL, "" };

		o.dax_paths = paths;
		o.ndax_paths = 3;
	}
	b = fuse_bpf_attach(fd, &o);
	CHECK(b && (fuse_bpf_path(b, &reason), !strstr(reason, "fuse_iomap_bpf_ops")),
	      "only the requested flavour is tried");
	CHECK(fuse_bpf_path(b, NULL) != FUSE_BPF_PATH_UPCALL ||
	      fuse_bpf_set_dax_device(b, 0, NULL) == -EOPNOTSUPP,
	      "device table needs the program");
	fuse_bpf_detach(b);
	o.dax_paths = NULL;
	o.ndax_paths = 0;
	CHECK(fuse_bpf_set_dax_device(NULL, 0, "/dev/dax0.0") == -EOPNOTSUPP,
	      "set_dax_device on no handle");
	o.flavours = 0;
	o.nslots = FUSE_BPF_SLOTS_MAX + 1;
	b = fuse_bpf_attach(fd, &o);
	CHECK(b && (fuse_bpf_path(b, &reason), strstr(reason, "slots")),
	      "too many slots refused");
	fuse_bpf_detach(b);
	b = fuse_bpf_attach(-1, NULL);
	CHECK(b && (fuse_bpf_path(b, &reason), strstr(reason, "/dev/fuse")),
	      "no fd refused");
	fuse_bpf_detach(b);
	CHECK(fuse_bpf_path(NULL, &reason) == FUSE_BPF_PATH_UPCALL, "NULL handle");
}

/* In a child without CAP_SYS_ADMIN, CAP_BPF, CAP_PERFMON. */
static void test_no_caps(int fd)
{
	pid_t pid = fork();
	int status = 0;

	if (pid == 0) {
		struct __user_cap_header_struct h = {
			_LINUX_CAPABILITY_VERSION_3, 0 };
		struct __user_cap_data_struct d[2];
		const char *reason;
		char why[256];
		struct fuse_bpf *b;
		int ok = 1;

		memset(d, 0, sizeof(d));
		if (syscall(SYS_capget, &h, d))
			_exit(2);
		d[0].effective &= ~(1u << CAP_SYS_ADMIN);
		d[1].effective &= ~((1u << (38 - 32)) | (1u << (39 - 32)));
		if (syscall(SYS_capset, &h, d))
			_exit(3);
		ok &= fuse_bpf_check_caps(why, sizeof(why)) == -EPERM;
		b = fuse_bpf_attach(fd, NULL);
		ok &= b && fuse_bpf_path(b, &reason) == FUSE_BPF_PATH_UPCALL &&
		      strstr(reason, "CAP_BPF") != NULL;
		if (b)
			printf("without capabilities: %s\n", reason);
		fuse_bpf_detach(b);
		fflush(stdout);
		_exit(ok ? 0 : 1);
	}
	CHECK(pid > 0 && waitpid(pid, &status, 0) == pid &&
	      WIFEXITED(status) && WEXITSTATUS(status) == 0,
	      "no-capability child: status %#x", status);
}

static void test_records(void)
{
	struct fuse_res_ext e[33];
	struct fuse_res_interleave il;
	struct fuse_bpf_file rec;
	unsigned int i;

	for (i = 0; i < 33; i++)
		e[i] = (struct fuse_res_ext){ i * 8192ULL, 4096, 1ULL << 30,
					      i % 3 + 1, FUSE_RES_TYPE_MAPPED, 0 };
	CHECK(fuse_bpf_file_from_extents(&rec, 7, e, 33, 1 << 20) == -E2BIG,
	      "33 extents -> E2BIG");
	CHECK(fuse_bpf_file_from_extents(&rec, 7, e, 32, 1 << 20) == 0 &&
	      rec.dev_bitmap == 0xe && rec.u.ext.count == 32,
	      "32 extents, devices 1-3");
	CHECK(fuse_bpf_file_from_extents(&rec, 0, e, 2, 1 << 20) == -EINVAL,
	      "nodeid 0");
	e[1].offset = 100;
	CHECK(fuse_bpf_file_from_extents(&rec, 7, e, 2, 1 << 20) == -EINVAL,
	      "overlap rejected");
	memset(&il, 0, sizeof(il));
	il.nstrips = 2;
	il.size = 1 << 20;
	CHECK(fuse_bpf_file_from_interleave(&rec, 7, &il) == -EINVAL, "chunk 0");
	il.chunk = 4096;
	il.strip[0] = (struct fuse_res_strip){ 0, 1 << 19, 4, 0 };
	il.strip[1] = (struct fuse_res_strip){ 1 << 30, 1 << 19, 6, 0 };
	CHECK(fuse_bpf_file_from_interleave(&rec, 7, &il) == 0 &&
	      rec.dev_bitmap == 0x50, "interleave record");
	il.strip[1].length = 4096;
	CHECK(fuse_bpf_file_from_interleave(&rec, 7, &il) == -ERANGE,
	      "short strip");
}

int main(void)
{
	const char *why;
	int fd, absent = 0;

	if (!fuse_bpf_built_in(&why)) {
		printf("skipped: %s\n", why);
		return 77;
	}
	if (geteuid() != 0) {
		printf("skipped: needs root (BPF loading, capabilities)\n");
		return 77;
	}
	fd = open("/dev/fuse", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		printf("skipped: /dev/fuse: %s\n", strerror(errno));
		return 77;
	}
	fuse_set_log_func(capture_log);
	test_probes(&absent);
	test_btf_dir();
	test_records();
	test_fallback(fd, absent);
	fflush(stdout);
	test_no_caps(fd);
	close(fd);
	fuse_set_log_func(NULL);
	if (!absent)
		printf("note: a fuse struct_ops type exists on this kernel; fallback checks reduced\n");
	printf("%u passed, %u failed\n", passed, failed);
	return failed ? 1 : 0;
}
