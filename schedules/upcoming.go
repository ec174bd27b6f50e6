package schedules

import (
	"fmt"
	"io"
	"time"
)

// Upcoming are a schedule's next fire times, as `refit schedule next`
// lists them.
type Upcoming struct {
	Name    string `json:"name"`
	Job     string `json:"job"`
	Cron    string `json:"cron"`
	Timeout string `json:"timeout"`
	// Next are the fire times, in the zone of the spec's CRON_TZ or TZ,
	// else of the time they follow (see Next).
	Next []time.Time `json:"next"`
}

// WriteUpcoming lists each schedule and its fire times in RFC 3339 with
// the weekday.
func WriteUpcoming(w io.Writer, list []Upcoming) error {
	if len(list) == 0 {
		fmt.Fprintln(w, "no schedules in the configuration")
	}
	for _, s := range list {
		fmt.Fprintf(w, "%s  job %s, cron %q, timeout %s\n", s.Name, s.Job, s.Cron, s.Timeout)
		for _, t := range s.Next {
			fmt.Fprintf(w, "  %s  %s\n", t.Format(time.RFC3339), t.Format("Mon"))
		}
		if len(s.Next) == 0 {
			fmt.Fprintln(w, "  never fires again")
		}
	}
	return nil
}
