package train

import (
	"fmt"
	"io"
	"time"

	"github.com/refit-ml/refit/model"
)

// Summary is what `refit train` prints about the model it wrote.
type Summary struct {
	Model           string   `json:"model"`
	Task            string   `json:"task"`
	Labels          []string `json:"labels,omitempty"`
	TrainRows       int      `json:"train_rows"`
	ValidRows       int      `json:"validation_rows"`
	Features        int      `json:"features"`
	Params          int      `json:"parameters"`
	Epochs          int      `json:"epochs"`
	BestEpoch       int      `json:"best_epoch"`
	StoppedEarly    bool     `json:"stopped_early"`
	Metric          string   `json:"metric"`
	BestValidMetric float64  `json:"best_validation_metric"`
	BestValidLoss   float64  `json:"best_validation_loss"`
	Seconds         float64  `json:"seconds"`
	// Duration is Seconds as a duration, for the text form.
	Duration time.Duration `json:"-"`
}

// NewSummary summarizes a fit's report and the model it wrote to path.
func NewSummary(path string, m *model.Model, rep Report) Summary {
	return Summary{
		Model: path, Task: string(rep.Task), Labels: rep.Labels, TrainRows: rep.TrainRows, ValidRows: rep.ValidRows,
		Features: rep.Features, Params: m.NumParams(), Epochs: rep.Epochs, BestEpoch: rep.BestEpoch,
		StoppedEarly: rep.StoppedEarly, Metric: rep.Metric, BestValidMetric: rep.BestValidMetric,
		BestValidLoss: rep.BestValidLoss, Seconds: rep.Duration.Seconds(), Duration: rep.Duration,
	}
}

// WriteText writes the summary as aligned "name  value" lines.
func (s Summary) WriteText(w io.Writer) error {
	stopped := ""
	if s.StoppedEarly {
		stopped = ", stopped early"
	}
	_, err := fmt.Fprintf(w, "model       %s (%s)\nrows        %d train, %d validation\nfeatures    %d\nparameters  %d\n"+
		"epochs      %d (best %d%s)\nvalidation  %s %.4f, loss %.5f\ntime        %s\n",
		s.Model, s.Task, s.TrainRows, s.ValidRows, s.Features, s.Params, s.Epochs, s.BestEpoch, stopped,
		s.Metric, s.BestValidMetric, s.BestValidLoss, s.Duration.Round(time.Millisecond))
	return err
}
