package train

import (
	"fmt"
	"log/slog"
	"strconv"
	"strings"

	"github.com/apache/arrow/go/v17/arrow"
)

// TimeColumns lists the schema's timestamp and date columns, in schema
// order: the candidates for Data.TimeColumn when the caller names none.
func TimeColumns(s *arrow.Schema) []string {
	var found []string
	for _, f := range s.Fields() {
		switch f.Type.ID() {
		case arrow.TIMESTAMP, arrow.DATE32, arrow.DATE64:
			found = append(found, f.Name)
		}
	}
	return found
}

// LogEpochs returns a progress hook that logs each epoch at info level on
// log.
func LogEpochs(log *slog.Logger) func(Epoch) {
	return func(e Epoch) {
		log.Info("epoch", "epoch", e.Epoch, "train_loss", e.TrainLoss, "valid_loss", e.ValidLoss,
			"valid_metric", e.ValidMetric, "improved", e.Improved, "stop", e.Stop)
	}
}

// ParseHidden reads hidden layer widths written comma-separated ("64,32");
// "" is none.
func ParseHidden(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		n, err := strconv.Atoi(f)
		if err != nil {
			return nil, fmt.Errorf("train: hidden widths %q: %w", s, err)
		}
		out = append(out, n)
	}
	return out, nil
}
