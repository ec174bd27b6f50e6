// Command damage writes a damaged copy of a month of data, to see refit's
// quality gate block it: nulls, negative and absurd values, categories
// never seen and duplicated rows, each at a rate, seeded.
//
//	go run ./examples/flights/damage [-seed 7] IN.parquet OUT.parquet DAMAGE...
//
// A DAMAGE is kind:column=rate (kinds nulls, negative, absurd, unseen) or
// duplicate=rate, the rate a fraction of the rows; see internal/damage
// for what each writes. For example, a June like the one in issue 12:
//
//	go run ./examples/flights/damage /tmp/months/month=2001-06/part-0.parquet /tmp/june-damaged.parquet \
//	    nulls:distance=0.01 negative:distance=0.005 absurd:delay=0.001 unseen:origin=0.005 duplicate=0.002
//
// It prints how many rows each damage touched and the first of them
// (0-based rows of OUT), the rows refit's findings should name.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/refit-ml/refit/internal/damage"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "damage:", err)
		os.Exit(2)
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("damage", flag.ContinueOnError)
	fs.SetOutput(stderr)
	seed := fs.Uint64("seed", 7, "seed of the rows and values chosen")
	pool := fs.Int("pool", 10, "distinct new values an unseen damage writes")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: damage [-seed N] [-pool N] IN OUT kind:column=rate... (kinds nulls, negative, absurd, unseen) duplicate=rate")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() < 3 {
		fs.Usage()
		return fmt.Errorf("want IN, OUT and at least one damage")
	}
	var ds []damage.Damage
	for _, s := range fs.Args()[2:] {
		d, err := damage.Parse(s)
		if err != nil {
			return err
		}
		ds = append(ds, d)
	}
	rep, err := damage.File(ctx, fs.Arg(0), fs.Arg(1), ds, damage.Options{Seed: *seed, Pool: *pool})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: %d rows → %s: %d rows (seed %d)\n", fs.Arg(0), rep.InputRows, fs.Arg(1), rep.OutputRows, *seed)
	for _, a := range rep.Applied {
		fmt.Fprintf(stdout, "  %-28s %7d rows, first %s\n", a.Damage, len(a.Rows), firstRows(a.Rows, 5))
	}
	return nil
}

func firstRows(rows []int64, n int) string {
	var s []string
	for _, r := range rows[:min(n, len(rows))] {
		s = append(s, fmt.Sprint(r))
	}
	return strings.Join(s, ", ")
}
