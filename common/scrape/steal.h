/*
 * scrape --steal: takes the scraped addresses off their interfaces (not
 * loopback's, nor IPv6 link-local ones), as older runtimes did so that
 * only the sandbox answers for them.  All or nothing: if one removal
 * fails, the addresses already removed are put back, and with them the
 * routes the kernel dropped when they went.  What will be removed is
 * journaled first (steal_journal.h), so that a run killed midway is
 * undone by the next one (xw_steal_replay) and nothing is lost.
 */
#ifndef XW_STEAL_H
#define XW_STEAL_H

#include <stdbool.h>
#include <stddef.h>

struct nl_sock;
struct xw_ctx;
struct xw_journal;
struct xw_scrape;

/*
 * s must have been read with keep_for_steal; j locked.  On success the
 * journal stays: the caller removes it once the caller's caller has the
 * result, which a kill before then would otherwise lose.
 */
int xw_steal(struct xw_ctx *ctx, struct xw_scrape *s, struct xw_journal *j);

/*
 * Puts back what the journal of an interrupted --steal lists (addresses
 * in its order, then routes) and removes it; with report, each address
 * put back is a change ("restored"), else only a -v line.  *found tells
 * whether there was a journal of this namespace (one of a namespace that
 * is gone, whose inode this one was given, is removed with a warning).
 * An address whose interface is gone is dropped with a warning; any
 * other failure keeps the journal.
 */
int xw_steal_replay(struct xw_ctx *ctx, struct nl_sock *sk,
		    struct xw_journal *j, bool report, bool *found);

#endif /* XW_STEAL_H */
