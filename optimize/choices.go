package optimize

import "fmt"

// QuantizeChoices are the quantization settings as users give them, on
// the command line or in refit.yaml.
type QuantizeChoices struct {
	Activations string   // "static" (also "", the default) or "dynamic"
	Percentile  float64  // 0, or a two-sided percentile in (50, 100]
	KeepFloat   []string // layers kept in float32: "first", "last"
}

// ChoiceError is one invalid setting of QuantizeChoices: Setting is
// "activations", "percentile" or "keep_float".
type ChoiceError struct {
	Setting string
	Problem string
}

// Apply checks c and, if it is valid, sets the matching fields of o. It
// returns every invalid setting.
func (c QuantizeChoices) Apply(o *Options) []ChoiceError {
	var errs []ChoiceError
	if a := c.Activations; a != "" && a != "dynamic" && a != "static" {
		errs = append(errs, ChoiceError{"activations", fmt.Sprintf("%q: want dynamic or static", a)})
	}
	if p := c.Percentile; !(p == 0 || p > 50 && p <= 100) {
		errs = append(errs, ChoiceError{"percentile", fmt.Sprintf("%v: want 0 (minimum and maximum) or a percentile in (50, 100]", p)})
	}
	var first, last bool
	for _, l := range c.KeepFloat {
		switch l {
		case "first":
			first = true
		case "last":
			last = true
		default:
			errs = append(errs, ChoiceError{"keep_float", fmt.Sprintf("%q: want first or last", l)})
		}
	}
	if errs == nil {
		o.Static, o.Percentile = c.Activations != "dynamic", c.Percentile
		o.KeepFirstFloat, o.KeepLastFloat = first, last
	}
	return errs
}
