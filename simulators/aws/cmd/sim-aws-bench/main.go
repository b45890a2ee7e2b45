// Command sim-aws-bench measures an AWS endpoint (the simulator or moto)
// with the real aws-sdk-go-v2 clients: DescribeTasks and PutLogEvents
// requests per second from N concurrent clients, and, with -runtask, the
// RunTask → STOPPED latency of an `echo` task.
//
//	sim-aws-bench -endpoint http://127.0.0.1:4566 -clients 16 -duration 5s [-runtask 10]
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	err := run(ctx, os.Args[1:], os.Stdout)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("sim-aws-bench", flag.ContinueOnError)
	endpoint := fs.String("endpoint", "http://127.0.0.1:4566", "endpoint to measure")
	clients := fs.Int("clients", 16, "concurrent clients")
	duration := fs.Duration("duration", 0, "time per measurement (default 5s)")
	runTasks := fs.Int("runtask", 0, "RunTask → STOPPED samples (0: skip)")
	label := fs.String("label", "", "name printed with the figures")
	raw := fs.Bool("raw", false, "send signed HTTP requests without the SDK's deserializers (for moto)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *duration == 0 {
		*duration = 5e9
	}
	type measure struct {
		name string
		fn   func(context.Context) error
	}
	var b *bench
	var ms []measure
	client := "aws-sdk-go-v2"
	if *raw {
		rb, err := newRawBench(ctx, *endpoint, *clients)
		if err != nil {
			return err
		}
		b = &bench{clients: *clients}
		ms = []measure{{"DescribeTasks", rb.describeTasks}, {"PutLogEvents", rb.putLogEvents}}
		client = "signed HTTP"
	} else {
		var err error
		if b, err = newBench(ctx, *endpoint, *clients); err != nil {
			return err
		}
		ms = []measure{{"DescribeTasks", b.describeTasks}, {"PutLogEvents", b.putLogEvents}}
	}
	for _, m := range ms {
		rps, errs := b.load(ctx, *duration, m.fn)
		fmt.Fprintf(out, "%s\t%s\t%s\t%.0f req/s\t%d errors\n", *label, client, m.name, rps, errs)
	}
	if *runTasks > 0 {
		p50, p95, err := b.runTaskLatency(ctx, *runTasks)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "%s\tRunTask→STOPPED\tp50 %s\tp95 %s\n", *label, p50, p95)
	}
	return nil
}
