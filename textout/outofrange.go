package textout

import (
	"fmt"
	"io"
	"strings"

	"github.com/refit-ml/refit/model"
)

// OutOfRange tells which inputs had values the model's training data
// never had (they score from zeros or the edge of the range), one line per
// such column; nothing when every value was in range.
func OutOfRange(w io.Writer, counts []model.ColumnOOR) {
	for _, c := range counts {
		if c.OutOfRange == 0 {
			continue
		}
		fmt.Fprintf(w, "warning: %s: %d of %d values (%.3g%%) outside the training data: %s\n",
			c.Column, c.OutOfRange, c.Rows-c.Missing, 100*c.Share(), oorDetail(c))
	}
}

func oorDetail(c model.ColumnOOR) string {
	var parts []string
	add := func(n int64, what string) {
		if n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, what))
		}
	}
	add(c.Below, "below the training minimum")
	add(c.Above, "above the training maximum")
	add(c.UnseenHour, "at unseen hours")
	add(c.UnseenWeekday, "on unseen weekdays")
	add(c.UnseenMonth, "in unseen months")
	if len(parts) == 0 {
		parts = append(parts, "categories never seen in training")
		if !c.Exact {
			parts[0] += " (or too rare to be recorded)"
		}
	}
	return strings.Join(parts, ", ")
}
