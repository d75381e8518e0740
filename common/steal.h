/*
 * scrape --steal: takes the scraped addresses off their interfaces (not
 * loopback's), as older runtimes did so that only the sandbox answers for
 * them.  All or nothing: if one removal fails, the addresses already
 * removed are put back, and with them the routes the kernel dropped when
 * they went.
 */
#ifndef XW_STEAL_H
#define XW_STEAL_H

struct xw_ctx;
struct xw_scrape;

/* s must have been read with keep_for_steal. */
int xw_steal(struct xw_ctx *ctx, struct xw_scrape *s);

#endif /* XW_STEAL_H */
