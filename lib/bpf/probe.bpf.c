// SPDX-License-Identifier: GPL-2.0-only
/* Configure-time check that clang can build BPF objects with libbpf headers. */
#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("syscall")
int probe(void *ctx)
{
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
