/* Whether a man page can be shown, for xdpwire help COMMAND. */
#ifndef XW_MAN_PAGE_H
#define XW_MAN_PAGE_H

#include <stdbool.h>

bool xw_man_page_installed(const char *page);

#endif /* XW_MAN_PAGE_H */
