/* SHA-256 of the FIPS 180-4 examples (the model compares files by it). */
#include <stdio.h>
#include <string.h>

#include "kmodel.h"

static int check(const char *msg, size_t reps, const char *want)
{
	struct kmodel_sha256_ctx c;
	uint8_t d[32];
	char hex[65];
	size_t i;

	kmodel_sha256_init(&c);
	for (i = 0; i < reps; i++)
		kmodel_sha256_update(&c, msg, strlen(msg));
	kmodel_sha256_final(&c, d);
	for (i = 0; i < 32; i++)
		sprintf(hex + 2 * i, "%02x", d[i]);
	if (strcmp(hex, want)) {
		printf("FAIL sha256(\"%s\" x%zu) = %s, want %s\n", msg, reps, hex,
		       want);
		return 1;
	}
	printf("ok sha256(\"%.20s\" x%zu)\n", msg, reps);
	return 0;
}

int main(void)
{
	int f = 0;

	f += check("", 1,
		   "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	f += check("abc", 1,
		   "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	f += check("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 1,
		   "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	f += check("a", 1000000,
		   "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	return f ? 1 : 0;
}
