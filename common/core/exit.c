#include <errno.h>
#include <stddef.h>
#include <netlink/errno.h>

#include "core/exit.h"

const struct xw_exit_row xw_exit_table[] = {
	{ XW_EXIT_OK, "done, or nothing needed to change" },
	{ XW_EXIT_NOT_OK,
	  "status --check, check, verify: the answer is no (nothing failed)" },
	{ XW_EXIT_USAGE, "usage: unknown, missing or conflicting options" },
	{ XW_EXIT_DATAERR,
	  "bad value: a name, number, socket or pinned object not acceptable" },
	{ XW_EXIT_NOINPUT,
	  "not found: device, namespace, bpffs or pinned object" },
	{ XW_EXIT_UNAVAILABLE,
	  "unavailable: kernel or device cannot, or another program holds it" },
	{ XW_EXIT_OSERR,
	  "a system call failed; the run's changes were rolled back" },
	{ XW_EXIT_CANTCREAT, "cannot create a pin or pin directory" },
	{ XW_EXIT_TEMPFAIL,
	  "lost a race, nothing changed (a lock held, a directory removed); retry" },
	{ XW_EXIT_NOPERM,
	  "not permitted: a capability is missing, or another user's object" },
	{ 0, NULL },
};

int xw_exit_for_errno(int err)
{
	switch (err) {
	case EPERM:
	case EACCES:
		return XW_EXIT_NOPERM;
	case ENOENT:
	case ENODEV:
	case ESRCH:
		return XW_EXIT_NOINPUT;
	case EBUSY:
	case EEXIST:
	case EOPNOTSUPP:
	case ENOSYS:
		return XW_EXIT_UNAVAILABLE;
	case EAGAIN:
		return XW_EXIT_TEMPFAIL;
	default:
		return XW_EXIT_OSERR;
	}
}

int xw_exit_for_create(int err)
{
	return err == EPERM || err == EACCES ? XW_EXIT_NOPERM :
					       XW_EXIT_CANTCREAT;
}

int xw_exit_for_nl(int nlerr)
{
	return nlerr == -NLE_PERM || nlerr == -NLE_NOACCESS ? XW_EXIT_NOPERM :
							      XW_EXIT_OSERR;
}
