#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "install/passcfg.h"

uint64_t xw_hash64(const void *data, size_t size)
{
	const unsigned char *p = data;
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t i;

	for (i = 0; i < size; i++) {
		h ^= p[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

static int cmp_u16(const void *a, const void *b)
{
	return (int)*(const uint16_t *)a - (int)*(const uint16_t *)b;
}

void xw_pass_cfg_fill(struct xw_pass_cfg *cfg, const uint16_t *ports,
		      size_t n_ports, const void *elf, size_t elf_size)
{
	uint16_t sorted[XW_MAX_PASS_PORTS];
	size_t i, n = 0;

	memset(cfg, 0, sizeof(*cfg));
	cfg->object_hash = xw_hash64(elf, elf_size);
	if (!n_ports) {
		sorted[0] = XW_DEFAULT_PASS_PORT;
		n_ports = 1;
	} else {
		if (n_ports > XW_MAX_PASS_PORTS)
			n_ports = XW_MAX_PASS_PORTS;
		memcpy(sorted, ports, n_ports * sizeof(*ports));
	}
	qsort(sorted, n_ports, sizeof(sorted[0]), cmp_u16);
	for (i = 0; i < n_ports; i++)
		if (!n || sorted[i] != ntohs(cfg->ports[n - 1]))
			cfg->ports[n++] = htons(sorted[i]);
	cfg->n_ports = (uint32_t)n;
}
