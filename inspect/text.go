package inspect

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/refit-ml/refit/internal/numfmt"
)

// WriteText writes mi as `refit inspect MODEL_FILE` prints it: a header,
// the inputs and layers as tables, notes, the lineage and the model card.
func (mi *ModelInfo) WriteText(w io.Writer) error {
	fmt.Fprintf(w, "model %s  %s\ntask      %s\n", mi.Path, numfmt.Bytes(mi.Bytes), mi.Task)
	if mi.Label != "" {
		fmt.Fprintf(w, "label     %s\n", mi.Label)
	}
	if len(mi.Classes) > 0 {
		fmt.Fprintf(w, "classes   %s\n", strings.Join(mi.Classes, ", "))
	}
	fmt.Fprintf(w, "params    %d (%d non-zero)\n\ninputs (%d columns, %d features)\n", mi.Params, mi.NonZeros, len(mi.Inputs), mi.Features)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "  column\tencoding\tfeatures\tlearned")
	for _, c := range mi.Inputs {
		fmt.Fprintf(tw, "  %s\t%s\t%d\t%s\n", c.Name, c.Kind, c.Features, c.Detail)
	}
	tw.Flush()
	fmt.Fprintln(w, "\nlayers")
	tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "  #\tkind\tshape\tactivation\tparams\tsparsity\tweights")
	for i, l := range mi.Layers {
		fmt.Fprintf(tw, "  %d\t%s\t%dx%d\t%s\t%d\t%.1f%%\t%s\n", i+1, l.Kind, l.In, l.Out, l.Activation, l.Params, 100*l.Sparsity, l.Quantized)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	mi.writeLineage(w)
	if mi.Card != "" {
		fmt.Fprintf(w, "\n%s", mi.Card)
	}
	return nil
}

func (mi *ModelInfo) writeLineage(w io.Writer) {
	for _, n := range mi.Notes {
		fmt.Fprintf(w, "note: %s\n", n)
	}
	if len(mi.Lineage) == 0 {
		return
	}
	fmt.Fprintln(w, "\nlineage")
	for _, k := range slices.Sorted(maps.Keys(mi.Lineage)) {
		fmt.Fprintf(w, "  %s: %s\n", k, mi.Lineage[k])
	}
}
