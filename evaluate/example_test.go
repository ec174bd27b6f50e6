package evaluate_test

import (
	"fmt"
	"log"
	"strings"

	"github.com/refit-ml/refit/evaluate"
)

func ExampleROCAUC() {
	labels := []int{0, 0, 1, 1, 0, 1}
	scores := []float32{0.1, 0.4, 0.35, 0.8, 0.4, 0.4}
	auc, err := evaluate.ROCAUC(labels, scores)
	if err != nil {
		log.Fatal(err)
	}
	// 9 positive-negative pairs: 5 ordered right, 2 tied (½ each), 2 wrong:
	// (5 + 2×½) / 9; sklearn's roc_auc_score gives 0.6666666666666667 too.
	fmt.Printf("AUC %.4f\n", auc)
	// Output: AUC 0.6667
}

func ExamplePolicy_Check() {
	policy, err := evaluate.DecodePolicy(strings.NewReader(`
gates:
  - {metric: auc, min: 0.65}
  - {metric: auc, max_drop_vs_champion: 0.005}
  - {latency_p99_us: 100}
`), "gates.yaml")
	if err != nil {
		log.Fatal(err)
	}
	// The evidence Compare measures: the paired interval of candidate −
	// champion AUC on the same rows (90%, so each end is a one-sided 95%
	// bound).
	candidate := evaluate.Result{Model: "v0008", Metrics: map[string]float64{"auc": 0.802},
		Cost: evaluate.Cost{LatencyP99Us: 140},
		Paired: []evaluate.Paired{{Against: evaluate.RoleChampion, Metric: "auc", N: 2000,
			Diff: evaluate.Interval{Metric: "auc", Estimate: -0.003, Lo: -0.011, Hi: 0.004, Level: 0.9, Resamples: 1000}}}}
	champion := evaluate.Result{Model: "v0007", Metrics: map[string]float64{"auc": 0.805}}
	verdict := policy.Check(candidate, &champion, nil)
	for _, c := range verdict.Checks {
		fmt.Printf("%-5v %s: %s\n", c.Pass, c.Gate, c.Reason)
	}
	fmt.Println("promote:", verdict.Pass)
	// Output:
	// true  {metric: auc, min: 0.65}: auc 0.802 is within bounds
	// true  {metric: auc, max_drop_vs_champion: 0.005}: auc drop 0.003, 90% interval [-0.004, 0.011], vs limit 0.005: not shown beyond the limit (champion 0.805, candidate 0.802)
	// false {latency_p99_us: 100}: latency_p99_us 140, budget <= 100
	// promote: false
}
