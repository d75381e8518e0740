/*
 * scrape's command flow: read a namespace, and with --steal take its
 * addresses (journaled first), or with --restore put back what a killed
 * --steal took; and what each run reports.  cmd/scrape.c parses the
 * options into a request and calls xw_scrape_run().
 */
#ifndef XW_SCRAPE_CMD_H
#define XW_SCRAPE_CMD_H

#include <stdbool.h>
#include <stdint.h>

struct xw_ctx;

/* What to scrape, resolved: the process already runs in the namespace. */
struct xw_scrape_request {
	const char *netns; /* --netns as given, NULL for this namespace */
	uint64_t netns_ino;
	const char *device; /* --device's name, NULL for every interface */
	uint32_t ifindex; /* its ifindex, 0 without --device */
	bool steal;
	bool force; /* --steal also in the machine's initial namespace */
	bool restore;
};

int xw_scrape_run(struct xw_ctx *ctx, const struct xw_scrape_request *req);

#endif /* XW_SCRAPE_CMD_H */
