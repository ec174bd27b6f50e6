//go:build !linux

package validate

import "time"

func threadCPU() time.Duration { return 0 }
