/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * bpf_probe.c - may this process attach a struct_ops mapping program here?
 * libbpf version, capabilities, and the struct_ops type in kernel BTF
 * (vmlinux and module BTF files).  Needs libbpf.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/capability.h>

#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "bpf_runtime_i.h"

/* CAP_PERFMON 38, CAP_BPF 39 (include/uapi/linux/capability.h, 5.8+). */
#ifndef CAP_PERFMON
#define CAP_PERFMON	38
#endif
#ifndef CAP_BPF
#define CAP_BPF		39
#endif

#define DEFAULT_BTF_DIR	"/sys/kernel/btf"

int fuse_bpf_check_libbpf(char *why, size_t why_len)
{
	unsigned int maj = libbpf_major_version(), min = libbpf_minor_version();

	/* struct_ops in modules and skeleton shadow types: libbpf 1.4. */
	if (maj > 1 || (maj == 1 && min >= 4))
		return 0;
	snprintf(why, why_len,
		 "libbpf %u.%u at run time; struct_ops from kernel modules needs >= 1.4",
		 maj, min);
	return -EOPNOTSUPP;
}

static int cap_effective(unsigned int cap, const struct __user_cap_data_struct *d)
{
	return (d[cap / 32].effective >> (cap % 32)) & 1;
}

int fuse_bpf_check_caps(char *why, size_t why_len)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];

	memset(data, 0, sizeof(data));
	if (syscall(SYS_capget, &hdr, data) != 0) {
		snprintf(why, why_len, "capget: %s", strerror(errno));
		return -EPERM;
	}
	if (cap_effective(CAP_SYS_ADMIN, data))
		return 0;
	/* is_perfmon_prog_type() lists STRUCT_OPS (kernel/bpf/syscall.c). */
	if (cap_effective(CAP_BPF, data) && cap_effective(CAP_PERFMON, data))
		return 0;
	snprintf(why, why_len,
		 "loading a STRUCT_OPS program needs CAP_BPF and CAP_PERFMON (have CAP_BPF=%d CAP_PERFMON=%d)",
		 cap_effective(CAP_BPF, data), cap_effective(CAP_PERFMON, data));
	return -EPERM;
}

/* Both the ops type and the kernel's value type bpf_struct_ops_<type>. */
static int btf_has(const struct btf *btf, const char *ops_type,
		   const char *value_type)
{
	return btf__find_by_name_kind(btf, ops_type, BTF_KIND_STRUCT) > 0 &&
	       btf__find_by_name_kind(btf, value_type, BTF_KIND_STRUCT) > 0;
}

int fuse_bpf_btf_has_struct_ops(const char *btf_dir, const char *ops_type,
				char *where, size_t where_len)
{
	char path[512], value_type[160];
	struct btf *vml, *mod;
	struct dirent *de;
	int found = 0, err;
	DIR *d;

	if (!ops_type || strlen(ops_type) > 100)
		return -EINVAL;
	if (!btf_dir)
		btf_dir = DEFAULT_BTF_DIR;
	snprintf(value_type, sizeof(value_type), "bpf_struct_ops_%s", ops_type);
	snprintf(path, sizeof(path), "%s/vmlinux", btf_dir);
	vml = btf__parse(path, NULL);
	if (!vml) {
		err = -errno;
		return err ? err : -ENOENT;
	}
	if (btf_has(vml, ops_type, value_type)) {
		snprintf(where, where_len, "vmlinux");
		btf__free(vml);
		return 1;
	}
	d = opendir(btf_dir);
	while (d && !found && (de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' || !strcmp(de->d_name, "vmlinux"))
			continue;
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", btf_dir,
				     de->d_name) >= sizeof(path))
			continue;
		mod = btf__parse_split(path, vml);
		if (!mod)
			continue;	/* unreadable module BTF: skip it */
		if (btf_has(mod, ops_type, value_type)) {
			snprintf(where, where_len, "%s", de->d_name);
			found = 1;
		}
		btf__free(mod);
	}
	if (d)
		closedir(d);
	btf__free(vml);
	return found;
}
