/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 sipshield authors
 */

/*
 * `sipshield-cli watch`: per-second rates, like top. Each frame comes
 * from two successive samples of /sipshield/stats and /sipshield/workers
 * taken on one connection; the rate is the difference over the time
 * between them, measured here, not assumed from --interval.
 *
 * On a terminal the frame is redrawn in place on the alternate screen and
 * the keyboard is read without echo or line buffering, so that 'q' quits
 * at once; everything is put back on the way out, whatever the way.
 * Elsewhere (a pipe, a file, a test) frames follow one another, a blank
 * line apart, with no escape sequences.
 */

#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>

#include "cli.h"
#include "counters.h"
#include "table.h"
#include "telemetry.h"

#define WHO "sipshield-cli watch"

/* ANSI sequences (xterm, and every terminal since) */
#define ALT_SCREEN_ON	"\033[?1049h\033[?25l"	/* alternate screen, no cursor */
#define ALT_SCREEN_OFF	"\033[?25h\033[?1049l"
#define HOME		"\033[H"
#define CLEAR_EOL	"\033[K"
#define CLEAR_EOS	"\033[J"

struct sample {
	json_t *stats;		/* /sipshield/stats */
	json_t *workers;	/* /sipshield/workers */
	double at;		/* CLOCK_MONOTONIC seconds, between the two calls */
};

struct term {
	bool out_tty;		/* redraw in place */
	bool in_tty;		/* read keys */
	bool raw;		/* saved holds the settings to restore */
	struct termios saved;
	char errbuf[4096];	/* stderr, held while the alternate screen is up */
};

static volatile sig_atomic_t quit;
static volatile sig_atomic_t resumed;

void
cli_watch_usage(FILE *out)
{
	fputs("Usage: sipshield-cli watch [--interval S] [--count N] [--all] [--file-prefix P]\n"
		"                           [--runtime-dir DIR]\n"
		"\n"
		"Show what the running sipshield does per second, refreshed every S seconds,\n"
		"like top: the rate and total of each counter (the verdicts always, the\n"
		"reasons and request methods once they have counted something), then the\n"
		"rates of each worker. Rates come from two successive samples of\n"
		"/sipshield/stats and /sipshield/workers, over the time measured between\n"
		"them; they have one decimal below 1000.\n"
		"\n"
		"On a terminal the view is redrawn in place and cut to the window's height;\n"
		"press q (or Ctrl-C) to quit, which puts the terminal back as it was. When\n"
		"standard output is not a terminal, each refresh is printed after the\n"
		"previous one, a blank line apart, without escape sequences.\n"
		"\n"
		"Options:\n"
		"  -i, --interval S    seconds between refreshes, 0.05 to 3600 (default 1).\n"
		"  -n, --count N       stop after N refreshes (default: run until q, Ctrl-C\n"
		"                      or SIGTERM).\n"
		"  -a, --all           show every counter, those still at zero too.\n", out);
	fputs(cli_opts_common_help, out);
	fputs("\n"
		"Exit status: 0 when stopped by q, Ctrl-C, SIGTERM or --count; 1 when\n"
		"sipshield is not running or stops answering; 2 bad usage.\n"
		"\n"
		"Examples:\n"
		"  sipshield-cli watch\n"
		"  sipshield-cli watch --interval 5 --file-prefix edge1\n"
		"  sipshield-cli watch --count 3 --interval 10 > rates.txt\n", out);
}

static void
on_quit(int sig)
{
	(void)sig;
	quit = 1;
}

static void
on_cont(int sig)
{
	(void)sig;
	resumed = 1;
}

