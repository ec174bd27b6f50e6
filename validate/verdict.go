package validate

import (
	"errors"
	"fmt"
)

// Verdict grades a drift or coverage finding; higher is worse.
type Verdict uint8

// Verdicts.
const (
	VerdictOK Verdict = iota
	VerdictWarn
	VerdictAlert
)

var verdictNames = [...]string{"ok", "warn", "alert"}

func (v Verdict) String() string {
	if int(v) < len(verdictNames) {
		return verdictNames[v]
	}
	return fmt.Sprintf("Verdict(%d)", uint8(v))
}

// MarshalText encodes the verdict as its name.
func (v Verdict) MarshalText() ([]byte, error) {
	if int(v) >= len(verdictNames) {
		return nil, fmt.Errorf("validate: verdict %d: %w", uint8(v), ErrInvalidOptions)
	}
	return []byte(v.String()), nil
}

// UnmarshalText decodes a verdict name.
func (v *Verdict) UnmarshalText(b []byte) error {
	for i, n := range verdictNames {
		if n == string(b) {
			*v = Verdict(i)
			return nil
		}
	}
	return fmt.Errorf("validate: verdict %q: want ok, warn or alert: %w", b, ErrInvalidOptions)
}

// ErrInvalidOptions: drift or coverage options that cannot work.
var ErrInvalidOptions = errors.New("invalid options")
