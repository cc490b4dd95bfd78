// SPDX-License-Identifier: GPL-2.0
/*
 * The holder: a process of the test program's own, forked before the
 * harness runs any test, that keeps $VFIO_PCI_DEV open for the tests of the
 * vfio_dev fixture. kselftest_harness.h runs each test in a child of its
 * own; the holder hands each such child its open files (container, group,
 * iommufd, device) over a socket, so a test finds the device as the test
 * before it left it, through the same open, rather than opening and
 * resetting it afresh. One path is open at a time (a device open through
 * its group cannot be bound through its cdev too): a request for the other
 * path closes the first. A test of the vfio_own fixture asks the holder to
 * close the device and opens it itself.
 *
 * The holder leaves when the program does: the socket's last other end
 * closes, or its parent dies.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "vfio_test.h"

enum holder_op {
	HOLDER_OPEN,		/* open in the given mode, send the files */
	HOLDER_RELEASE,		/* close whatever is open */
};

/* @tag, the asking process's pid, comes back with the reply */
struct holder_req {
	enum holder_op op;
	enum vfio_open_mode mode;
	pid_t tag;
};

/*
 * A reply: the request's result and, when the device is open, the device
 * as the holder has it, its open files passed with the message.
 */
struct holder_reply {
	pid_t tag;
	int ret;
	bool open;
	struct vfio_dev d;
};

#define HOLDER_FDS	4

/* the program's end of the holder's socket, -1 without a holder */
static int holder_sock = -1;

/* The files of @d that are open, in a fixed order: their addresses. */
static int dev_fds(struct vfio_dev *d, int *fds[HOLDER_FDS])
{
	int *all[HOLDER_FDS] = {
		&d->container_fd, &d->group_fd, &d->iommufd, &d->device_fd,
	};
	int i, n = 0;

	for (i = 0; i < HOLDER_FDS; i++)
		if (*all[i] >= 0)
			fds[n++] = all[i];
	return n;
}

static int send_reply(int sock, struct holder_reply *r)
{
	char cbuf[CMSG_SPACE(sizeof(int) * HOLDER_FDS)] = { 0 };
	struct iovec iov = { .iov_base = r, .iov_len = sizeof(*r) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	int *fds[HOLDER_FDS];
	struct cmsghdr *cm;
	int i, n;

	n = r->open ? dev_fds(&r->d, fds) : 0;
	if (n) {
		msg.msg_control = cbuf;
		msg.msg_controllen = CMSG_SPACE(sizeof(int) * n);
		cm = CMSG_FIRSTHDR(&msg);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int) * n);
		for (i = 0; i < n; i++)
			memcpy(CMSG_DATA(cm) + i * sizeof(int), fds[i],
			       sizeof(int));
	}
	return sendmsg(sock, &msg, MSG_NOSIGNAL) == sizeof(*r) ? 0 : -1;
}

/* Serve requests on @sock until its other ends are all closed. */
static void __noreturn holder_serve(int sock, const char *bdf)
{
	struct holder_reply r = { 0 };
	struct holder_req req;

	for (;;) {
		if (recv(sock, &req, sizeof(req), 0) != sizeof(req))
			break;
		if (r.open && (req.op == HOLDER_RELEASE ||
			       r.d.mode != req.mode)) {
			vfio_dev_close(&r.d);
			r.open = false;
		}
		r.tag = req.tag;
		r.ret = 0;
		if (req.op == HOLDER_OPEN && !r.open) {
			r.ret = vfio_dev_open(&r.d, bdf, req.mode);
			r.open = !r.ret;
		}
		if (send_reply(sock, &r))
			break;
	}
	if (r.open)
		vfio_dev_close(&r.d);
	_exit(0);
}

/* The holder writes nothing, nor keeps the program's output pipes open. */
static void quiet(void)
{
	int fd = open("/dev/null", O_RDWR);

	if (fd < 0)
		return;
	dup2(fd, STDIN_FILENO);
	dup2(fd, STDOUT_FILENO);
	dup2(fd, STDERR_FILENO);
	if (fd > STDERR_FILENO)
		close(fd);
}

int vfio_holder_start(const char *bdf)
{
	int sv[2];
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv))
		return -errno;
	pid = fork();
	if (pid < 0) {
		close(sv[0]);
		close(sv[1]);
		return -errno;
	}
	if (!pid) {
		close(sv[0]);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() == 1)
			_exit(0);
		quiet();
		holder_serve(sv[1], bdf);
	}
	close(sv[1]);
	holder_sock = sv[0];
	return 0;
}

/* Receive a reply into @r and its files into @r->d's open ones. */
static int recv_reply(struct holder_reply *r)
{
	char cbuf[CMSG_SPACE(sizeof(int) * HOLDER_FDS)];
	struct iovec iov = { .iov_base = r, .iov_len = sizeof(*r) };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	int *fds[HOLDER_FDS];
	struct cmsghdr *cm;
	int i, n, got = 0;

	if (recvmsg(holder_sock, &msg, MSG_CMSG_CLOEXEC) != sizeof(*r))
		return -EPIPE;
	cm = CMSG_FIRSTHDR(&msg);
	if (cm && cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS)
		got = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
	n = r->open ? dev_fds(&r->d, fds) : 0;
	for (i = 0; i < n && i < got; i++)
		memcpy(fds[i], CMSG_DATA(cm) + i * sizeof(int), sizeof(int));
	if (got != n) {
		for (i = 0; i < got; i++)
			close(*(int *)(CMSG_DATA(cm) + i * sizeof(int)));
		return -EPROTO;
	}
	return 0;
}

/*
 * Send @req and receive its reply in @r. A test killed between the two
 * (its time limit) leaves its reply behind: replies tagged for another
 * process are dropped, their files closed.
 */
static int holder_ask(struct holder_req *req, struct holder_reply *r)
{
	int ret;

	req->tag = getpid();
	if (send(holder_sock, req, sizeof(*req), MSG_NOSIGNAL) != sizeof(*req))
		return -EPIPE;
	do {
		ret = recv_reply(r);
		if (!ret && r->tag != req->tag && r->open)
			vfio_dev_close(&r->d);
	} while (!ret && r->tag != req->tag);
	return ret;
}

int vfio_holder_open(struct vfio_dev *d, const char *bdf,
		     enum vfio_open_mode mode)
{
	struct holder_req req = { .op = HOLDER_OPEN, .mode = mode };
	struct holder_reply r;
	int ret;

	if (holder_sock < 0)
		return vfio_dev_open(d, bdf, mode);
	ret = holder_ask(&req, &r);
	if (ret) {
		snprintf(d->err, sizeof(d->err),
			 "no answer from the holder process: %s", strerror(-ret));
		return ret;
	}
	*d = r.d;
	return r.ret;
}

int vfio_holder_release(void)
{
	struct holder_req req = { .op = HOLDER_RELEASE };
	struct holder_reply r;

	if (holder_sock < 0)
		return 0;
	return holder_ask(&req, &r);
}