/* No SA_RESTART: the signal must cut the wait short. */
static void
catch_signals(void)
{
	struct sigaction sa = {.sa_handler = on_quit};

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = on_cont;
	sigaction(SIGCONT, &sa, NULL);
	/* `watch | head`: a write error ends the loop, the terminal restored */
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Keys one at a time, no echo; Ctrl-C still raises SIGINT (ISIG kept). */
static void
set_raw(struct term *tm)
{
	struct termios raw = tm->saved;

	raw.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
	raw.c_cc[VMIN] = 1;
	raw.c_cc[VTIME] = 0;
	tcsetattr(STDIN_FILENO, TCSANOW, &raw);
}

static void
term_enter(struct term *tm)
{
	tm->out_tty = isatty(STDOUT_FILENO);
	tm->in_tty = isatty(STDIN_FILENO);
	if (tm->in_tty && tcgetattr(STDIN_FILENO, &tm->saved) == 0) {
		tm->raw = true;
		set_raw(tm);
	}
	if (tm->out_tty) {
		/* a message printed on the alternate screen would vanish with it */
		setvbuf(stderr, tm->errbuf, _IOFBF, sizeof(tm->errbuf));
		fputs(ALT_SCREEN_ON, stdout);
		fflush(stdout);
	}
}

static void
term_leave(struct term *tm)
{
	if (tm->out_tty) {
		fputs(ALT_SCREEN_OFF, stdout);
		fflush(stdout);
		fflush(stderr);
		setvbuf(stderr, NULL, _IONBF, 0);
	}
	if (tm->raw)
		tcsetattr(STDIN_FILENO, TCSANOW, &tm->saved);
}

/* After Ctrl-Z and fg the shell has put its own settings back. */
static void
term_resume(struct term *tm)
{
	resumed = 0;
	if (tm->raw)
		set_raw(tm);
	if (tm->out_tty) {
		fputs(ALT_SCREEN_ON, stdout);
		fflush(stdout);
	}
}

/* A pending key: true when it asks to quit, or the terminal is gone. */
static bool
read_key(void)
{
	ssize_t n;
	char c;

	n = read(STDIN_FILENO, &c, 1);
	if (n < 0)
		return errno != EINTR && errno != EAGAIN;
	return n == 0 || c == 'q' || c == 'Q';
}

/* Wait s seconds; true when the user asked to quit meanwhile. */
static bool
wait_for(struct term *tm, double s)
{
	double deadline = now() + s;
	struct pollfd p = {.fd = STDIN_FILENO, .events = POLLIN};

	while (!quit) {
		double left = deadline - now();

		if (resumed)
			term_resume(tm);
		if (left <= 0)
			return false;
		/* stdin that is no terminal (/dev/null, a pipe) is not a keyboard */
		if (poll(&p, tm->raw ? 1 : 0, (int)(left * 1000) + 1) > 0 && read_key())
			return true;
	}
	return true;
}

static void
sample_free(struct sample *s)
{
	json_decref(s->stats);
	json_decref(s->workers);
	memset(s, 0, sizeof(*s));
}

static int
take(struct cli_tel *t, struct sample *s)
{
	double before = now();

	if (cli_tel_call(t, "/sipshield/stats", NULL, &s->stats) < 0 ||
			cli_tel_call(t, "/sipshield/workers", NULL, &s->workers) < 0) {
		sample_free(s);
		return -1;
	}
	s->at = (before + now()) / 2;
	return 0;
}

/* (b - a) per second as a cell; "-" with no earlier sample or a reset. */
static void
rate_cell(struct cli_table *t, const json_t *a, const json_t *b, const char *name, double dt)
{
	uint64_t x, y;
	double r;

	if (a == NULL || dt <= 0) {
		cli_table_cell(t, "-");
		return;
	}
	x = cli_ctr_get(a, name);
	y = cli_ctr_get(b, name);
	if (y < x) {
		cli_table_cell(t, "-");
		return;
	}
	r = (double)(y - x) / dt;
	cli_table_cell(t, r < 1000 ? "%.1f" : "%.0f", r);
}

static void
counter_rows(struct cli_table *t, const struct sample *a, const struct sample *b, bool all)
{
	enum cli_ctr_group last = CLI_CTR_SUMMARY;
	double dt = a != NULL ? b->at - a->at : 0;
	struct cli_ctr_list l;

	cli_ctr_list(&l, (const json_t *const[]){b->stats}, 1, NULL);
	cli_table_row(t);
	cli_table_cell(t, "counter");
	cli_table_cell(t, "/s");
	cli_table_cell(t, "total");
	for (unsigned int i = 0; i < l.n; i++) {
		enum cli_ctr_group g = cli_ctr_group(l.name[i]);

		if (!all && g != CLI_CTR_SUMMARY && cli_ctr_get(b->stats, l.name[i]) == 0)
			continue;
		if (g != last)
			cli_table_blank(t);
		last = g;
		cli_table_row(t);
		cli_table_cell(t, "%s", l.name[i]);
		rate_cell(t, a != NULL ? a->stats : NULL, b->stats, l.name[i], dt);
		cli_table_cell(t, "%" PRIu64, cli_ctr_get(b->stats, l.name[i]));
	}
}

/* The per-worker columns: the verdicts, to spot an uneven RSS spread. */
static const char *const worker_cols[] = {"rx", "tx", "tx_failed", "passed", "answered",
	"dropped"};
#define N_WORKER_COLS (sizeof(worker_cols) / sizeof(worker_cols[0]))

static void
worker_rows(struct cli_table *t, const struct sample *a, const struct sample *b)
{
	double dt = a != NULL ? b->at - a->at : 0;
	char key[32], lcore[32];
	const json_t *wb;

	cli_table_row(t);
	cli_table_cell(t, "worker");
	cli_table_cell(t, "lcore");
	for (size_t k = 0; k < N_WORKER_COLS; k++)
		cli_table_cell(t, "%s/s", worker_cols[k]);
	for (unsigned int i = 0;; i++) {
		snprintf(key, sizeof(key), "worker%u", i);
		wb = json_object_get(b->workers, key);
		if (wb == NULL)
			break;
		cli_json_text(json_object_get(wb, "lcore"), lcore, sizeof(lcore));
		cli_table_row(t);
		cli_table_cell(t, "%u", i);
		cli_table_cell(t, "%s", lcore);
		for (size_t k = 0; k < N_WORKER_COLS; k++)
			rate_cell(t, a != NULL ? json_object_get(a->workers, key) : NULL, wb,
					worker_cols[k], dt);
	}
}

static void
render_header(FILE *f, const struct cli_tel *tel, const struct cli_opts *o,
		const struct sample *a, const struct sample *b, bool tty)
{
	char clock[16] = "";
	time_t wall = time(NULL);
	struct tm tm;

	if (localtime_r(&wall, &tm) != NULL)
		strftime(clock, sizeof(clock), "%H:%M:%S", &tm);
	fprintf(f, "sipshield pid %ld, --file-prefix %s, %s", tel->pid, o->file_prefix, clock);
	if (a != NULL)
		fprintf(f, ": per second over %.2f s", b->at - a->at);
	else
		fprintf(f, ": rates after %g s", o->interval);
	fputs(tty ? " (q: quit)\n\n" : "\n\n", f);
}

/* One frame as text; NULL after a message when memory ran out. */
static char *
render(const struct cli_tel *tel, const struct cli_opts *o, const struct sample *a,
		const struct sample *b, bool tty)
{
	struct cli_table t;
	size_t len;
	char *text;
	FILE *f = open_memstream(&text, &len);
	int rc;

	if (f == NULL) {
		fprintf(stderr, WHO ": out of memory\n");
		return NULL;
	}
	render_header(f, tel, o, a, b, tty);
	cli_table_init(&t, "lrr");
	counter_rows(&t, a, b, o->all);
	rc = cli_table_print(&t, f);
	cli_table_free(&t);
	fputc('\n', f);
	cli_table_init(&t, "lrrrrrrr");
	worker_rows(&t, a, b);
	if (rc == 0)
		rc = cli_table_print(&t, f);
	cli_table_free(&t);
	if (fclose(f) != 0 || rc < 0) {
		free(text);
		return NULL;
	}
	return text;
}

/* Lines the window has room for; a large number when it cannot tell. */
static unsigned int
window_rows(void)
{
	struct winsize ws;

	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 1)
		return ws.ws_row;
	return 1000;
}

