package schedules_test

import (
	"os"
	"time"

	"github.com/refit-ml/refit/schedules"
)

func ExampleWriteUpcoming() {
	now := time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)
	next, _ := schedules.Next("0 2 * * *", now, 2)
	_ = schedules.WriteUpcoming(os.Stdout, []schedules.Upcoming{{Name: "nightly", Job: "run", Cron: "0 2 * * *", Timeout: "1h0m0s", Next: next}})
	// Output:
	// nightly  job run, cron "0 2 * * *", timeout 1h0m0s
	//   2024-03-01T02:00:00Z  Fri
	//   2024-03-02T02:00:00Z  Sat
}
