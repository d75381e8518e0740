/*
 * status --metrics: the status document's directories (status_doc.c)
 * rendered in the Prometheus text exposition format 0.0.4, which
 * node_exporter's textfile collector reads.  Samples are gathered per
 * metric family as directories are added, since the format wants each
 * family's samples together under its # HELP and # TYPE lines.
 */
#ifndef XW_STATUS_METRICS_H
#define XW_STATUS_METRICS_H

#include <stdio.h>

struct json_object;
struct xw_status_metrics;

/* NULL when out of memory. */
struct xw_status_metrics *xw_status_metrics_new(void);

/* Adds the samples of one directory (an entry of "directories"). */
int xw_status_metrics_add_dir(struct xw_status_metrics *m,
			      struct json_object *dir);

/*
 * xdpwire_build_info{version}, then every family that has samples, in a
 * fixed order.  -ENOMEM, with nothing printed, when the samples could not
 * all be kept; -EIO when f has failed.
 */
int xw_status_metrics_print(const struct xw_status_metrics *m,
			    const char *version, FILE *f);
void xw_status_metrics_free(struct xw_status_metrics *m);

#endif /* XW_STATUS_METRICS_H */