/* Redraw in place: overwrite each line, clear what the last frame left. */
static void
show_tty(const char *text)
{
	unsigned int rows = window_rows(), line = 0;
	const char *p = text;

	fputs(HOME, stdout);
	/* one line short of the window: a newline on the last would scroll */
	while (*p != '\0' && line + 1 < rows) {
		size_t n = strcspn(p, "\n");

		fwrite(p, 1, n, stdout);
		fputs(CLEAR_EOL "\n", stdout);
		p += n + (p[n] == '\n');
		line++;
	}
	fputs(CLEAR_EOS, stdout);
	fflush(stdout);
}

/*
 * Draw a frame. Returns 0, 1 when standard output is gone (the reader of
 * a pipe quit: a normal end), or -1 after a message.
 */
static int
show(const struct term *tm, const struct cli_tel *tel, const struct cli_opts *o,
		const struct sample *a, const struct sample *b, bool first)
{
	char *text = render(tel, o, a, b, tm->out_tty);

	if (text == NULL)
		return -1;
	if (tm->out_tty) {
		show_tty(text);
	} else {
		if (!first)
			putchar('\n');
		fputs(text, stdout);
		fflush(stdout);
	}
	free(text);
	return ferror(stdout) ? 1 : 0;
}

/* Sample, wait, sample, draw: until q, a signal or --count frames. */
static int
loop(struct term *tm, struct cli_tel *tel, const struct cli_opts *o, struct sample *prev)
{
	struct sample cur;
	int rc = 0;

	/* a terminal gets the totals at once rather than a blank screen */
	if (tm->out_tty)
		rc = show(tm, tel, o, NULL, prev, true);
	for (unsigned long frame = 0; rc == 0 && (o->count == 0 || frame < o->count); frame++) {
		if (wait_for(tm, o->interval))
			break;
		if (take(tel, &cur) < 0)
			return -1;
		rc = show(tm, tel, o, prev, &cur, frame == 0);
		sample_free(prev);
		*prev = cur;
	}
	return rc < 0 ? -1 : 0;
}

int
cli_watch(int argc, char **argv, struct cli_opts *o)
{
	struct sample prev = {0};
	struct term tm = {0};
	struct cli_tel tel;
	int first, rc;

	first = cli_opts_parse(argc, argv, "watch",
			CLI_OPT_INTERVAL | CLI_OPT_COUNT | CLI_OPT_ALL, o, cli_watch_usage);
	if (first < 0 || cli_opts_operands("watch", argv + first, argc - first, 0, 0) < 0)
		return CLI_EXIT_USAGE;
	/* connect and sample before touching the terminal: errors stay visible */
	if (cli_tel_open(&tel, o, WHO) < 0)
		return CLI_EXIT_FAIL;
	if (take(&tel, &prev) < 0) {
		cli_tel_close(&tel);
		return CLI_EXIT_FAIL;
	}
	catch_signals();
	term_enter(&tm);
	rc = loop(&tm, &tel, o, &prev);
	term_leave(&tm);
	sample_free(&prev);
	cli_tel_close(&tel);
	return rc < 0 ? CLI_EXIT_FAIL : CLI_EXIT_OK;
}
