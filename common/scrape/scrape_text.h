/* scrape's text output: what -j prints as JSON, as a compact summary. */
#ifndef XW_SCRAPE_TEXT_H
#define XW_SCRAPE_TEXT_H

#include <stdio.h>

struct xw_scrape;

void xw_scrape_print(FILE *f, const struct xw_scrape *s);

#endif /* XW_SCRAPE_TEXT_H */
