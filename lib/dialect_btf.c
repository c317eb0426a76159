/*
 * Is a struct_ops type present in the running kernel's BTF? Used to tell
 * whether a BPF dialect (fuse_iomap_bpf_ops, fuse_dax_fmap_ops) exists
 * before the library offers it. A plain search for the NUL-delimited name
 * in the BTF string sections: cheap, no libbpf needed.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dialect_i.h"

/* BTF files are a few MiB; refuse anything absurd. */
#define BTF_MAX_BYTES	(64u * 1024 * 1024)

static bool file_has_name(const char *path, const char *name)
{
	size_t nlen = strlen(name), cap = 1 << 20, len = 0;
	char *buf = NULL, *p;
	bool found = false;
	ssize_t r;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	buf = malloc(cap);
	while (buf) {
		if (len == cap) {
			if (cap >= BTF_MAX_BYTES)
				break;
			p = realloc(buf, cap * 2);
			if (!p)
				break;
			buf = p;
			cap *= 2;
		}
		r = read(fd, buf + len, cap - len);
		if (r <= 0)
			break;
		len += r;
	}
	close(fd);
	if (!buf)
		return false;
	for (p = buf; p && p + nlen + 1 < buf + len; p++) {
		p = memchr(p, name[0], buf + len - p);
		if (!p || p + nlen + 1 > buf + len)
			break;
		if (p > buf && p[-1] == '\0' && memcmp(p, name, nlen) == 0 &&
		    p[nlen] == '\0') {
			found = true;
			break;
		}
	}
	free(buf);
	return found;
}

bool fuse_dialect_btf_has_type(const char *type_name)
{
	if (!type_name || !type_name[0])
		return false;
	return file_has_name("/sys/kernel/btf/fuse", type_name) ||
	       file_has_name("/sys/kernel/btf/vmlinux", type_name);
}
