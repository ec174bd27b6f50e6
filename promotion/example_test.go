package promotion_test

import (
	"os"

	"github.com/refit-ml/refit/promotion"
)

func ExampleChange_WriteText() {
	c := promotion.Change{Alias: "champion", From: "v0003", To: "v0004", Kind: "promote", Forced: true, Reason: "hotfix"}
	_ = c.WriteText(os.Stdout)
	// Output: promote: champion v0003 -> v0004 (forced)
}
