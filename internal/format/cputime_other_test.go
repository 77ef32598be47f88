//go:build !unix

package format

import "time"

// cpuTime is not measured here; the cpu-ratio metric is then 0.
func cpuTime() time.Duration { return 0 }
