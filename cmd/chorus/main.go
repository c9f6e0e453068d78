// Command chorus runs a residential community's volunteers from the chat groups they
// already use: chorus run (WeChat / WeCom), chorus console (a terminal chat), chorus demo
// (a scripted day in 长征社区) and chorus export (the monthly workbook).
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/redis/go-redis/v9"
	_ "time/tzdata" // the binary carries its own zoneinfo: Asia/Shanghai on any host
)

// Env is what a run of chorus gets from its process; tests build their own.
type Env struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	Getenv         func(string) string
}

func main() {
	// go-redis logs (a failed dial, a pool event) through one process-wide logger, which
	// would print raw "pool.go:…" lines into the structured log. It is set here, once for
	// the process, not in Main: tests run Main many times in one process. The lines go
	// in at debug level, because Health logs an outage once when it starts and once when
	// it ends.
	redis.SetLogger(redisLog{newLogger(os.Stderr, slog.LevelInfo)})
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	code := Main(ctx, os.Args[1:], Env{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv})
	stop()
	os.Exit(code)
}

const usage = `用法 / usage:
  chorus run     [--config config.yaml]            connect to WeChat / WeCom and serve the groups
  chorus console [--config config.yaml] [--json] [--at RFC3339] [--http ADDR]
                                                   chat with the bot in the terminal
                                                   (--http: the staff web app on its data)
  chorus demo    [--config config.yaml] [--json] [--serve]
                                                   a scripted day (and week) in 长征社区
                                                   (--serve: then the web app on http.addr)
  chorus passwd  < password                        a password hash for staff: in config
  chorus export  --month 2026-12 --out feedback.xlsx [--config config.yaml]
                                                   the month's feedback workbook`

// Main runs one chorus command and returns the process's exit code.
func Main(ctx context.Context, args []string, env Env) int {
	if len(args) == 0 {
		fmt.Fprintln(env.Stderr, usage)
		return 2
	}
	var err error
	switch args[0] {
	case "run":
		err = cmdRun(ctx, args[1:], env)
	case "console":
		err = cmdConsole(ctx, args[1:], env)
	case "demo":
		err = cmdDemo(ctx, args[1:], env)
	case "export":
		err = cmdExport(ctx, args[1:], env)
	case "passwd":
		err = cmdPasswd(args[1:], env)
	case "help", "-h", "--help":
		fmt.Fprintln(env.Stdout, usage)
		return 0
	default:
		fmt.Fprintf(env.Stderr, "chorus: unknown command %q\n%s\n", args[0], usage)
		return 2
	}
	return exitCode(err, env.Stderr)
}

// exitCode writes err's one line to stderr and returns the process's exit code: 0 for
// none (or a stop by signal), 2 for a usage error, 1 for anything else.
func exitCode(err error, stderr io.Writer) int {
	var ue usageError
	switch {
	case err == nil, errors.Is(err, context.Canceled):
		return 0
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "chorus: %v\n%s\n", err, usage)
		return 2
	}
	fmt.Fprintf(stderr, "chorus: %v\n", err)
	return 1
}

// usageError is a mistake on the command line.
type usageError struct{ error }

// redisLog routes go-redis's Printf-style lines into slog.
type redisLog struct{ log *slog.Logger }

func (l redisLog) Printf(ctx context.Context, format string, v ...any) {
	l.log.DebugContext(ctx, fmt.Sprintf(format, v...), "component", "go-redis")
}

func newLogger(w io.Writer, level slog.Level) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: level}))
}
